import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { diffJson } from '../../cli/deploy/json-diff.js';

test('key order is not a change', () => {
  assert.equal(diffJson({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }), []);
});

test('steps are matched by name', () => {
  const before = { Steps: [{ Name: 'Prepare', Arguments: { Count: 1 } }, { Name: 'Train', Arguments: {} }] };
  const after = { Steps: [{ Name: 'Prepare', Arguments: { Count: 2 } }, { Name: 'Check', Arguments: {} }, { Name: 'Train', Arguments: {} }] };

  assert.equal(diffJson(before, after), [
    { path: 'Steps[Prepare].Arguments.Count', change: 'changed', before: 1, after: 2 },
    { path: 'Steps[Check]', change: 'added', after: { Name: 'Check', Arguments: {} } },
  ]);
});

test('removed step is listed', () => {
  const changes = diffJson({ Steps: [{ Name: 'A' }, { Name: 'B' }] }, { Steps: [{ Name: 'A' }] });

  assert.equal(changes, [{ path: 'Steps[B]', change: 'removed', before: { Name: 'B' } }]);
});

test('reordered steps are a change', () => {
  const changes = diffJson({ Steps: [{ Name: 'A' }, { Name: 'B' }] }, { Steps: [{ Name: 'B' }, { Name: 'A' }] });

  assert.equal(changes, [{ path: 'Steps', change: 'changed', before: ['A', 'B'], after: ['B', 'A'] }]);
});

test('unnamed lists compare by index', () => {
  const changes = diffJson({ Values: ['s3://a/', { Get: 'Execution.PipelineExecutionId' }] }, { Values: ['s3://b/', { Get: 'Execution.PipelineExecutionId' }, 'x'] });

  assert.equal(changes, [
    { path: 'Values[0]', change: 'changed', before: 's3://a/', after: 's3://b/' },
    { path: 'Values[2]', change: 'added', after: 'x' },
  ]);
});

test('special keys are quoted in paths', () => {
  const changes = diffJson({ S3Uri: { 'Std:Join': { On: '' } } }, { S3Uri: { 'Std:Join': { On: '/' } } });

  assert.equal(changes, [{ path: 'S3Uri["Std:Join"].On', change: 'changed', before: '', after: '/' }]);
});

test('removed key is listed', () => {
  assert.equal(diffJson({ Description: 'old', Name: 'x' }, { Name: 'x' }), [{ path: 'Description', change: 'removed', before: 'old' }]);
});

test.run();
