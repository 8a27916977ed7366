import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MANIFEST_CHECKSUM_FILE, readArtifactFolder, writeArtifactFolder } from '../../cli/artifact-folder.js';
import { UserError } from '../../cli/output.js';
import { failStep } from '../../steps/fail.js';
import { compileOk, testPipeline } from '../support/compile.js';

function writtenFolder(): string {
  const { result } = compileOk(testPipeline([failStep('Stop')]));
  const folder = join(mkdtempSync(join(tmpdir(), 'sagepipe-folder-')), 'out');
  writeArtifactFolder(folder, result.artifacts as NonNullable<typeof result.artifacts>);
  return folder;
}

function readError(folder: string): UserError {
  try {
    readArtifactFolder(folder);
  } catch (error) {
    if (error instanceof UserError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected the folder to be refused');
}

test('written folder reads back', () => {
  const folder = writtenFolder();
  try {
    assert.is(readArtifactFolder(folder).manifest.pipeline.name, 'test-pipeline');
    assert.match(readFileSync(join(folder, MANIFEST_CHECKSUM_FILE), 'utf8'), /^[a-f0-9]{64} {2}manifest\.json\n$/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('edited manifest is refused', () => {
  const folder = writtenFolder();
  try {
    const path = join(folder, 'manifest.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace('"region": "us-west-2"', '"region": "eu-west-1"'));
    assert.match(readError(folder).message, /manifest\.json in .* was changed after compile/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('missing checksum file is refused', () => {
  const folder = writtenFolder();
  try {
    rmSync(join(folder, MANIFEST_CHECKSUM_FILE));
    assert.match(readError(folder).message, /has no manifest\.sha256/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('edited listed file is refused', () => {
  const folder = writtenFolder();
  try {
    writeFileSync(join(folder, 'pipeline', 'definition.json'), '{}');
    assert.match(readError(folder).message, /pipeline\/definition\.json has SHA-256 [a-f0-9]{64}, but the manifest lists/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test.run();
