import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readOnlineStore } from '../../runtime/local/offline-views.js';
import { StoreLayout } from '../../runtime/local/store-layout.js';
import { runCli } from '../support/cli.js';
import { REPO_ROOT } from '../support/paths.js';

const GROUP = 'mlops_poc_churn_classification_feature';

interface StepJson {
  status: string;
  outputDirectory: string;
  report: { counts: { read: number; written: number; rejected: number; duplicatesDropped: number; failed: number }; rejectReasons: Record<string, number> };
}

function query(store: string, sql: string): unknown[][] {
  const result = runCli(['query', '--local', '--json', '--store', store, sql]);
  assert.is(result.status, 0, result.stderr);
  return (JSON.parse(result.stdout) as { rows: unknown[][] }).rows;
}

function runLocal(artifacts: string, store: string): { status: number; step: StepJson } {
  const result = runCli(['run', artifacts, '--local', '--json', '--store', store]);
  const parsed = JSON.parse(result.stdout) as { steps: StepJson[] };
  return { status: result.status, step: parsed.steps[0] as StepJson };
}

/** Copies the churn example into a scratch folder inside the repository, with the online store on. */
function onlineChurnExample(): string {
  mkdirSync(join(REPO_ROOT, 'out'), { recursive: true });
  const folder = mkdtempSync(join(REPO_ROOT, 'out', 'churn-online-'));
  cpSync(join(REPO_ROOT, 'examples', 'churn-feature-store'), folder, { recursive: true, filter: (source) => !source.includes('expected') });
  const configPath = join(folder, 'configs', 'pipeline_config.yaml');
  writeFileSync(configPath, readFileSync(configPath, 'utf8').replace('online_store_enabled: false', 'online_store_enabled: true'));
  return folder;
}

test('churn example runs end to end', async () => {
  const store = mkdtempSync(join(tmpdir(), 'sagepipe-churn-'));
  const artifacts = join(store, 'artifacts');
  const example = onlineChurnExample();
  try {
    const generated = runCli(['generate-data', '--store', store, '--seed', '7', '--rejectable-rows', '6', '--duplicate-rows', '25', '--json']);
    assert.is(generated.status, 0, generated.stderr);
    assert.is((JSON.parse(generated.stdout) as { rows: number }).rows, 5025);
    const compiled = runCli(['compile', join(example, 'pipeline.ts'), '--out', artifacts, '--no-type-check']);
    assert.is(compiled.status, 0, compiled.stderr);

    const first = runLocal(artifacts, store);
    const counts = first.step.report.counts;
    assert.is(first.status, 1, 'six rejected rows exceed maxRejectedRows 0, so the run fails');
    assert.is(first.step.status, 'Failed');
    assert.is(counts.read, 5025);
    assert.is(counts.rejected, 6);
    assert.is(counts.duplicatesDropped, 25);
    assert.is(counts.failed, 0);
    assert.is(counts.read, counts.written + counts.rejected + counts.duplicatesDropped, 'rows were lost');
    assert.equal(Object.values(first.step.report.rejectReasons), [1, 1, 1, 1, 1, 1]);

    const rejects = readFileSync(join(first.step.outputDirectory, 'rejects.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { row: number; reasons: { code: string }[] });
    assert.is(rejects.length, 6);
    assert.equal(rejects.map((line) => line.reasons[0]?.code).sort(), [
      'MISSING_RECORD_IDENTIFIER',
      'NOT_AN_INTEGER',
      'NOT_A_NUMBER',
      'NOT_FINITE',
      'UNKNOWN_BOOLEAN_WORD',
      'UNKNOWN_CATEGORY',
    ]);
    assert.ok(rejects.every((line) => line.row >= 1 && line.row <= 5025));

    const offline = query(store, `SELECT count(*), count(DISTINCT customer_id) FROM ${GROUP}`);
    assert.equal(offline, [[counts.written, counts.written]]);
    const online = await readOnlineStore(new StoreLayout(store), GROUP);
    assert.is(online.length, counts.written);

    const regenerated = runCli(['generate-data', '--store', store, '--seed', '8']);
    assert.is(regenerated.status, 0, regenerated.stderr);
    const second = runLocal(artifacts, store);
    assert.is(second.status, 0, JSON.stringify(second.step.report));
    assert.is(second.step.report.counts.written, 5000);
    const appended = query(store, `SELECT count(*), count(DISTINCT event_time) FROM ${GROUP}`);
    assert.equal(appended, [[counts.written + 5000, 2]]);
    const latest = await readOnlineStore(new StoreLayout(store), GROUP);
    assert.is(latest.length, 5000);
    const secondTime = query(store, `SELECT max(event_time) FROM ${GROUP}`)[0]?.[0];
    assert.ok(latest.every((record) => record.eventTime === secondTime), 'the online store kept a record of the older run');
  } finally {
    rmSync(store, { recursive: true, force: true });
    rmSync(example, { recursive: true, force: true });
  }
});

test('generate-data repeats with seed', () => {
  const first = mkdtempSync(join(tmpdir(), 'sagepipe-gen-a-'));
  const second = mkdtempSync(join(tmpdir(), 'sagepipe-gen-b-'));
  try {
    for (const store of [first, second]) {
      const result = runCli(['generate-data', '--store', store, '--seed', '3', '--n-samples', '50', '--start-customer-id', '4001']);
      assert.is(result.status, 0, result.stderr);
    }
    const file = join('tables', 'ml_metrics', 'churn_prediction_data.csv');
    const text = readFileSync(join(first, file), 'utf8');
    assert.ok(readFileSync(join(second, file)).equals(readFileSync(join(first, file))));
    const lines = text.trim().split('\n');
    assert.is(lines.length, 51);
    assert.is(lines[0]?.split(',').length, 14);
    assert.match(lines[1] as string, /CUST_004001/);
    assert.match(lines[50] as string, /CUST_004050/);
  } finally {
    rmSync(first, { recursive: true, force: true });
    rmSync(second, { recursive: true, force: true });
  }
});

test('demo prints split counts', () => {
  const store = mkdtempSync(join(tmpdir(), 'sagepipe-demo-test-'));
  try {
    const result = runCli(['demo', '--store', store]);
    assert.is(result.status, 0, result.stderr);
    assert.match(result.stdout, /training {2}\(customers 1-4000\): {4}4000 customers, 4000 records\n/);
    assert.match(result.stdout, /inference \(customers 4001-5000\): 1000 customers, 1000 records\n/);
    assert.not.match(result.stdout, 'earlier runs');
    assert.ok(existsSync(join(store, 'offline-store')));
    assert.ok(readdirSync(join(store, 'offline-store')).some((name) => name.startsWith(`${GROUP}-`)));
  } finally {
    rmSync(store, { recursive: true, force: true });
  }
});

test('demo store accumulates runs', () => {
  const store = mkdtempSync(join(tmpdir(), 'sagepipe-demo-twice-'));
  try {
    assert.is(runCli(['demo', '--store', store]).status, 0);
    const second = runCli(['demo', '--store', store]);
    assert.is(second.status, 0, second.stderr);
    assert.match(second.stdout, /training {2}\(customers 1-4000\): {4}4000 customers, 8000 records\n/);
    assert.match(second.stdout, /inference \(customers 4001-5000\): 1000 customers, 2000 records\n/);
    assert.match(second.stdout, 'the store kept the records of earlier runs: the offline store appends every write, so each run adds a record per customer');
    assert.match(runCli(['demo', '--help']).stdout, /A kept store accumulates/);
  } finally {
    rmSync(store, { recursive: true, force: true });
  }
});

test.run();
