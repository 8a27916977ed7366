import { parseArgs } from 'node:util';
import type { Command } from '../command.js';
import { formatTable, queryOfflineStore } from '../local/offline-query.js';
import { storeFolder } from '../local/options.js';
import { createOutput, ExitCode, UsageError } from '../output.js';

export const queryCommand: Command = {
  name: 'query',
  usage: `Usage: sagepipe query --local "SQL" [--json] [--store DIR]

Runs exactly one SQL statement over the local offline store. The statement is any SQL that
DuckDB accepts, and DuckDB runs it on this machine with your user's rights, so besides the
views below it can read and write local files (read_csv, COPY ... TO). Text with more than
one statement is rejected before anything runs.

Each feature group is a view named after the group, with one column per feature (Integral
as BIGINT, Fractional as DOUBLE, String as VARCHAR) plus write_time, api_invocation_time
and is_deleted. Every row ever written is there, so a record written twice appears twice.

Example:
  sagepipe query --local "SELECT count(*) FROM mlops_poc_churn_classification_feature"

Options:
  --local          Query the local store (required; the only mode so far)
  --json           Print {"columns": [...], "rows": [...]} instead of a table
  --store DIR      Local store folder. Default: $SAGEPIPE_STORE, else .sagepipe
  -h, --help       Show this help

Exit codes: 0 ok, 1 the query failed (such as a syntax error or an unknown table), 2 bad
usage (also no SQL statement, or more than one).`,

  async run(args) {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: { local: { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, store: { type: 'string' } },
    });
    if (!values.local) {
      throw new UsageError('only the local offline store can be queried here: add --local');
    }
    if (positionals.length !== 1) {
      throw new UsageError(positionals.length === 0 ? 'missing the SQL statement' : 'expected one SQL statement; quote it as one argument');
    }
    const output = createOutput(values.json);
    const result = await queryOfflineStore(storeFolder(values.store), positionals[0] as string);
    output.result(output.json ? JSON.stringify(result, null, 2) : formatTable(result));
    return ExitCode.ok;
  },
};
