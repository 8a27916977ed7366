import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkParameterArguments } from '../../cli/parameter-values.js';
import type { ManifestParameter } from '../../compiler/manifest.js';
import { runCli } from '../support/cli.js';
import { REPO_ROOT } from '../support/paths.js';

const DECLARED: readonly ManifestParameter[] = [
  { name: 'Count', type: 'Integer', default: 1 },
  { name: 'Rate', type: 'Float', default: 0.5 },
  { name: 'Enabled', type: 'Boolean', default: false },
  { name: 'Mode', type: 'String', default: 'fast', allowedValues: ['fast', 'slow'] },
  { name: 'Label', type: 'String', default: '' },
];

/** Converts one `Name=Value` and returns its canonical text, or the code of its issue. */
function convert(argument: string): string {
  const { assignments, issues } = checkParameterArguments([argument], DECLARED);
  return issues[0]?.code ?? assignments[0]?.text ?? 'nothing';
}

const values = suite('parameter values');

values('integer is sign and digits', () => {
  assert.is(convert('Count=42'), '42');
  assert.is(convert('Count=+5'), '5');
  assert.is(convert('Count=-007'), '-7');
  assert.is(convert('Count=-0'), '0');
  assert.is(convert('Count=0x10'), 'PARAM_WRONG_TYPE');
  assert.is(convert('Count=2.5'), 'PARAM_WRONG_TYPE');
  assert.is(convert('Count=1e3'), 'PARAM_WRONG_TYPE');
  assert.is(convert('Count= 5'), 'PARAM_WRONG_TYPE');
  assert.is(convert('Count='), 'PARAM_WRONG_TYPE');
});

values('integer keeps 64-bit digits', () => {
  assert.is(convert('Count=9007199254740993'), '9007199254740993');
  assert.is(convert('Count=9223372036854775807'), '9223372036854775807');
  assert.is(convert('Count=-9223372036854775808'), '-9223372036854775808');
  assert.is(convert('Count=9223372036854775808'), 'PARAM_OUT_OF_RANGE');
  assert.is(convert('Count=-9223372036854775809'), 'PARAM_OUT_OF_RANGE');
});

values('float is finite decimal', () => {
  assert.is(convert('Rate=0.75'), '0.75');
  assert.is(convert('Rate=+2.5'), '2.5');
  assert.is(convert('Rate=.5'), '0.5');
  assert.is(convert('Rate=5.'), '5');
  assert.is(convert('Rate=1e-3'), '0.001');
  assert.is(convert('Rate=-1E2'), '-100');
  assert.is(convert('Rate=0x10'), 'PARAM_WRONG_TYPE');
  assert.is(convert('Rate=Infinity'), 'PARAM_WRONG_TYPE');
  assert.is(convert('Rate=NaN'), 'PARAM_WRONG_TYPE');
  assert.is(convert('Rate=1_000'), 'PARAM_WRONG_TYPE');
  assert.is(convert('Rate=1e400'), 'PARAM_OUT_OF_RANGE');
  assert.is(convert('Rate=1e-400'), 'PARAM_OUT_OF_RANGE');
  assert.is(convert('Rate=0e-400'), '0');
});

values('boolean ignores letter case', () => {
  assert.is(convert('Enabled=true'), 'true');
  assert.is(convert('Enabled=FALSE'), 'false');
  assert.is(convert('Enabled=True'), 'true');
  assert.is(convert('Enabled=yes'), 'PARAM_WRONG_TYPE');
  assert.is(convert('Enabled=1'), 'PARAM_WRONG_TYPE');
});

values('string checks allowed values', () => {
  assert.is(convert('Mode=slow'), 'slow');
  assert.is(convert('Mode=Slow'), 'PARAM_NOT_ALLOWED');
  assert.is(convert('Label='), '');
  assert.is(convert('Label=a=b'), 'a=b');
  assert.is(convert(`Label=${'x'.repeat(1024)}`), 'x'.repeat(1024));
  assert.is(convert(`Label=${'x'.repeat(1025)}`), 'PARAM_TOO_LONG');
});

values('problems come in argument order', () => {
  const declared: readonly ManifestParameter[] = [...DECLARED, { name: 'Region', type: 'String' }];

  const { issues } = checkParameterArguments(['Speed=1', 'Count=x', 'Count=2', 'noequals', 'Count=3'], declared);

  assert.equal(
    issues.map((issue) => [issue.code, issue.path]),
    [
      ['PARAM_UNKNOWN', '--param Speed'],
      ['PARAM_WRONG_TYPE', '--param Count'],
      ['PARAM_DUPLICATE', '--param Count'],
      ['PARAM_INVALID_FORMAT', '--param'],
      ['PARAM_DUPLICATE', '--param Count'],
      ['PARAM_MISSING', '--param Region'],
    ],
  );
  assert.is(issues[1]?.rule, 'an Integer is an optional sign and decimal digits, such as 42 or -7');
  assert.is(issues[5]?.fix, 'pass --param Region=<String>');
});

values.run();

/** A pipeline whose Fail step prints its parameters, so a local run shows the converted values. */
const PRINTING_PIPELINE = `
import { failStep, join, param, pipeline } from 'sagepipe';

const count = param.integer('Count', { default: 1 });
const rate = param.float('Rate', { default: 0.5 });
const enabled = param.boolean('Enabled', { default: false });

export default pipeline('parameter-values-test', {
  parameters: [count, rate, enabled],
  roleArn: 'arn:aws:iam::123456789012:role/Pipelines',
  region: 'us-west-2',
  steps: [failStep('Show', { errorMessage: join(['count=', count, ' rate=', rate, ' enabled=', enabled]) })],
});
`;

interface Issues {
  ok: boolean;
  error: string;
  issues: { code: string; path: string; message: string; value?: unknown; rule: string; fix: string }[];
}

const commands = suite<{ folder: string; artifacts: string }>('run and start parameters');

commands.before((context) => {
  mkdirSync(join(REPO_ROOT, '.sagepipe'), { recursive: true });
  context.folder = mkdtempSync(join(REPO_ROOT, '.sagepipe', 'parameters-'));
  writeFileSync(join(context.folder, 'pipeline.ts'), PRINTING_PIPELINE);
  context.artifacts = join(context.folder, 'artifacts');
  const compiled = runCli(['compile', join(context.folder, 'pipeline.ts'), '--out', context.artifacts, '--no-type-check']);
  assert.is(compiled.status, 0, compiled.stderr);
});

commands.after((context) => {
  rmSync(context.folder, { recursive: true, force: true });
});

function runLocally(artifacts: string, args: readonly string[]): ReturnType<typeof runCli> {
  const store = mkdtempSync(join(tmpdir(), 'sagepipe-parameters-'));
  try {
    return runCli(['run', artifacts, '--local', '--json', '--store', store, ...args]);
  } finally {
    rmSync(store, { recursive: true, force: true });
  }
}

commands('both report the same issues', ({ artifacts }) => {
  const bad = ['--param', 'Count=+5x', '--param', 'Rate=0x10', '--param', 'Enabled=yes', '--param', 'Count=1', '--param', 'Speed=2', '--param', 'Rate=Infinity'];

  // start checks an artifact folder's parameters before it builds any AWS client.
  const started = runCli(['start', artifacts, '--json', ...bad]);
  const ran = runLocally(artifacts, bad);

  assert.is(started.status, 2);
  assert.is(ran.status, 2);
  const startIssues = (JSON.parse(started.stdout) as Issues).issues;
  const runIssues = (JSON.parse(ran.stdout) as Issues).issues;
  assert.equal(runIssues, startIssues);
  assert.equal(
    startIssues.map((issue) => issue.code),
    ['PARAM_WRONG_TYPE', 'PARAM_WRONG_TYPE', 'PARAM_WRONG_TYPE', 'PARAM_DUPLICATE', 'PARAM_UNKNOWN', 'PARAM_DUPLICATE'],
  );
});

commands('run converts like start', ({ artifacts }) => {
  const ran = runLocally(artifacts, ['--param', 'Count=+5', '--param', 'Rate=1e-3', '--param', 'Enabled=TRUE']);

  assert.is(ran.status, 1, ran.stderr);
  const steps = (JSON.parse(ran.stdout) as { steps: { name: string; status: string; message?: string }[] }).steps;
  assert.is(steps[0]?.status, 'Failed');
  assert.is(steps[0]?.message, 'count=5 rate=0.001 enabled=true');
});

commands('run names its integer limit', ({ artifacts }) => {
  const ran = runLocally(artifacts, ['--param', 'Count=9007199254740993']);

  assert.is(ran.status, 2);
  const [issue] = (JSON.parse(ran.stdout) as Issues).issues;
  assert.is(issue?.code, 'PARAM_LOCAL_RANGE');
  assert.is(issue?.message, 'a local run cannot hold the Integer 9007199254740993 exactly');
  assert.match(issue?.rule ?? '', 'from -9007199254740991 to 9007199254740991');
});

commands.run();
