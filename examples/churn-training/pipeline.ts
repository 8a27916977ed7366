/**
 * Trains a churn classifier on data exported from the churn feature group, evaluates it, and
 * scores the inference customers only when the validation AUC reaches a threshold. Every step
 * runs in a SageMaker container, so `sagepipe run --local` reports them as not runnable locally.
 */
import { Condition, conditionStep, Execution, failStep, param, pipeline, processingStep, retry, str, trainingStep, transformStep } from 'sagepipe';

const region = 'us-west-2';
const bucket = 'mlbucket-sagemaker';
const prefix = 'mlops/churn_training';
// SageMaker's own scikit-learn and XGBoost images for us-west-2.
const sklearnImage = '246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3';
const xgboostImage = '246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1';

const trainingInstanceType = param.string('TrainingInstanceType', {
  default: 'ml.m5.xlarge',
  allowedValues: ['ml.m5.xlarge', 'ml.m5.2xlarge'],
});
const maxDepth = param.integer('MaxDepth', { default: 5 });
const aucThreshold = param.float('AucThreshold', { default: 0.75 });
const modelName = param.string('ModelName', { default: 'churn-xgboost' });

const runFolder = str`s3://${bucket}/${prefix}/runs/${Execution.PipelineExecutionId}`;

const prepare = processingStep('PrepareTrainingData', {
  description: 'Split the feature-store export into training, validation and test sets',
  imageUri: sklearnImage,
  instanceType: 'ml.m5.large',
  entrypoint: ['python3', '/opt/ml/processing/input/code/prepare.py'],
  arguments: ['--train-customers', '1-4000', '--inference-customers', '4001-5000'],
  inputs: [
    { name: 'code', source: `s3://${bucket}/${prefix}/code/prepare.py`, destination: '/opt/ml/processing/input/code' },
    { name: 'features', source: `s3://${bucket}/${prefix}/feature-export/`, destination: '/opt/ml/processing/input/features' },
  ],
  outputs: [
    { name: 'train', source: '/opt/ml/processing/train', destination: str`${runFolder}/train` },
    { name: 'validation', source: '/opt/ml/processing/validation', destination: str`${runFolder}/validation` },
    { name: 'test', source: '/opt/ml/processing/test', destination: str`${runFolder}/test` },
    { name: 'inference', source: '/opt/ml/processing/inference', destination: str`${runFolder}/inference` },
  ],
  cache: { enabled: true, expireAfter: 'P7D' },
});

const train = trainingStep('TrainChurnModel', {
  imageUri: xgboostImage,
  instanceType: trainingInstanceType,
  roleArn: 'arn:aws:iam::123456789012:role/ChurnTrainingRole',
  outputPath: str`${runFolder}/model`,
  channels: [
    { name: 'train', s3Uri: prepare.properties.outputs.train.s3Uri, contentType: 'text/csv' },
    { name: 'validation', s3Uri: prepare.properties.outputs.validation.s3Uri, contentType: 'text/csv' },
  ],
  hyperParameters: { objective: 'binary:logistic', eval_metric: 'auc', num_round: 200, max_depth: maxDepth },
  metricDefinitions: [{ name: 'validation:auc', regex: 'validation-auc:([0-9\\.]+)' }],
  maxRuntimeInSeconds: 7200,
  retryPolicies: [retry.sageMakerJob(['SageMaker.CAPACITY_ERROR', 'SageMaker.JOB_INTERNAL_ERROR'], { maxAttempts: 3, intervalSeconds: 60 })],
});

const evaluate = processingStep('EvaluateChurnModel', {
  imageUri: xgboostImage,
  instanceType: 'ml.m5.large',
  entrypoint: ['python3', '/opt/ml/processing/input/code/evaluate.py'],
  inputs: [
    { name: 'code', source: `s3://${bucket}/${prefix}/code/evaluate.py`, destination: '/opt/ml/processing/input/code' },
    { name: 'model', source: train.properties.modelArtifacts.s3ModelArtifacts, destination: '/opt/ml/processing/model' },
    { name: 'test', source: prepare.properties.outputs.test.s3Uri, destination: '/opt/ml/processing/test' },
  ],
  outputs: [{ name: 'evaluation', source: '/opt/ml/processing/evaluation', destination: str`${runFolder}/evaluation` }],
  propertyFiles: [{ name: 'EvaluationReport', outputName: 'evaluation', path: 'evaluation.json' }],
});

const scoreInference = transformStep('ScoreInferenceCustomers', {
  modelName,
  inputS3Uri: prepare.properties.outputs.inference.s3Uri,
  contentType: 'text/csv',
  splitType: 'Line',
  outputPath: str`${runFolder}/scores`,
  assembleWith: 'Line',
  instanceType: 'ml.m5.large',
});

const aucTooLow = failStep('AucBelowThreshold', {
  errorMessage: str`Validation AUC is below the threshold in execution ${Execution.PipelineExecutionId}`,
});

const checkAuc = conditionStep('CheckValidationAuc', {
  conditions: [Condition.greaterThanOrEqualTo(evaluate.jsonGet('EvaluationReport', 'binary_classification_metrics.auc.value'), aucThreshold)],
  ifSteps: [scoreInference],
  elseSteps: [aucTooLow],
});

export default pipeline('churn-training', {
  description: 'Train, evaluate and score the churn classifier',
  roleArn: 'arn:aws:iam::123456789012:role/ChurnPipelineRole',
  region,
  parameters: [trainingInstanceType, maxDepth, aucThreshold, modelName],
  parallelism: 2,
  tags: { project: 'churn' },
  steps: [prepare, train, evaluate, checkAuc],
});
