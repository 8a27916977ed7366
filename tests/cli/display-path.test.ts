import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { displayPath, shellPath } from '../../cli/display-path.js';
import { runCli } from '../support/cli.js';
import { REPO_ROOT } from '../support/paths.js';

test('path inside stays relative', () => {
  assert.is(displayPath('/work/project/out/report.json', '/work/project'), 'out/report.json');
  assert.is(displayPath('/work/project/..cache/x', '/work/project'), '..cache/x');
  assert.is(displayPath('/work/project', '/work/project'), '.');
});

test('path outside becomes absolute', () => {
  assert.is(displayPath('/tmp/store/tables/a.csv', '/work/project'), '/tmp/store/tables/a.csv');
  assert.is(displayPath('../other/file.csv', '/work/project'), '/work/other/file.csv');
  assert.is(displayPath('/work', '/work/project'), '/work');
});

test('shell path quotes spaces', () => {
  assert.is(shellPath('/tmp/store'), '/tmp/store');
  assert.is(shellPath("/tmp/my store's"), `'/tmp/my store'\\''s'`);
});

test('generate-data prints absolute path', () => {
  const store = mkdtempSync(join(tmpdir(), 'sagepipe-path-'));
  try {
    const result = runCli(['generate-data', '--store', store, '--seed', '1', '--n-samples', '3'], { cwd: REPO_ROOT });
    assert.is(result.status, 0, result.stderr);
    assert.is(result.stdout, `wrote 3 rows of ml_metrics.churn_prediction_data to ${join(store, 'tables', 'ml_metrics', 'churn_prediction_data.csv')} (seed 1)\n`);
  } finally {
    rmSync(store, { recursive: true, force: true });
  }
});

test.run();
