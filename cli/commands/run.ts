import { parseArgs } from 'node:util';
import { readArtifactFolder } from '../artifact-folder.js';
import type { Command } from '../command.js';
import { createLocalLogger } from '../local/logger.js';
import { parseTables, storeFolder } from '../local/options.js';
import { runPipelineLocally } from '../local/pipeline-runner.js';
import { formatRunSummary, formatStepResult } from '../local/print-run.js';
import { createProgressLine, type ProgressLine } from '../local/progress.js';
import { createOutput, ExitCode, UsageError } from '../output.js';

export const runCommand: Command = {
  name: 'run',
  usage: `Usage: sagepipe run <artifact-dir> --local [--param Name=Value]... [--store DIR]
                    [--table database.table=PATH]... [--json]

Executes the pipeline of an artifact folder written by \`sagepipe compile\` on this machine,
with no AWS account: steps in dependency order, parameters and expressions resolved,
Condition and Fail steps evaluated, and each sagepipe feature-store ingest step run by the
ingest runtime on DuckDB and the local feature store. Training, Transform and other
Processing steps need a SageMaker container; the run reports them as not runnable locally
and fails. Source tables come from <store>/tables/<database>/<table>.csv or .parquet
(\`sagepipe generate-data\` writes one) or from --table. A CSV line that cannot be parsed
(another number of fields than the header, an unclosed quote) is not read; it becomes a
rejected row with code MALFORMED_SOURCE_ROW, its line number and its text. Each ingest
step writes report.json, rejects.jsonl, duplicates.jsonl and failures.jsonl under
<store>/s3/<bucket>/<key>, the local copy of its S3 output. Progress (rows read, written,
rejected, rate) is shown when stderr is a terminal.

Options:
  --local                         Run on embedded engines (required; the only mode so far)
  --param Name=Value              Value of a declared pipeline parameter, converted to its
                                  type (Integer, Float, Boolean true/false, String). Repeatable.
                                  Parameters not given take their defaults
  --store DIR                     Local store folder. Default: $SAGEPIPE_STORE, else .sagepipe
  --table database.table=PATH     Read that Athena table from a local .csv (header row, read
                                  as text) or .parquet file instead of the store. Repeatable.
                                  Checked before any step runs: the file must exist and end
                                  in .csv or .parquet, an ingest step must read the table, and
                                  each table may be given once
  --json                          Print the result as JSON
  -h, --help                      Show this help

Environment:
  SAGEPIPE_LOG_LEVEL              Runtime log level on stderr (error, warn, info, debug).
                                  Default: warn. On a terminal each entry is one line,
                                  "level: message key=value ..."; otherwise one JSON object
                                  per line. A step's failure is printed in the summary, so
                                  the runtime logs it only at level info

Exit codes: 0 every step succeeded, 1 a step failed or is not runnable locally (or the
artifact folder is invalid), 2 bad usage (including a --table that fails its checks).`,

  async run(args) {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        local: { type: 'boolean', default: false },
        param: { type: 'string', multiple: true },
        store: { type: 'string' },
        table: { type: 'string', multiple: true },
        json: { type: 'boolean', default: false },
      },
    });
    if (positionals.length !== 1) {
      throw new UsageError(positionals.length === 0 ? 'missing the artifact folder' : `expected one artifact folder, got ${positionals.length}`);
    }
    if (!values.local) {
      throw new UsageError('only local runs are supported here: add --local (to run in SageMaker, deploy with `sagepipe upsert` and start the pipeline there)');
    }
    const output = createOutput(values.json);
    const folder = readArtifactFolder(positionals[0] as string);
    let progress: ProgressLine | undefined;
    const result = await runPipelineLocally({
      folder,
      store: storeFolder(values.store),
      parameters: values.param ?? [],
      tables: parseTables(values.table),
      logger: createLocalLogger(),
      onStepStart: (step) => {
        progress = output.json ? undefined : createProgressLine(step.Name);
      },
      onIngestProgress: (_step, update) => progress?.update(update),
      onStepEnd: (step) => {
        progress?.finish();
        progress = undefined;
        if (!output.json) {
          output.result(formatStepResult(step));
        }
      },
    });
    if (output.json) {
      output.result(JSON.stringify({ ok: result.succeeded, ...result }, null, 2));
    } else {
      output.result(formatRunSummary(result));
    }
    return result.succeeded ? ExitCode.ok : ExitCode.failed;
  },
};
