import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Condition } from '../../dsl/conditions.js';
import { Execution } from '../../dsl/execution.js';
import { str } from '../../dsl/expressions.js';
import type { JsonObject } from '../../dsl/json.js';
import { param } from '../../dsl/parameters.js';
import { conditionStep } from '../../steps/condition.js';
import { failStep } from '../../steps/fail.js';
import { processingStep } from '../../steps/processing.js';
import { trainingStep } from '../../steps/training.js';
import { compileOk, stepJson, testPipeline } from '../support/compile.js';

const IMAGE = '123456789012.dkr.ecr.us-west-2.amazonaws.com/eval:1';

function evaluationStep() {
  return processingStep('Evaluate', {
    imageUri: IMAGE,
    instanceType: 'ml.m5.large',
    outputs: [{ name: 'evaluation', source: '/opt/ml/processing/evaluation', destination: 's3://bucket/evaluation/' }],
    propertyFiles: [{ name: 'EvaluationReport', outputName: 'evaluation', path: 'evaluation.json' }],
  });
}

test('every condition kind renders', () => {
  const evaluate = evaluationStep();
  const threshold = param.float('AucThreshold', { default: 0.8 });
  const mode = param.string('Mode', { default: 'full' });
  const auc = evaluate.jsonGet('EvaluationReport', 'metrics.auc.value');
  const check = conditionStep('CheckAuc', {
    conditions: [
      Condition.equals(mode, 'full'),
      Condition.greaterThan(auc, threshold),
      Condition.greaterThanOrEqualTo(auc, 0.5),
      Condition.lessThan(auc, 1),
      Condition.lessThanOrEqualTo(auc, 1),
      Condition.in(mode, ['full', 'sample']),
      Condition.not(Condition.equals(evaluate.properties.processingJobStatus, 'Failed')),
      Condition.or(Condition.equals(mode, 'full'), Condition.lessThan(auc, threshold)),
    ],
    ifSteps: [failStep('Approved', { errorMessage: 'stop here' })],
  });
  const { definition } = compileOk(testPipeline([evaluate, check], { parameters: [threshold, mode] }));
  const jsonGet = {
    'Std:JsonGet': { PropertyFile: { Get: 'Steps.Evaluate.PropertyFiles.EvaluationReport' }, Path: 'metrics.auc.value' },
  };

  assert.equal((stepJson(definition, 'CheckAuc')['Arguments'] as JsonObject)['Conditions'], [
    { Type: 'Equals', LeftValue: { Get: 'Parameters.Mode' }, RightValue: 'full' },
    { Type: 'GreaterThan', LeftValue: jsonGet, RightValue: { Get: 'Parameters.AucThreshold' } },
    { Type: 'GreaterThanOrEqualTo', LeftValue: jsonGet, RightValue: 0.5 },
    { Type: 'LessThan', LeftValue: jsonGet, RightValue: 1 },
    { Type: 'LessThanOrEqualTo', LeftValue: jsonGet, RightValue: 1 },
    { Type: 'In', QueryValue: { Get: 'Parameters.Mode' }, Values: ['full', 'sample'] },
    { Type: 'Not', Condition: { Type: 'Equals', LeftValue: { Get: 'Steps.Evaluate.ProcessingJobStatus' }, RightValue: 'Failed' } },
    {
      Type: 'Or',
      Conditions: [
        { Type: 'Equals', LeftValue: { Get: 'Parameters.Mode' }, RightValue: 'full' },
        { Type: 'LessThan', LeftValue: jsonGet, RightValue: { Get: 'Parameters.AucThreshold' } },
      ],
    },
  ]);
});

test('condition branches are nested, not top level', () => {
  const evaluate = evaluationStep();
  const register = trainingStep('Retrain', { imageUri: 'xgboost:1', instanceType: 'ml.m5.xlarge', outputPath: 's3://bucket/models/' });
  const stop = failStep('TooLow', { errorMessage: str`AUC too low in ${Execution.PipelineExecutionId}` });
  const check = conditionStep('CheckAuc', {
    conditions: [Condition.greaterThan(evaluate.jsonGet('EvaluationReport', 'auc'), 0.8)],
    ifSteps: [register],
    elseSteps: [stop],
  });
  const { definition } = compileOk(testPipeline([evaluate, check]));

  assert.equal((definition['Steps'] as JsonObject[]).map((step) => step['Name']), ['Evaluate', 'CheckAuc']);
  const args = stepJson(definition, 'CheckAuc')['Arguments'] as JsonObject;
  assert.equal((args['IfSteps'] as JsonObject[]).map((step) => step['Name']), ['Retrain']);
  assert.equal(args['ElseSteps'], [
    {
      Name: 'TooLow',
      Type: 'Fail',
      Arguments: { ErrorMessage: { 'Std:Join': { On: '', Values: ['AUC too low in ', { Get: 'Execution.PipelineExecutionId' }] } } },
    },
  ]);
  assert.equal(Object.keys(stepJson(definition, 'CheckAuc')), ['Name', 'Type', 'Arguments']);
});

test('condition outcome is a step property', () => {
  const evaluate = evaluationStep();
  const check = conditionStep('CheckAuc', { conditions: [Condition.greaterThan(evaluate.jsonGet('EvaluationReport', 'auc'), 0.8)] });
  const report = failStep('Report', { errorMessage: str`outcome ${check.properties.outcome}` });
  const { definition } = compileOk(testPipeline([evaluate, check, report]));
  assert.equal((stepJson(definition, 'Report')['Arguments'] as JsonObject)['ErrorMessage'], {
    'Std:Join': { On: '', Values: ['outcome ', { Get: 'Steps.CheckAuc.Outcome' }] },
  });
});

test.run();
