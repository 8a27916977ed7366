import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../support/cli.js';
import { REPO_ROOT } from '../support/paths.js';

/** A pipeline with a Condition on an Integer parameter, a Fail step in one branch and a container step in the other. */
const BRANCHING_PIPELINE = `
import { Condition, conditionStep, failStep, join, param, pipeline, processingStep } from 'sagepipe';

const threshold = param.integer('Threshold', { default: 5 });
const mode = param.string('Mode', { default: 'fast' });

const stop = failStep('Stop', { errorMessage: join(['threshold ', threshold, ' is too high for mode ', mode]) });
const train = processingStep('Prepare', {
  imageUri: '123456789012.dkr.ecr.us-west-2.amazonaws.com/prep:1',
  instanceType: 'ml.m5.xlarge',
  roleArn: 'arn:aws:iam::123456789012:role/Jobs',
});

export default pipeline('branching-test', {
  parameters: [threshold, mode],
  roleArn: 'arn:aws:iam::123456789012:role/Pipelines',
  region: 'us-west-2',
  steps: [conditionStep('Check', { conditions: [Condition.greaterThan(threshold, 3)], ifSteps: [stop], elseSteps: [train] })],
});
`;

/** A Condition step that waits for a container step, which a local run cannot start. */
const GATED_PIPELINE = `
import { Condition, conditionStep, failStep, param, pipeline, processingStep } from 'sagepipe';

const threshold = param.integer('Threshold', { default: 5 });
const prepare = processingStep('Prepare', {
  imageUri: '123456789012.dkr.ecr.us-west-2.amazonaws.com/prep:1',
  instanceType: 'ml.m5.xlarge',
  roleArn: 'arn:aws:iam::123456789012:role/Jobs',
});

export default pipeline('gated-test', {
  parameters: [threshold],
  roleArn: 'arn:aws:iam::123456789012:role/Pipelines',
  region: 'us-west-2',
  steps: [
    prepare,
    conditionStep('Check', { dependsOn: [prepare], conditions: [Condition.greaterThan(threshold, 3)], ifSteps: [failStep('Stop', { errorMessage: 'stopped' })] }),
  ],
});
`;

interface RunJson {
  ok: boolean;
  steps: { name: string; status: string; message?: string; outcome?: boolean }[];
}

let folder = '';
let artifacts = '';
let gatedArtifacts = '';
let churnArtifacts = '';

function compileInto(source: string, name: string): string {
  writeFileSync(join(folder, `${name}.ts`), source);
  const out = join(folder, name);
  const compiled = runCli(['compile', join(folder, `${name}.ts`), '--out', out, '--no-type-check']);
  assert.is(compiled.status, 0, compiled.stderr);
  return out;
}

test.before(() => {
  mkdirSync(join(REPO_ROOT, 'out'), { recursive: true });
  folder = mkdtempSync(join(REPO_ROOT, 'out', 'branching-'));
  artifacts = compileInto(BRANCHING_PIPELINE, 'artifacts');
  gatedArtifacts = compileInto(GATED_PIPELINE, 'gated');
  churnArtifacts = join(folder, 'churn');
  const churn = runCli(['compile', 'examples/churn-feature-store/pipeline.ts', '--out', churnArtifacts, '--no-type-check']);
  assert.is(churn.status, 0, churn.stderr);
});

test.after(() => {
  rmSync(folder, { recursive: true, force: true });
});

function run(args: readonly string[]): { status: number; json: RunJson | undefined; stderr: string } {
  const store = mkdtempSync(join(tmpdir(), 'sagepipe-run-'));
  try {
    const result = runCli(['run', artifacts, '--local', '--json', '--store', store, ...args]);
    return { status: result.status, json: result.stdout.trim() === '' ? undefined : (JSON.parse(result.stdout) as RunJson), stderr: result.stderr };
  } finally {
    rmSync(store, { recursive: true, force: true });
  }
}

test('fail step ends run', () => {
  const result = run([]);
  assert.is(result.status, 1);
  assert.equal(
    result.json?.steps.map((step) => [step.name, step.status]),
    [
      ['Check', 'Succeeded'],
      ['Stop', 'Failed'],
      ['Prepare', 'Skipped'],
    ],
  );
  assert.is(result.json?.steps[0]?.outcome, true);
  assert.is(result.json?.steps[1]?.message, 'threshold 5 is too high for mode fast');
  assert.is(result.json?.steps[2]?.message, "the condition of 'Check' evaluated to true, so its Else branch did not run");
});

test('container step is not runnable', () => {
  const result = run(['--param', 'Threshold=2']);
  assert.is(result.status, 1);
  assert.equal(
    result.json?.steps.map((step) => [step.name, step.status]),
    [
      ['Check', 'Succeeded'],
      ['Stop', 'Skipped'],
      ['Prepare', 'NotRunnableLocally'],
    ],
  );
  assert.match(result.json?.steps[2]?.message ?? '', "the Processing step 'Prepare' runs a SageMaker container, which a local run cannot start");
  assert.is(result.json?.steps[1]?.message, "the condition of 'Check' evaluated to false, so its If branch did not run");
});

test('branch of unrun condition', () => {
  const store = mkdtempSync(join(tmpdir(), 'sagepipe-run-gated-'));
  try {
    const result = runCli(['run', gatedArtifacts, '--local', '--json', '--store', store]);
    assert.is(result.status, 1);
    const steps = (JSON.parse(result.stdout) as RunJson).steps;
    assert.equal(
      steps.map((step) => [step.name, step.status]),
      [
        ['Prepare', 'NotRunnableLocally'],
        ['Check', 'NotStarted'],
        ['Stop', 'Skipped'],
      ],
    );
    assert.is(steps[2]?.message, "the Condition step 'Check' did not run (it was not started), so neither of its branches ran");
  } finally {
    rmSync(store, { recursive: true, force: true });
  }
});

test('bad parameters are reported together', () => {
  const store = mkdtempSync(join(tmpdir(), 'sagepipe-run-'));
  try {
    const result = runCli(['run', artifacts, '--local', '--store', store, '--param', 'Threshold=2.5', '--param', 'Speed=1']);
    assert.is(result.status, 2);
    assert.match(result.stderr, 'sagepipe run: 2 invalid --param value(s); the local run did not start');
    assert.match(result.stderr, "error PARAM_WRONG_TYPE at --param Threshold: '2.5' is not a valid Integer");
    assert.match(result.stderr, "error PARAM_UNKNOWN at --param Speed: the pipeline declares no parameter 'Speed'");
    assert.not.match(result.stderr, '    at ');
  } finally {
    rmSync(store, { recursive: true, force: true });
  }
});

test('run requires local flag', () => {
  const result = runCli(['run', artifacts]);
  assert.is(result.status, 2);
  assert.match(result.stderr, 'add --local');
});

test('missing table names the fix', () => {
  const store = mkdtempSync(join(tmpdir(), 'sagepipe-run-missing-'));
  try {
    const result = runCli(['run', churnArtifacts, '--local', '--store', store]);
    assert.is(result.status, 1);
    assert.match(result.stdout, 'no local table ml_metrics.churn_prediction_data');
    assert.match(result.stdout, 'Pass --table ml_metrics.churn_prediction_data=PATH to read it from a .csv or .parquet file, or run');
    assert.match(result.stdout, `sagepipe generate-data --database ml_metrics --table churn_prediction_data --store ${store}\``);
    assert.not.match(result.stdout + result.stderr, '    at ');
  } finally {
    rmSync(store, { recursive: true, force: true });
  }
});

test('other missing table skips generator', () => {
  const store = mkdtempSync(join(tmpdir(), 'sagepipe-run-telco-'));
  try {
    const compiled = runCli(['compile', 'examples/telco-churn/pipeline.ts', '--out', join(store, 'artifacts'), '--no-type-check']);
    assert.is(compiled.status, 0, compiled.stderr);
    const result = runCli(['run', join(store, 'artifacts'), '--local', '--store', store]);
    assert.is(result.status, 1);
    assert.match(result.stdout, 'no local table telco.customer_churn');
    assert.match(result.stdout, 'Pass --table telco.customer_churn=PATH to read it from a .csv or .parquet file\n');
    assert.not.match(result.stdout, 'generate-data');
  } finally {
    rmSync(store, { recursive: true, force: true });
  }
});

test('failure not logged twice', () => {
  const store = mkdtempSync(join(tmpdir(), 'sagepipe-run-log-'));
  try {
    const quiet = runCli(['run', churnArtifacts, '--local', '--store', store], { env: { SAGEPIPE_LOG_LEVEL: '' } });
    assert.is(quiet.status, 1);
    assert.match(quiet.stdout, 'no local table ml_metrics.churn_prediction_data');
    assert.is(quiet.stderr, '', 'the default level logged the failure that the summary prints');

    const verbose = runCli(['run', churnArtifacts, '--local', '--store', store], { env: { SAGEPIPE_LOG_LEVEL: 'info' } });
    const entries = verbose.stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { level: number; msg: string });
    assert.equal(
      entries.filter((entry) => entry.msg.startsWith('ingest f')).map((entry) => [entry.level, entry.msg]),
      [
        [30, 'ingest failed'],
        [30, 'ingest finished with a failure'],
      ],
    );
  } finally {
    rmSync(store, { recursive: true, force: true });
  }
});

/** Runs the churn artifacts with `--table` values and checks that the command stopped before any step. */
function runWithTables(tables: readonly string[]): { status: number; stderr: string } {
  const store = mkdtempSync(join(tmpdir(), 'sagepipe-run-tables-'));
  try {
    const result = runCli(['run', churnArtifacts, '--local', '--store', store, ...tables.flatMap((table) => ['--table', table])]);
    assert.is(result.stdout, '', 'a step ran before the --table check');
    assert.not.ok(existsSync(join(store, 's3')), 'a step wrote output before the --table check');
    return { status: result.status, stderr: result.stderr };
  } finally {
    rmSync(store, { recursive: true, force: true });
  }
}

test('table nobody reads rejected', () => {
  const csv = join(folder, 'other.csv');
  writeFileSync(csv, 'id\n1\n');
  const result = runWithTables([`ml_metrics.other=${csv}`]);
  assert.is(result.status, 2);
  assert.match(
    result.stderr,
    `sagepipe run: --table 'ml_metrics.other=${csv}' is invalid: no ingest step reads table ml_metrics.other; the pipeline reads ml_metrics.churn_prediction_data\n`,
  );
});

test('table checks report together', () => {
  const missing = join(tmpdir(), 'sagepipe-no-such-file.csv');
  const text = join(folder, 'churn.txt');
  writeFileSync(text, 'customer_id\n');
  const result = runWithTables([`ml_metrics.churn_prediction_data=${missing}`, `ml_metrics.Churn_Prediction_Data=${text}`]);
  assert.is(result.status, 2);
  assert.match(result.stderr, `--table 'ml_metrics.churn_prediction_data=${missing}' is invalid: the file ${missing} does not exist\n`);
  assert.match(
    result.stderr,
    `--table 'ml_metrics.Churn_Prediction_Data=${text}' is invalid: --table 'ml_metrics.churn_prediction_data=${missing}' already maps table ml_metrics.Churn_Prediction_Data; give each table once\n`,
  );
});

test('table needs csv or parquet', () => {
  const text = join(folder, 'churn.txt');
  writeFileSync(text, 'customer_id\n');
  const result = runWithTables([`ml_metrics.churn_prediction_data=${text}`]);
  assert.is(result.status, 2);
  assert.match(result.stderr, `the file ${text.slice(REPO_ROOT.length + 1)} is neither .csv nor .parquet; give a CSV file with a header row or a Parquet file\n`);
});

test('table checked before any step', () => {
  const store = mkdtempSync(join(tmpdir(), 'sagepipe-run-early-'));
  try {
    const result = runCli(['run', artifacts, '--local', '--json', '--store', store, '--table', 'db.raw=data.csv']);
    assert.is(result.status, 2);
    assert.is(result.stdout, '');
    assert.match(result.stderr, "--table 'db.raw=data.csv' is invalid: no ingest step reads table db.raw; the pipeline has no ingest step, so it reads no table");
  } finally {
    rmSync(store, { recursive: true, force: true });
  }
});

test.run();
