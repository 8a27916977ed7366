import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { JsonObject } from '../../dsl/json.js';
import { failStep } from '../../steps/fail.js';
import { processingStep } from '../../steps/processing.js';
import { trainingStep } from '../../steps/training.js';
import { compileOk, issueKeys, stepJson, testPipeline } from '../support/compile.js';

const IMAGE = '123456789012.dkr.ecr.us-west-2.amazonaws.com/prep:1';

function prepStep(name = 'Prep') {
  return processingStep(name, {
    imageUri: IMAGE,
    instanceType: 'ml.m5.large',
    outputs: [{ name: 'train', source: '/opt/ml/processing/train', destination: 's3://bucket/train/' }],
  });
}

function stepNames(definition: JsonObject): unknown[] {
  return (definition['Steps'] as JsonObject[]).map((step) => step['Name']);
}

test('data references add no DependsOn', () => {
  const prep = prepStep();
  const fit = trainingStep('Fit', {
    imageUri: '123456789012.dkr.ecr.us-west-2.amazonaws.com/xgboost:1',
    instanceType: 'ml.m5.xlarge',
    outputPath: 's3://bucket/models/',
    channels: [{ name: 'train', s3Uri: prep.properties.outputs.train.s3Uri }],
  });
  const { definition } = compileOk(testPipeline([prep, fit]));
  assert.not.ok('DependsOn' in stepJson(definition, 'Fit'));
});

test('explicit dependsOn renders by name', () => {
  const prep = prepStep();
  const other = prepStep('Other');
  const stop = failStep('Stop', { dependsOn: [prep, 'Other', prep] });
  const { definition } = compileOk(testPipeline([stop, prep, other]));
  assert.equal(stepJson(definition, 'Stop')['DependsOn'], ['Prep', 'Other']);
});

test('steps are ordered after what they read', () => {
  const prep = prepStep();
  const fit = trainingStep('Fit', {
    imageUri: '123456789012.dkr.ecr.us-west-2.amazonaws.com/xgboost:1',
    instanceType: 'ml.m5.xlarge',
    outputPath: 's3://bucket/models/',
    channels: [{ name: 'train', s3Uri: prep.properties.outputs.train.s3Uri }],
  });
  const { definition } = compileOk(testPipeline([fit, prep]));
  assert.equal(stepNames(definition), ['Prep', 'Fit']);
});

test('independent steps keep the given order', () => {
  const { definition } = compileOk(testPipeline([failStep('C'), failStep('A'), failStep('B')]));
  assert.equal(stepNames(definition), ['C', 'A', 'B']);
});

test('referenced unlisted step is included with a warning', () => {
  const prep = prepStep();
  const fit = trainingStep('Fit', {
    imageUri: '123456789012.dkr.ecr.us-west-2.amazonaws.com/xgboost:1',
    instanceType: 'ml.m5.xlarge',
    outputPath: 's3://bucket/models/',
    channels: [{ name: 'train', s3Uri: prep.properties.outputs.train.s3Uri }],
  });
  const { definition, result } = compileOk(testPipeline([fit]));
  assert.equal(stepNames(definition), ['Prep', 'Fit']);
  assert.equal(issueKeys(result, 'warning'), ['IMPLICIT_STEP@steps.Prep']);
});

test('compile output is identical across runs', () => {
  const build = () => {
    const prep = prepStep();
    return testPipeline([prep, failStep('Stop', { dependsOn: [prep] })]);
  };
  const first = compileOk(build()).result.artifacts;
  const second = compileOk(build()).result.artifacts;
  assert.equal(
    first?.files.map((file) => [file.path, Buffer.from(file.content).toString('base64')]),
    second?.files.map((file) => [file.path, Buffer.from(file.content).toString('base64')]),
  );
  assert.is(first?.manifestText, second?.manifestText);
});

test.run();
