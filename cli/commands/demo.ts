import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { StoreLayout } from '../../runtime/local/store-layout.js';
import { readArtifactFolder, writeArtifactFolder } from '../artifact-folder.js';
import type { Command } from '../command.js';
import { compileEntry } from '../compile-entry.js';
import { displayPath, shellPath } from '../display-path.js';
import { createLocalLogger } from '../local/logger.js';
import { queryOfflineStore } from '../local/offline-query.js';
import { runPipelineLocally } from '../local/pipeline-runner.js';
import { formatStepResult } from '../local/print-run.js';
import { writeChurnTable } from '../local/write-churn-table.js';
import { createOutput, ExitCode, UsageError, UserError } from '../output.js';
import { PACKAGE_ROOT } from '../package-info.js';

/** Seed of the demo data, fixed so that every demo prints the same counts. */
const DEMO_SEED = 42;
const DEMO_SAMPLES = 5000;
const FEATURE_GROUP = 'mlops_poc_churn_classification_feature';

export const demoCommand: Command = {
  name: 'demo',
  usage: `Usage: sagepipe demo [--store DIR]

Runs the churn example end to end with no AWS account: generates ${DEMO_SAMPLES} messy churn
rows (seed ${DEMO_SEED}), compiles examples/churn-feature-store/pipeline.ts, runs it on the
embedded engines, and prints how many customers and records the offline store holds for
customers 1-4000 (training) and 4001-5000 (inference).

Options:
  --store DIR    Store folder to use and keep. A kept store accumulates: the offline store
                 appends every write, so each further demo in it adds another record per
                 customer (a second run shows 4000 customers in 8000 training records).
                 Default: a new temporary folder, so every demo starts empty
  -h, --help     Show this help

Exit codes: 0 the demo ran, 1 a stage failed.`,

  async run(args) {
    const { values, positionals } = parseArgs({ args: [...args], allowPositionals: true, options: { store: { type: 'string' } } });
    if (positionals.length > 0) {
      throw new UsageError(`unexpected argument '${positionals[0]}'`);
    }
    const output = createOutput(false);
    const store = values.store ?? mkdtempSync(join(tmpdir(), 'sagepipe-demo-'));
    const layout = new StoreLayout(store);

    const table = await writeChurnTable(layout.tableFile('ml_metrics', 'churn_prediction_data', 'csv'), {
      samples: DEMO_SAMPLES,
      startCustomerId: 1,
      seed: DEMO_SEED,
    });
    output.result(`1. generated ${table.rows} messy churn rows in ${displayPath(table.path)}`);

    const compiled = await compileEntry(join(PACKAGE_ROOT, 'examples', 'churn-feature-store', 'pipeline.ts'), { typeCheck: false });
    if (compiled.artifacts === undefined) {
      throw new UserError('compiling the churn example failed', ExitCode.failed, compiled.issues);
    }
    const artifactDirectory = writeArtifactFolder(join(store, 'artifacts', 'churn-feature-store'), compiled.artifacts);
    output.result(`2. compiled the churn example into ${displayPath(artifactDirectory)}`);

    const result = await runPipelineLocally({
      folder: readArtifactFolder(artifactDirectory),
      store,
      parameters: [],
      tables: [],
      logger: createLocalLogger(),
    });
    output.result(`3. ran it locally:\n${result.steps.map(formatStepResult).join('\n')}`);
    if (!result.succeeded) {
      output.result(`the local run failed; the store is kept in ${displayPath(store)}`);
      return ExitCode.failed;
    }

    const counts = await queryOfflineStore(
      store,
      `SELECT count(DISTINCT customer_id) FILTER (WHERE customer_id BETWEEN 'CUST_000001' AND 'CUST_004000'), ` +
        `count(*) FILTER (WHERE customer_id BETWEEN 'CUST_000001' AND 'CUST_004000'), ` +
        `count(DISTINCT customer_id) FILTER (WHERE customer_id BETWEEN 'CUST_004001' AND 'CUST_005000'), ` +
        `count(*) FILTER (WHERE customer_id BETWEEN 'CUST_004001' AND 'CUST_005000') FROM "${FEATURE_GROUP}"`,
    );
    const [trainingCustomers, trainingRecords, inferenceCustomers, inferenceRecords] = (counts.rows[0] ?? []).map(Number);
    const lines = [
      `4. read back from the offline store of ${FEATURE_GROUP}:`,
      `   training  (customers 1-4000):    ${trainingCustomers} customers, ${trainingRecords} records`,
      `   inference (customers 4001-5000): ${inferenceCustomers} customers, ${inferenceRecords} records`,
    ];
    if (trainingRecords !== trainingCustomers || inferenceRecords !== inferenceCustomers) {
      lines.push('   the store kept the records of earlier runs: the offline store appends every write, so each run adds a record per customer');
    }
    lines.push(`store: ${displayPath(store)} (query it with: sagepipe query --local --store ${shellPath(displayPath(store))} "SELECT * FROM ${FEATURE_GROUP} LIMIT 5")`);
    output.result(lines.join('\n'));
    return ExitCode.ok;
  },
};
