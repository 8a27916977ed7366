import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Execution } from '../../dsl/execution.js';
import { ImplicitConversionError, join, str } from '../../dsl/expressions.js';
import { param } from '../../dsl/parameters.js';

test('template literal on a parameter throws', () => {
  const count = param.integer('InstanceCount', { default: 1 });
  assert.throws(() => `${count}`, (error: unknown) => error instanceof ImplicitConversionError && /Integer parameter 'InstanceCount'/.test((error as Error).message));
});

test('String() on an execution variable throws', () => {
  assert.throws(() => String(Execution.PipelineExecutionId), /str`\.\.\.` tagged template or join/);
});

test('concatenation with + throws', () => {
  const bucket = param.string('Bucket');
  assert.throws(() => 's3://' + (bucket as unknown as string), (error: unknown) => error instanceof ImplicitConversionError);
});

test('JSON.stringify of an expression throws', () => {
  assert.throws(() => JSON.stringify({ value: param.string('Bucket') }), (error: unknown) => error instanceof ImplicitConversionError);
});

test('str merges literal parts around expressions', () => {
  const bucket = 'my-bucket';
  const joined = str`s3://${bucket}/runs/${Execution.PipelineExecutionId}/out`;
  assert.equal(joined.toJson(), {
    'Std:Join': { On: '', Values: ['s3://my-bucket/runs/', { Get: 'Execution.PipelineExecutionId' }, '/out'] },
  });
});

test('join keeps numbers and booleans as JSON values', () => {
  const joined = join(['a', 1, true, param.float('Rate')], '-');
  assert.equal(joined.toJson(), { 'Std:Join': { On: '-', Values: ['a', 1, true, { Get: 'Parameters.Rate' }] } });
});

test.run();
