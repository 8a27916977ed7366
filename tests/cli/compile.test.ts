import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../support/cli.js';

const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'sagepipe-cli-'));
}

test('compile writes the artifact folder', () => {
  const out = join(scratch(), 'out');
  const result = runCli(['compile', 'examples/churn-feature-store/pipeline.ts', '--out', out]);
  assert.is(result.status, 0, result.stderr);
  assert.match(result.stdout, /wrote \d+ files/);
  assert.ok(existsSync(join(out, 'manifest.json')));
  assert.ok(existsSync(join(out, 'pipeline', 'definition.json')));
  assert.match(result.stderr, /warning PLACEHOLDER_VALUE at config\.role_arn/);
});

test('compile reports type errors with file and line', () => {
  const out = join(scratch(), 'out');
  const result = runCli(['compile', 'tests/fixtures/entries/type-error.ts', '--out', out]);
  assert.is(result.status, 1);
  assert.match(result.stderr, /error TYPE_ERROR at tests\/fixtures\/entries\/type-error\.ts:5:\d+: TS2322/);
  assert.not.match(result.stderr, STACK_LINE);
  assert.not.ok(existsSync(out), 'nothing is written when the entry has type errors');
});

test('implicit conversion names the place and the helper', () => {
  const result = runCli(['compile', 'tests/fixtures/entries/implicit-conversion.ts', '--no-type-check', '--out', join(scratch(), 'out')]);
  assert.is(result.status, 1);
  assert.match(result.stderr, /error IMPLICIT_CONVERSION at tests\/fixtures\/entries\/implicit-conversion\.ts:3:\d+/);
  assert.match(result.stderr, /execution variable 'PipelineExecutionId'/);
  assert.match(result.stderr, /str`\.\.\.`/);
  assert.not.match(result.stderr, STACK_LINE);
});

test('invalid config lists every bad key', () => {
  const result = runCli(['compile', 'tests/fixtures/entries/bad-config.ts', '--out', join(scratch(), 'out')]);
  assert.is(result.status, 1);
  assert.match(
    result.stderr,
    /error INVALID_CONFIG at config\.procesing_instance_count \(tests\/fixtures\/configs\/bad-key\.yaml:26:1\): unknown key 'procesing_instance_count'/,
  );
  assert.match(result.stderr, /rule: allowed keys: project_name, region,/);
  assert.match(result.stderr, /error INVALID_CONFIG at config\.region \(tests\/fixtures\/configs\/bad-key\.yaml:3:1\): invalid value for 'region'/);
  assert.match(result.stderr, /value: "US West 2"/);
  assert.not.match(result.stderr, STACK_LINE);
});

test('entry without a pipeline export is rejected', () => {
  const result = runCli(['compile', 'tests/fixtures/entries/no-pipeline.ts', '--out', join(scratch(), 'out')]);
  assert.is(result.status, 1);
  assert.match(result.stderr, /error NOT_A_PIPELINE/);
});

test('missing entry file is reported', () => {
  const result = runCli(['compile', 'tests/fixtures/entries/missing.ts']);
  assert.is(result.status, 1);
  assert.match(result.stderr, /entry file not found: tests\/fixtures\/entries\/missing\.ts/);
});

test('validation errors exit 1 and write nothing', () => {
  const out = join(scratch(), 'out');
  const result = runCli(['compile', 'tests/fixtures/entries/invalid-pipeline.ts', '--out', out]);
  assert.is(result.status, 1);
  assert.match(result.stderr, /error INVALID_PIPELINE_NAME at pipeline\.name/);
  assert.match(result.stderr, /error INVALID_PARAMETER_DEFAULT at parameters\.Count\.default/);
  assert.match(result.stderr, /error UNKNOWN_DEPENDENCY at steps\.Stop\.dependsOn\[0\]/);
  assert.match(result.stderr, /3 error\(s\)/);
  assert.not.ok(existsSync(out));
});

test('validate --json prints issues as data', () => {
  const result = runCli(['validate', 'tests/fixtures/entries/invalid-pipeline.ts', '--json']);
  assert.is(result.status, 1);
  const report = JSON.parse(result.stdout) as { ok: boolean; issues: { code: string; path: string; value?: unknown }[] };
  assert.is(report.ok, false);
  assert.equal(report.issues.map((issue) => issue.code).sort(), ['INVALID_PARAMETER_DEFAULT', 'INVALID_PIPELINE_NAME', 'UNKNOWN_DEPENDENCY']);
  assert.is(report.issues.find((issue) => issue.code === 'INVALID_PARAMETER_DEFAULT')?.value, 1.5);
});

test('validate passes the churn example', () => {
  const result = runCli(['validate', 'examples/churn-feature-store/pipeline.ts']);
  assert.is(result.status, 0, result.stderr);
  assert.match(result.stdout, /no errors/);
});

test('compile refuses to replace a folder of other files', () => {
  const out = scratch();
  writeFileSync(join(out, 'notes.txt'), 'keep me');
  const result = runCli(['compile', 'examples/churn-feature-store/pipeline.ts', '--out', out, '--no-type-check']);
  assert.is(result.status, 1);
  assert.match(result.stderr, /not an artifact folder/);
  assert.is(readFileSync(join(out, 'notes.txt'), 'utf8'), 'keep me');
});

test('compile replaces an earlier artifact folder', () => {
  const out = join(scratch(), 'out');
  assert.is(runCli(['compile', 'examples/churn-feature-store/pipeline.ts', '--out', out, '--no-type-check']).status, 0);
  mkdirSync(join(out, 'assets', 'stale'), { recursive: true });
  writeFileSync(join(out, 'assets', 'stale', 'old.json'), '{}');
  assert.is(runCli(['compile', 'examples/churn-feature-store/pipeline.ts', '--out', out, '--no-type-check']).status, 0);
  assert.not.ok(existsSync(join(out, 'assets', 'stale')));
});

test('unknown option is a usage error', () => {
  const result = runCli(['compile', 'examples/churn-feature-store/pipeline.ts', '--outdir', 'x']);
  assert.is(result.status, 2);
  assert.match(result.stderr, /Unknown option '--outdir'/);
  assert.match(result.stderr, /Usage: sagepipe compile/);
});

test('unknown command is a usage error', () => {
  const result = runCli(['compiel']);
  assert.is(result.status, 2);
  assert.match(result.stderr, /unknown command 'compiel'/);
});

test('every command has help', () => {
  const general = runCli(['--help']);
  assert.is(general.status, 0);
  const names = [...general.stdout.matchAll(/^ {2}([a-z-]+) {2,}/gm)].map((match) => match[1] as string);
  assert.ok(names.includes('compile'), general.stdout);
  assert.ok(names.includes('validate'), general.stdout);
  for (const name of names) {
    const help = runCli([name, '--help']);
    assert.is(help.status, 0, `${name} --help failed`);
    assert.match(help.stdout, new RegExp(`^Usage: sagepipe ${name}`), `${name} --help has no usage line`);
    assert.match(help.stdout, /Exit codes:/, `${name} --help does not list exit codes`);
  }
});

test('compile --json prints the written files', () => {
  const out = join(scratch(), 'out');
  const result = runCli(['compile', 'examples/churn-feature-store/pipeline.ts', '--out', out, '--json', '--no-type-check']);
  assert.is(result.status, 0, result.stderr);
  const report = JSON.parse(result.stdout) as { ok: boolean; files: string[]; issues: { code: string }[] };
  assert.is(report.ok, true);
  assert.ok(report.files.includes('pipeline/definition.json'));
  assert.ok(report.issues.every((issue) => issue.code === 'PLACEHOLDER_VALUE' || issue.code === 'IAM_SOURCE_DATA_NOT_DERIVED'));
});

test.run();
