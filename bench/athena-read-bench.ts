/**
 * Figure 4: reading an Athena result of generated churn rows through GetQueryResults paging,
 * next to streaming the result CSV from S3, both against the local test endpoint.
 */
import { join } from 'node:path';
import type { ReadRun } from './aws-worker.js';
import { type Benchmark, type BenchmarkContext, type BenchmarkResult, formatSummary, mebibytes, type TargetCheck } from './benchmark.js';
import { lastJsonLine, runMeasuredChildOk } from './child-process.js';
import { type EndpointStats, startEndpointChild } from './endpoint-child.js';
import { BENCH_DIST } from './paths.js';
import { round, type Summary, summarizeRounded } from './stats.js';

const WORKER = join(BENCH_DIST, 'aws-worker.js');
const DATABASE = 'ml_metrics';
const TABLE = 'churn_prediction_data';
const RESULT_BUCKET = 'bench-athena-results';
const SEED = 20_261_204;
const RESULT_PATHS = ['api', 's3-csv'] as const;

export interface AthenaReadCase {
  readonly resultPath: 'api' | 's3-csv';
  readonly rows: number;
  readonly elapsedMs: Summary;
  readonly rowsPerSecond: Summary;
  readonly readerPeakRssMiB: Summary;
  /** GetQueryResults calls of one read, as the endpoint counted them. */
  readonly getQueryResultsCalls: number;
  /** S3 GetObject calls of one read. */
  readonly getObjectCalls: number;
  /** True when every read returned every row, first and last customer included. */
  readonly complete: boolean;
  readonly problems: readonly string[];
}

function callsOf(stats: EndpointStats, operation: string): number {
  return stats.operations[operation] ?? 0;
}

async function runAthenaReadBenchmark(context: BenchmarkContext): Promise<BenchmarkResult> {
  const rows = context.quick ? 2_000 : 100_000;
  const measured = new Map<string, { elapsed: number[]; rss: number[]; problems: string[]; getQueryResults: number; getObject: number }>(
    RESULT_PATHS.map((path) => [path, { elapsed: [], rss: [], problems: [], getQueryResults: 0, getObject: 0 }]),
  );
  // Run 0 is the warm-up; each run gets a fresh endpoint per result path, so call counts cover one read.
  for (let run = 0; run <= context.runs; run += 1) {
    for (const resultPath of RESULT_PATHS) {
      context.log(`athena-read: ${resultPath}, ${rows} rows, ${run === 0 ? 'warm-up' : `run ${run} of ${context.runs}`}`);
      const endpoint = await startEndpointChild({ putRecordLatencyMs: 0, throttleRate: 0, athena: { database: DATABASE, table: TABLE, rows, seed: SEED, resultBucket: RESULT_BUCKET } });
      let stats: EndpointStats | undefined;
      try {
        const child = await runMeasuredChildOk(WORKER, ['read', endpoint.url, resultPath, DATABASE, TABLE, RESULT_BUCKET]);
        const result = lastJsonLine<ReadRun>(child.stdout);
        stats = await endpoint.stop();
        if (run === 0) {
          continue;
        }
        const entry = measured.get(resultPath) as { elapsed: number[]; rss: number[]; problems: string[]; getQueryResults: number; getObject: number };
        entry.elapsed.push(result.elapsedMs);
        entry.rss.push(mebibytes(child.usage.maxRssKiB));
        entry.getQueryResults = callsOf(stats, 'GetQueryResults');
        entry.getObject = callsOf(stats, 'GetObject');
        if (result.rows !== rows || result.firstIdentifier !== 'CUST_000001' || result.lastIdentifier !== `CUST_${String(rows).padStart(6, '0')}`) {
          entry.problems.push(`run ${run}: read ${result.rows} rows from ${result.firstIdentifier} to ${result.lastIdentifier}, expected ${rows}`);
        }
        if (stats.internalErrors.length > 0) {
          entry.problems.push(`run ${run}: the endpoint failed internally: ${stats.internalErrors.slice(0, 3).join('; ')}`);
        }
      } finally {
        if (stats === undefined) {
          await endpoint.stop().catch(() => undefined);
        }
      }
    }
  }

  const cases: AthenaReadCase[] = RESULT_PATHS.map((resultPath) => {
    const entry = measured.get(resultPath) as { elapsed: number[]; rss: number[]; problems: string[]; getQueryResults: number; getObject: number };
    return {
      resultPath,
      rows,
      elapsedMs: summarizeRounded(entry.elapsed, 0),
      rowsPerSecond: summarizeRounded(entry.elapsed.map((elapsed) => rows / (elapsed / 1000)), 0),
      readerPeakRssMiB: summarizeRounded(entry.rss, 0),
      getQueryResultsCalls: entry.getQueryResults,
      getObjectCalls: entry.getObject,
      complete: entry.problems.length === 0,
      problems: entry.problems,
    };
  });
  const [api, csv] = cases as [AthenaReadCase, AthenaReadCase];
  const targets: TargetCheck[] = [
    {
      target: 'compare GetQueryResults paging with the S3 result CSV (no numeric target)',
      measured: `paging ${api.rowsPerSecond.median.toLocaleString('en-US')} rows/s, CSV ${csv.rowsPerSecond.median.toLocaleString('en-US')} rows/s (CSV ${round(csv.rowsPerSecond.median / api.rowsPerSecond.median, 1)}× paging)`,
      met: null,
    },
    {
      target: 'every row read through both paths',
      measured: cases.every((entry) => entry.complete) ? 'yes' : 'no',
      met: cases.every((entry) => entry.complete),
    },
  ];
  return {
    name: 'athena-read',
    title: 'Athena read: GetQueryResults paging vs the S3 result CSV',
    method:
      `The local AWS test endpoint runs in its own process on 127.0.0.1 with ${rows.toLocaleString('en-US')} generated churn rows (14 varchar columns, the generator of ` +
      '`sagepipe generate-data`) as an Athena table, and adds no latency. A fresh Node process reads the result with AthenaQuerySource and the AWS SDK v3 Athena and S3 ' +
      'clients built by the runtime\'s createAwsClients, once through GetQueryResults pages of 1,000 rows (resultPath api) and once by streaming the result CSV from S3 (resultPath s3-csv), in batches of 5,000. ' +
      'The time runs from the first call to the last batch; the first poll of GetQueryExecution waits 10 ms instead of the default 500 ms, so the wait for the query ' +
      'stays out of the figure. One unmeasured read of each path comes first.',
    commands: ['npm run bench -- --only athena-read'],
    targets,
    table: {
      headers: ['result path', 'rows', 'read ms', 'rows/s', 'GetQueryResults calls', 'GetObject calls', 'reader peak RSS MiB', 'all rows read'],
      rows: cases.map((entry) => [
        entry.resultPath,
        entry.rows.toLocaleString('en-US'),
        formatSummary(entry.elapsedMs, 0),
        formatSummary(entry.rowsPerSecond, 0),
        String(entry.getQueryResultsCalls),
        String(entry.getObjectCalls),
        formatSummary(entry.readerPeakRssMiB, 0),
        entry.complete ? 'yes' : 'no',
      ]),
    },
    cases: cases.map((entry) => ({ ...entry })),
    notes: cases.flatMap((entry) => entry.problems.map((problem) => `${entry.resultPath}: ${problem}`)),
  };
}

export const athenaReadBenchmark: Benchmark = { name: 'athena-read', run: runAthenaReadBenchmark };
