import { parseArgs } from 'node:util';
import { loadConfig } from '../../dsl/config.js';
import { StoreLayout } from '../../runtime/local/store-layout.js';
import type { Command } from '../command.js';
import { displayPath } from '../display-path.js';
import { parseCount, storeFolder } from '../local/options.js';
import { randomSeed, writeChurnTable } from '../local/write-churn-table.js';
import { createOutput, ExitCode, UsageError } from '../output.js';

export const generateDataCommand: Command = {
  name: 'generate-data',
  usage: `Usage: sagepipe generate-data [--config FILE] [--database NAME] [--table NAME]
                              [--n-samples N] [--start-customer-id N] [--seed N]
                              [--rejectable-rows N] [--duplicate-rows N] [--store DIR] [--json]

Generates synthetic churn customers with the 14 columns of the churn table (customer_id,
age, tenure_months, monthly_charges, total_charges, contract_type, payment_method,
internet_service, phone_service, multiple_lines, online_security, tech_support,
device_protection, churn) and deliberate mess: missing values spelled '', NA, null, None
and more, extra whitespace, mixed casing, integers written as 12.0. Customer ids are
CUST_ and six digits. The table is written as CSV to
<store>/tables/<database>/<table>.csv, where \`sagepipe run --local\` finds it.

Options:
  --config FILE            pipeline_config.yaml; its athena_database and athena_table are the
                           defaults of --database and --table
  --database NAME          Database of the table. Default: from --config, else ml_metrics
  --table NAME             Table name. Default: from --config, else churn_prediction_data
  --n-samples N            Customers to generate (1 to 10,000,000). Default: 5000
  --start-customer-id N    First customer number (CUST_000001 is 1). Default: 1
  --seed N                 Seed of the generator; the same seed writes the same file.
                           Default: a random seed, printed so the run can be repeated
  --rejectable-rows N      Give N rows one value that cleaning rejects (age 'twenty',
                           tenure '2.5', contract 'Weekly', churn 'maybe', charges 'inf',
                           or no customer id). Default: 0
  --duplicate-rows N       Append N rows that repeat an existing customer id. Default: 0
  --athena-output URI      Accepted for compatibility with the Python generator; unused,
                           because nothing is sent to Athena
  --store DIR              Local store folder. Default: $SAGEPIPE_STORE, else .sagepipe
  --json                   Print the result as JSON
  -h, --help               Show this help

Exit codes: 0 written, 1 the config or the file could not be read or written, 2 bad usage.`,

  async run(args) {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        config: { type: 'string' },
        database: { type: 'string' },
        table: { type: 'string' },
        'n-samples': { type: 'string' },
        'start-customer-id': { type: 'string' },
        seed: { type: 'string' },
        'rejectable-rows': { type: 'string' },
        'duplicate-rows': { type: 'string' },
        'athena-output': { type: 'string' },
        store: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    if (positionals.length > 0) {
      throw new UsageError(`unexpected argument '${positionals[0]}'`);
    }
    const config = values.config !== undefined ? loadConfig(values.config) : undefined;
    const database = values.database ?? config?.athena_database ?? 'ml_metrics';
    const table = values.table ?? config?.athena_table ?? 'churn_prediction_data';
    for (const [name, value] of [
      ['database', database],
      ['table', table],
    ] as const) {
      if (!/^[A-Za-z0-9_]{1,255}$/.test(value)) {
        throw new UsageError(`--${name} '${value}' is invalid: use letters, digits and underscores only, as Glue names do`);
      }
    }
    const samples = parseCount('n-samples', values['n-samples'], 5000, { min: 1, max: 10_000_000 });
    const startCustomerId = parseCount('start-customer-id', values['start-customer-id'], 1, { min: 0, max: 999_999 });
    if (startCustomerId + samples - 1 > 999_999) {
      throw new UsageError(`--start-customer-id ${startCustomerId} with --n-samples ${samples} passes CUST_999999; customer ids have six digits`);
    }
    const seed = parseCount('seed', values.seed, randomSeed(), { min: 0, max: 2 ** 32 - 1 });
    const rejectableRows = parseCount('rejectable-rows', values['rejectable-rows'], 0, { min: 0, max: samples });
    const duplicateRows = parseCount('duplicate-rows', values['duplicate-rows'], 0, { min: 0, max: 10_000_000 });

    const layout = new StoreLayout(storeFolder(values.store));
    const path = layout.tableFile(database, table, 'csv');
    const result = await writeChurnTable(path, { samples, startCustomerId, seed, rejectableRows, duplicateRows });

    const output = createOutput(values.json);
    if (output.json) {
      output.result(JSON.stringify({ ok: true, database, table, path: result.path, rows: result.rows, seed }, null, 2));
    } else {
      output.result(`wrote ${result.rows} rows of ${database}.${table} to ${displayPath(result.path)} (seed ${seed})`);
    }
    return ExitCode.ok;
  },
};
