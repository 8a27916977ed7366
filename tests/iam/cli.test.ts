import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../support/cli.js';

const TRAINING = 'examples/churn-model-training/pipeline.ts';

function withFolder(entry: string, check: (folder: string) => void): void {
  const folder = mkdtempSync(join(tmpdir(), 'sagepipe-iam-cli-'));
  try {
    const compiled = runCli(['compile', entry, '--out', folder, '--no-type-check']);
    assert.is(compiled.status, 0, compiled.stderr);
    check(folder);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

test('iam prints entry review', () => {
  const result = runCli(['iam', TRAINING, '--no-type-check']);
  assert.is(result.status, 0, result.stderr);
  assert.match(result.stdout, /^# IAM review: churn-model-training\n/);
  assert.match(result.stdout, '## Role `ChurnTrainingRole`');
});

test('iam prints folder review', () => {
  withFolder(TRAINING, (folder) => {
    const result = runCli(['iam', folder]);
    assert.is(result.status, 0, result.stderr);
    assert.is(result.stdout, readFileSync(join(folder, 'iam', 'review.md'), 'utf8'));
  });
});

test('iam json lists documents', () => {
  withFolder(TRAINING, (folder) => {
    const result = runCli(['iam', folder, '--json']);
    assert.is(result.status, 0, result.stderr);
    const output = JSON.parse(result.stdout) as { ok: boolean; review: string; documents: { path: string; iamRole: string }[] };
    assert.is(output.ok, true);
    assert.match(output.review, '# IAM review: churn-model-training');
    assert.equal(
      output.documents.map((document) => [document.path, document.iamRole]),
      [
        ['iam/deployer.policy.json', 'deployer'],
        ['iam/deployer.trust.json', 'deployer'],
        ['iam/role-ChurnPipelineRole.policy.json', 'arn:aws:iam::111122223333:role/ChurnPipelineRole'],
        ['iam/role-ChurnPipelineRole.trust.json', 'arn:aws:iam::111122223333:role/ChurnPipelineRole'],
        ['iam/role-ChurnProcessingRole.policy.json', 'arn:aws:iam::111122223333:role/ChurnProcessingRole'],
        ['iam/role-ChurnProcessingRole.trust.json', 'arn:aws:iam::111122223333:role/ChurnProcessingRole'],
        ['iam/role-ChurnTrainingRole.policy.json', 'arn:aws:iam::111122223333:role/ChurnTrainingRole'],
        ['iam/role-ChurnTrainingRole.trust.json', 'arn:aws:iam::111122223333:role/ChurnTrainingRole'],
      ],
    );
  });
});

test('iam lint errors exit one', () => {
  const result = runCli(['iam', 'tests/fixtures/iam/broad-role.ts', '--no-type-check']);
  assert.is(result.status, 1);
  assert.match(result.stderr, 'error IAM_PASSROLE_WILDCARD at iam/role-PipelineRole.policy.json#PassRolesToSageMaker');
  assert.match(result.stdout, '- **error IAM_PASSROLE_WILDCARD** at `iam/role-PipelineRole.policy.json#PassRolesToSageMaker`');
  assert.not.match(result.stderr, /\n\s+at /, 'a stack trace was printed');
});

test('compile stops on lint errors', () => {
  const folder = mkdtempSync(join(tmpdir(), 'sagepipe-iam-broad-'));
  try {
    const result = runCli(['compile', 'tests/fixtures/iam/broad-role.ts', '--out', join(folder, 'out'), '--no-type-check']);
    assert.is(result.status, 1);
    assert.match(result.stderr, 'error IAM_PRIVILEGE_ESCALATION');
    assert.match(result.stderr, 'fix: list the exact role ARNs that the steps hand to their jobs');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('iam folder without review', () => {
  withFolder('tests/fixtures/iam/no-region.ts', (folder) => {
    const result = runCli(['iam', folder]);
    assert.is(result.status, 1);
    assert.match(result.stderr, `no IAM review found in ${folder}`);
  });
});

test('iam missing argument usage', () => {
  const result = runCli(['iam']);
  assert.is(result.status, 2);
  assert.match(result.stderr, 'sagepipe iam: missing the entry file or artifact folder');
});

test('iam help lists exit codes', () => {
  const result = runCli(['iam', '--help']);
  assert.is(result.status, 0);
  assert.match(result.stdout, 'Usage: sagepipe iam <entry.ts | artifact-folder>');
  assert.match(result.stdout, 'Exit codes: 0 review printed and no errors, 1 type, validation or IAM lint errors');
  assert.match(runCli(['--help']).stdout, /\n {2}iam {12}Print the IAM review/);
});

test.run();
