import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../support/cli.js';

let store = '';

test.before(() => {
  store = mkdtempSync(join(tmpdir(), 'sagepipe-query-'));
});

test.after(() => {
  rmSync(store, { recursive: true, force: true });
});

test('query runs one statement', () => {
  const result = runCli(['query', '--local', '--json', '--store', store, 'SELECT 1 AS answer;']);
  assert.is(result.status, 0, result.stderr);
  assert.equal(JSON.parse(result.stdout), { columns: ['answer'], rows: [[1]] });
});

test('query rejects two statements', () => {
  const result = runCli(['query', '--local', '--store', store, 'SELECT 1; SELECT 2']);
  assert.is(result.status, 2);
  assert.is(result.stdout, '');
  assert.match(result.stderr, 'sagepipe query: the query contains 2 SQL statements, but query runs exactly one; run each statement with its own `sagepipe query`\n');
});

test('query rejects empty text', () => {
  const result = runCli(['query', '--local', '--store', store, '  ']);
  assert.is(result.status, 2);
  assert.match(result.stderr, 'sagepipe query: the query contains no SQL statement');
});

test('query reports syntax error', () => {
  const result = runCli(['query', '--local', '--store', store, 'SELEC 1']);
  assert.is(result.status, 1);
  assert.match(result.stderr, 'sagepipe query: the query failed: Parser Error: syntax error at or near "SELEC"\n');
  assert.not.match(result.stderr, '    at ');
});

test('query help states scope', () => {
  const result = runCli(['query', '--help']);
  assert.is(result.status, 0);
  assert.match(result.stdout, /The statement is any SQL that\s+DuckDB accepts, and DuckDB runs it on this machine/);
  assert.match(result.stdout, /Text with more than\s+one statement is rejected/);
});

test.run();
