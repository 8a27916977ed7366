/**
 * Figure 2: `sagepipe run --local` of the churn example over generated messy churn rows, next to
 * a DuckDB SQL baseline that applies the same cleaning to the same CSV and writes Parquet.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { CHURN_COLUMNS } from '../cli/local/churn-generator.js';
import { type Benchmark, type BenchmarkContext, type BenchmarkResult, formatSummary, mebibytes, type TargetCheck } from './benchmark.js';
import { type ChildResult, runMeasuredChildOk } from './child-process.js';
import { BENCH_DIST, CHURN_EXAMPLE, CLI, REPO_ROOT } from './paths.js';
import { round, type Summary, summarizeRounded } from './stats.js';

const BASELINE = join(BENCH_DIST, 'duckdb-baseline.js');
const CONFIG = join(CHURN_EXAMPLE, 'configs', 'pipeline_config.yaml');
const TABLE = 'ml_metrics.churn_prediction_data';
const FEATURE_GROUP = 'mlops_poc_churn_classification_feature';
const SEED = 20_261_204;
/** Share of the rows that repeat an earlier customer, so duplicate resolution has work to do. */
const DUPLICATE_SHARE = 0.01;
/** Feature columns whose non-null counts must agree between sagepipe and the baseline. */
const FEATURE_COLUMNS = CHURN_COLUMNS;

const FULL_SIZES = [100_000, 1_000_000];
/** Stages of report.json `durationsMs` kept in the results. */
const STAGES = ['readAndClean', 'write', 'total'];
/** Sizes above this many rows take minutes per run, so they get at most LARGE_SIZE_RUNS measured runs. */
const LARGE_SIZE = 200_000;
const LARGE_SIZE_RUNS = 3;
const QUICK_SIZES = [2_000, 20_000];
/** Target: sagepipe reaches at least this share of the baseline's rows per second at the largest size. */
const RATE_SHARE_TARGET = 0.5;
/** Peak RSS at the largest size over the smallest that still counts as flat memory. */
const FLAT_MEMORY_TOLERANCE = 1.25;

interface RunCounts {
  readonly read: number;
  readonly written: number;
  readonly rejected: number;
  readonly duplicatesDropped: number;
  readonly failed: number;
}

/** Row counts of the first measured run's stores and of the baseline file, counted with DuckDB after the run. */
interface StoreCheck {
  readonly offlineRows: number;
  readonly offlineDistinctIds: number;
  readonly onlineRows: number;
  readonly baselineRows: number;
  /** Feature columns whose non-null count differs between the offline store and the baseline. */
  readonly columnsDiffering: readonly string[];
}

export interface LocalIngestCase {
  readonly rows: number;
  readonly duplicateRows: number;
  readonly counts: RunCounts;
  readonly check: StoreCheck;
  readonly sagepipeWallMs: Summary;
  /** Stage times the runtime itself reports in report.json `durationsMs`; `total` excludes process start-up. */
  readonly sagepipeStageMs: Readonly<Record<string, Summary>>;
  readonly sagepipeRowsPerSecond: Summary;
  readonly sagepipePeakRssMiB: Summary;
  readonly baselineWallMs: Summary;
  readonly baselineRowsPerSecond: Summary;
  readonly baselinePeakRssMiB: Summary;
  /** Median sagepipe rows per second over median baseline rows per second. */
  readonly rateShare: number;
}

interface RunJson {
  readonly ok: boolean;
  readonly steps: readonly { readonly status: string; readonly report?: { readonly counts: RunCounts; readonly durationsMs: Record<string, number> } }[];
}

async function cli(args: readonly string[]): Promise<ChildResult> {
  return runMeasuredChildOk(CLI, args);
}

async function queryNumbers(sql: string): Promise<number[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(sql);
    return (reader.getRows()[0] ?? []).map((value) => Number(value));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

async function checkStores(store: string, baselineParquet: string): Promise<StoreCheck> {
  const offlineGlob = join(store, 'offline-store', '**', '*.parquet');
  const counts = (source: string): string => `SELECT count(*), ${FEATURE_COLUMNS.map((column) => `count("${column}")`).join(', ')} FROM ${source}`;
  const offline = await queryNumbers(counts(`read_parquet(${literal(offlineGlob)})`));
  const baseline = await queryNumbers(counts(`read_parquet(${literal(baselineParquet)})`));
  const [offlineDistinctIds] = await queryNumbers(`SELECT count(DISTINCT customer_id) FROM read_parquet(${literal(offlineGlob)})`);
  const onlineFile = join(store, 'online-store', `${FEATURE_GROUP}.duckdb`);
  const [onlineRows] = await queryNumbers(`ATTACH ${literal(onlineFile)} AS online (READ_ONLY); SELECT count(*) FROM online.records`);
  return {
    offlineRows: offline[0] ?? -1,
    offlineDistinctIds: offlineDistinctIds ?? -1,
    onlineRows: onlineRows ?? -1,
    baselineRows: baseline[0] ?? -1,
    columnsDiffering: FEATURE_COLUMNS.filter((_column, index) => offline[index + 1] !== baseline[index + 1]),
  };
}

async function runSagepipe(artifacts: string, store: string, csv: string): Promise<{ child: ChildResult; counts: RunCounts; durationsMs: Record<string, number> }> {
  const child = await cli(['run', artifacts, '--local', '--store', store, '--table', `${TABLE}=${csv}`, '--json']);
  const result = JSON.parse(child.stdout) as RunJson;
  const report = result.steps[0]?.report;
  if (!result.ok || report === undefined) {
    throw new Error(`sagepipe run --local did not succeed: ${child.stdout.slice(0, 2000)}`);
  }
  return { child, counts: report.counts, durationsMs: report.durationsMs };
}

async function measureSize(context: BenchmarkContext, artifacts: string, rows: number, warmUp: boolean): Promise<LocalIngestCase> {
  const duplicateRows = Math.round(rows * DUPLICATE_SHARE);
  const dataStore = join(context.workDirectory, `data-${rows}`);
  context.log(`local-ingest: generating ${rows} rows`);
  await cli(['generate-data', '--config', CONFIG, '--n-samples', String(rows - duplicateRows), '--duplicate-rows', String(duplicateRows), '--seed', String(SEED), '--store', dataStore]);
  const csv = join(dataStore, 'tables', 'ml_metrics', 'churn_prediction_data.csv');
  const baselineParquet = join(context.workDirectory, `baseline-${rows}.parquet`);

  if (warmUp) {
    // One unmeasured run of each loads the modules and DuckDB into the page cache.
    const warmUpStore = join(context.workDirectory, `warm-up-${rows}`);
    await runSagepipe(artifacts, warmUpStore, csv);
    rmSync(warmUpStore, { recursive: true, force: true });
    await runMeasuredChildOk(BASELINE, [csv, baselineParquet, new Date().toISOString()]);
  }

  const sagepipeRuns: { wallMs: number; durationsMs: Record<string, number>; rssMiB: number }[] = [];
  const baselineRuns: { wallMs: number; rssMiB: number }[] = [];
  let counts: RunCounts | undefined;
  let check: StoreCheck | undefined;
  const runs = rows > LARGE_SIZE ? Math.min(context.runs, LARGE_SIZE_RUNS) : context.runs;
  for (let run = 0; run < runs; run += 1) {
    context.log(`local-ingest: ${rows} rows, run ${run + 1} of ${runs}`);
    const store = join(context.workDirectory, `run-${rows}-${run}`);
    const measured = await runSagepipe(artifacts, store, csv);
    sagepipeRuns.push({ wallMs: measured.child.wallMs, durationsMs: measured.durationsMs, rssMiB: mebibytes(measured.child.usage.maxRssKiB) });
    counts ??= measured.counts;

    const baseline = await runMeasuredChildOk(BASELINE, [csv, baselineParquet, new Date().toISOString()]);
    baselineRuns.push({ wallMs: baseline.wallMs, rssMiB: mebibytes(baseline.usage.maxRssKiB) });

    check ??= await checkStores(store, baselineParquet);
    rmSync(store, { recursive: true, force: true });
  }

  const sagepipeRate = summarizeRounded(sagepipeRuns.map((run) => rows / (run.wallMs / 1000)), 0);
  const baselineRate = summarizeRounded(baselineRuns.map((run) => rows / (run.wallMs / 1000)), 0);
  return {
    rows,
    duplicateRows,
    counts: counts as RunCounts,
    check: check as StoreCheck,
    sagepipeWallMs: summarizeRounded(sagepipeRuns.map((run) => run.wallMs), 0),
    sagepipeStageMs: Object.fromEntries(
      STAGES.map((stage) => [stage, summarizeRounded(sagepipeRuns.map((run) => run.durationsMs[stage] ?? Number.NaN), 0)]),
    ),
    sagepipeRowsPerSecond: sagepipeRate,
    sagepipePeakRssMiB: summarizeRounded(sagepipeRuns.map((run) => run.rssMiB), 0),
    baselineWallMs: summarizeRounded(baselineRuns.map((run) => run.wallMs), 0),
    baselineRowsPerSecond: baselineRate,
    baselinePeakRssMiB: summarizeRounded(baselineRuns.map((run) => run.rssMiB), 0),
    rateShare: round(sagepipeRate.median / baselineRate.median, 3),
  };
}

function targetChecks(cases: readonly LocalIngestCase[]): TargetCheck[] {
  const smallest = cases[0];
  const largest = cases[cases.length - 1];
  if (smallest === undefined || largest === undefined) {
    return [];
  }
  const growth = round(largest.sagepipePeakRssMiB.median / smallest.sagepipePeakRssMiB.median, 2);
  return [
    {
      target: `at least ${RATE_SHARE_TARGET * 100} % of the baseline's rows per second (${largest.rows.toLocaleString('en-US')} rows)`,
      measured: `${largest.sagepipeRowsPerSecond.median.toLocaleString('en-US')} vs ${largest.baselineRowsPerSecond.median.toLocaleString('en-US')} rows/s (${(largest.rateShare * 100).toFixed(1)} %)`,
      met: largest.rateShare >= RATE_SHARE_TARGET,
    },
    {
      target: `flat memory: peak RSS at ${largest.rows.toLocaleString('en-US')} rows at most ${FLAT_MEMORY_TOLERANCE}× the peak at ${smallest.rows.toLocaleString('en-US')}`,
      measured: `${largest.sagepipePeakRssMiB.median} MiB vs ${smallest.sagepipePeakRssMiB.median} MiB (${growth}×)`,
      met: growth <= FLAT_MEMORY_TOLERANCE,
    },
  ];
}

/**
 * Copies the churn example into the work folder with the online store enabled, because the
 * example's config disables it and the benchmark measures both stores. A `node_modules/sagepipe`
 * link to this checkout lets the copy import 'sagepipe' as an installed package.
 */
function prepareOnlineExample(workDirectory: string): string {
  const folder = join(workDirectory, 'churn-online');
  mkdirSync(join(workDirectory, 'node_modules'), { recursive: true });
  symlinkSync(REPO_ROOT, join(workDirectory, 'node_modules', 'sagepipe'), 'dir');
  writeFileSync(join(workDirectory, 'package.json'), `${JSON.stringify({ private: true, type: 'module' })}\n`);
  cpSync(join(CHURN_EXAMPLE, 'pipeline.ts'), join(folder, 'pipeline.ts'));
  cpSync(join(CHURN_EXAMPLE, 'configs'), join(folder, 'configs'), { recursive: true });

  const configFile = join(folder, 'configs', 'pipeline_config.yaml');
  const config = readFileSync(configFile, 'utf8');
  const enabled = config.replace(/^online_store_enabled:\s*false\b/m, 'online_store_enabled: true');
  if (enabled === config) {
    throw new Error(`${configFile} has no line 'online_store_enabled: false' to switch on`);
  }
  writeFileSync(configFile, enabled);
  return join(folder, 'pipeline.ts');
}

async function runLocalIngestBenchmark(context: BenchmarkContext): Promise<BenchmarkResult> {
  const artifacts = join(context.workDirectory, 'artifacts');
  await cli(['compile', prepareOnlineExample(context.workDirectory), '--out', artifacts, '--no-type-check']);

  const cases: LocalIngestCase[] = [];
  for (const [index, rows] of (context.quick ? QUICK_SIZES : FULL_SIZES).entries()) {
    cases.push(await measureSize(context, artifacts, rows, index === 0));
  }
  const notes: string[] = [];
  for (const entry of cases) {
    const expectedWritten = entry.rows - entry.counts.duplicatesDropped - entry.counts.rejected;
    if (entry.counts.read !== entry.rows || entry.counts.written !== expectedWritten || entry.check.offlineRows !== entry.counts.written) {
      notes.push(`${entry.rows} rows: counts do not add up: ${JSON.stringify(entry.counts)}, offline store ${entry.check.offlineRows} rows`);
    }
    if (entry.check.baselineRows !== entry.check.offlineRows || entry.check.columnsDiffering.length > 0) {
      notes.push(`${entry.rows} rows: sagepipe and the baseline disagree: ${JSON.stringify(entry.check)}`);
    }
  }
  return {
    name: 'local-ingest',
    title: 'Local ingest of generated messy churn rows',
    method:
      'Each measured run is a fresh `sagepipe run --local` process over the same generated CSV (1 % of the rows repeat a customer) with an empty store: ' +
      'clean, validate, resolve duplicates, write the Parquet offline store and the DuckDB online store, and write the report. The baseline is a fresh ' +
      'Node process that runs one DuckDB COPY statement with the same cleaning rules, duplicate resolution and Parquet output, but no online store and ' +
      'no per-row report. Rows per second are source rows over the wall time of the whole process, start-up included, for both. One unmeasured run of each ' +
      `comes first, at the smallest size; sizes above ${LARGE_SIZE.toLocaleString('en-US')} rows get at most ${LARGE_SIZE_RUNS} measured runs. After the first measured run, DuckDB counts the offline store, the online store and the baseline file, and compares the non-null count ` +
      'of every feature column.',
    commands: [
      'sagepipe compile COPY/pipeline.ts --out ARTIFACTS --no-type-check   (a copy of examples/churn-feature-store with online_store_enabled: true)',
      `sagepipe generate-data --config examples/churn-feature-store/configs/pipeline_config.yaml --n-samples 990000 --duplicate-rows 10000 --seed ${SEED} --store DATA`,
      `sagepipe run ARTIFACTS --local --store STORE --table ${TABLE}=DATA/tables/ml_metrics/churn_prediction_data.csv --json`,
      'node dist/bench/duckdb-baseline.js DATA/tables/ml_metrics/churn_prediction_data.csv OUT.parquet EVENT_TIME',
    ],
    targets: targetChecks(cases),
    table: {
      headers: ['rows', 'sagepipe wall s', 'read and clean s', 'write s', 'sagepipe rows/s', 'sagepipe peak RSS MiB', 'baseline wall s', 'baseline rows/s', 'baseline peak RSS MiB', 'sagepipe ÷ baseline rate'],
      rows: cases.map((entry) => [
        entry.rows.toLocaleString('en-US'),
        formatSummary(scale(entry.sagepipeWallMs, 1 / 1000), 2),
        formatSummary(scale(entry.sagepipeStageMs['readAndClean'] as Summary, 1 / 1000), 2),
        formatSummary(scale(entry.sagepipeStageMs['write'] as Summary, 1 / 1000), 2),
        formatSummary(entry.sagepipeRowsPerSecond, 0),
        formatSummary(entry.sagepipePeakRssMiB, 0),
        formatSummary(scale(entry.baselineWallMs, 1 / 1000), 2),
        formatSummary(entry.baselineRowsPerSecond, 0),
        formatSummary(entry.baselinePeakRssMiB, 0),
        `${(entry.rateShare * 100).toFixed(1)} %`,
      ]),
    },
    cases: cases.map((entry) => ({ ...entry })),
    notes,
  };
}

function scale(summary: Summary, factor: number): Summary {
  return { median: summary.median * factor, min: summary.min * factor, max: summary.max * factor, runs: summary.runs.map((value) => value * factor) };
}

export const localIngestBenchmark: Benchmark = { name: 'local-ingest', run: runLocalIngestBenchmark };
