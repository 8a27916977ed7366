/**
 * Runs `npm run bench -- --quick` end to end and checks the shape and correctness of what it
 * writes: counts, exactly-once delivery and agreement with the baselines. It never checks a time.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REPO_ROOT } from '../support/paths.js';

interface SummaryJson {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: readonly number[];
}

interface BenchmarkJson {
  readonly name: string;
  readonly cases: readonly Record<string, unknown>[];
  readonly targets: readonly { readonly target: string; readonly measured: string; readonly met: boolean }[];
  readonly table: { readonly headers: readonly string[]; readonly rows: readonly (readonly string[])[] };
}

interface RunJson {
  readonly mode: string;
  readonly runsPerFigure: number;
  readonly machine: Record<string, unknown>;
  readonly benchmarks: readonly BenchmarkJson[];
}

const outDirectory = mkdtempSync(join(tmpdir(), 'sagepipe-bench-test-'));
let exitCode = -1;
let stderr = '';
let run: RunJson | undefined;
let jsonText = '';
let markdown = '';

test.before(() => {
  const child = spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'bench', 'run.js'), '--quick', '--out', outDirectory], {
    cwd: REPO_ROOT,
    env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  exitCode = child.status ?? -1;
  stderr = child.stderr;
  jsonText = readFileSync(join(outDirectory, 'quick.json'), 'utf8');
  markdown = readFileSync(join(outDirectory, 'quick.md'), 'utf8');
  run = JSON.parse(jsonText) as RunJson;
});

test.after(() => {
  rmSync(outDirectory, { recursive: true, force: true });
});

function benchmark(name: string): BenchmarkJson {
  const found = run?.benchmarks.find((entry) => entry.name === name);
  if (found === undefined) {
    throw new Error(`no '${name}' benchmark in the results; stderr: ${stderr.slice(-3000)}`);
  }
  return found;
}

function assertSummary(value: unknown, label: string): void {
  const summary = value as SummaryJson;
  assert.is(summary.runs.length, 1, `${label}: one run in quick mode`);
  assert.ok(summary.min <= summary.median, `${label}: min <= median`);
  assert.ok(summary.median <= summary.max, `${label}: median <= max`);
  assert.ok(summary.min > 0, `${label}: positive`);
}

test('quick run exits 0', () => {
  assert.is(exitCode, 0, stderr.slice(-3000));
  assert.is(run?.mode, 'quick');
  assert.is(run?.runsPerFigure, 1);
});

test('results record the machine', () => {
  for (const key of ['cpuModel', 'logicalCores', 'memoryGiB', 'os', 'node', 'duckdb', 'gitCommit']) {
    assert.ok(run?.machine[key] !== undefined, `machine.${key} is present`);
    assert.not.equal(run?.machine[key], '', `machine.${key} is not empty`);
  }
  assert.is(run?.machine['node'], process.version);
});

test('results keys are sorted', () => {
  const keys = Object.keys(JSON.parse(jsonText) as object);

  assert.equal(keys, [...keys].sort());
});

test('compile cases compile fully', () => {
  const cases = benchmark('compile').cases;

  assert.equal(
    cases.map((entry) => `${String(entry['shape'])}:${String(entry['steps'])}`),
    ['mixed:10', 'mixed:100', 'processing-chain:10'],
  );
  for (const entry of cases) {
    const label = `${String(entry['shape'])} ${String(entry['steps'])}`;
    assert.is(entry['definitionSteps'], entry['steps'], `${label}: every step in the definition`);
    assert.equal(entry['errorCodes'], [], `${label}: no errors`);
    assert.is(entry['deterministic'], true, `${label}: deterministic`);
    assert.ok((entry['definitionBytes'] as number) > 0, `${label}: definition bytes`);
    assertSummary(entry['compileMs'], `${label} compileMs`);
    assertSummary(entry['floorMs'], `${label} floorMs`);
    assertSummary(entry['compilePeakRssMiB'], `${label} compilePeakRssMiB`);
  }
});

test('local ingest counts add up', () => {
  const cases = benchmark('local-ingest').cases;

  assert.equal(cases.map((entry) => entry['rows']), [2000, 20000]);
  for (const entry of cases) {
    const rows = entry['rows'] as number;
    const duplicates = entry['duplicateRows'] as number;
    const counts = entry['counts'] as Record<string, number>;
    const check = entry['check'] as Record<string, unknown>;
    assert.is(counts['read'], rows, `${rows}: read`);
    assert.is(counts['rejected'], 0, `${rows}: rejected`);
    assert.is(counts['duplicatesDropped'], duplicates, `${rows}: duplicates dropped`);
    assert.is(counts['written'], rows - duplicates, `${rows}: written`);
    assert.is(check['offlineRows'], rows - duplicates, `${rows}: offline store rows`);
    assert.is(check['offlineDistinctIds'], rows - duplicates, `${rows}: one offline row per customer`);
    assert.is(check['onlineRows'], rows - duplicates, `${rows}: online store rows`);
    assertSummary(entry['sagepipeRowsPerSecond'], `${rows} sagepipe rate`);
    assertSummary(entry['baselineRowsPerSecond'], `${rows} baseline rate`);
    assertSummary(entry['sagepipePeakRssMiB'], `${rows} sagepipe peak RSS`);
  }
});

test('local ingest matches baseline', () => {
  for (const entry of benchmark('local-ingest').cases) {
    const check = entry['check'] as Record<string, unknown>;
    assert.is(check['baselineRows'], check['offlineRows'], `${String(entry['rows'])}: same row count`);
    assert.equal(check['columnsDiffering'], [], `${String(entry['rows'])}: same non-null counts`);
  }
});

test('aws ingest lands exactly once', () => {
  const cases = benchmark('aws-ingest').cases;

  assert.equal(
    cases.map((entry) => `${String(entry['concurrency'])}@${String(entry['throttleRate'])}`),
    ['1@0', '8@0', '32@0', '64@0', '1@0.05', '8@0.05', '32@0.05', '64@0.05'],
  );
  for (const entry of cases) {
    const label = `concurrency ${String(entry['concurrency'])}, throttling ${String(entry['throttleRate'])}`;
    assert.is(entry['exactlyOnce'], true, `${label}: exactly once`);
    assert.equal(entry['problems'], [], `${label}: no problems`);
    assert.is(entry['idealRecordsPerSecond'], (entry['concurrency'] as number) * 100, `${label}: ideal rate`);
    assert.ok((entry['maxPutRecordsInFlight'] as SummaryJson).max <= (entry['concurrency'] as number), `${label}: in flight within concurrency`);
    assertSummary(entry['recordsPerSecond'], `${label} rate`);
  }
});

test('aws ingest throttling causes retries', () => {
  const cases = benchmark('aws-ingest').cases;
  const unthrottled = cases.filter((entry) => entry['throttleRate'] === 0);
  const throttled = cases.filter((entry) => entry['throttleRate'] === 0.05);
  const total = (entries: readonly Record<string, unknown>[], key: string): number => entries.reduce((sum, entry) => sum + (entry[key] as SummaryJson).median, 0);

  assert.is(total(unthrottled, 'retries'), 0, 'no retries without throttling');
  assert.is(total(unthrottled, 'throttledCalls'), 0, 'no throttled calls without throttling');
  assert.ok(total(throttled, 'throttledCalls') > 0, 'throttled calls with throttling');
  assert.ok(total(throttled, 'retries') > 0, 'retries with throttling');
});

test('athena read returns every row', () => {
  const cases = benchmark('athena-read').cases;

  assert.equal(cases.map((entry) => entry['resultPath']), ['api', 's3-csv']);
  for (const entry of cases) {
    assert.is(entry['rows'], 2000, `${String(entry['resultPath'])}: rows`);
    assert.is(entry['complete'], true, `${String(entry['resultPath'])}: complete`);
    assert.equal(entry['problems'], [], `${String(entry['resultPath'])}: no problems`);
  }
  // 2,000 rows plus the header row take three pages of at most 1,000 rows.
  assert.is(cases[0]?.['getQueryResultsCalls'], 3, 'api: pages');
  assert.is(cases[0]?.['getObjectCalls'], 0, 'api: no S3 read');
  assert.is(cases[1]?.['getQueryResultsCalls'], 1, 's3-csv: one call for the column metadata');
  assert.is(cases[1]?.['getObjectCalls'], 1, 's3-csv: one S3 read');
});

test('every benchmark has targets', () => {
  for (const entry of run?.benchmarks ?? []) {
    assert.ok(entry.targets.length > 0, `${entry.name}: targets`);
    assert.is(entry.table.rows.length, entry.cases.length, `${entry.name}: one table row per case`);
  }
});

test('markdown lists every benchmark', () => {
  for (const title of [
    '## Compile of generated pipelines',
    '## Local ingest of generated messy churn rows',
    '## Feature Store record writer against the local endpoint',
    '## Athena read: GetQueryResults paging vs the S3 result CSV',
  ]) {
    assert.ok(markdown.includes(title), title);
  }
  assert.ok(markdown.includes(`Node ${process.version}`), 'node version');
});

test.run();
