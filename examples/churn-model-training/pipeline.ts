/**
 * Trains a churn classifier, evaluates it, and scores the inference customers in batch when the
 * model is accurate enough; otherwise the execution fails with the measured accuracy. Each job
 * step runs with its own role, so the compiled IAM shows what each one needs: the pipeline role
 * starts the jobs and passes their roles, the processing and training roles read and write
 * their S3 folders, and the condition reads the evaluation's property file.
 *
 * sagepipe has no model step yet, so scoring uses the SageMaker model named by the ModelName
 * parameter, which the team's release process creates from the training job's artifacts.
 */
import { Condition, conditionStep, Execution, failStep, param, pipeline, processingStep, retry, str, trainingStep, transformStep } from 'sagepipe';

const account = '111122223333';
const region = 'us-east-1';
const bucket = 'churn-ml-artifacts';
const registry = `${account}.dkr.ecr.${region}.amazonaws.com`;
const role = (name: string): string => `arn:aws:iam::${account}:role/${name}`;
const runFolder = (name: string) => str`s3://${bucket}/runs/${Execution.PipelineExecutionId}/${name}`;

const minAccuracy = param.float('MinAccuracy', { default: 0.8 });
const modelName = param.string('ModelName', { default: 'churn-xgboost' });
const trainingInstanceType = param.string('TrainingInstanceType', { default: 'ml.m5.xlarge', allowedValues: ['ml.m5.xlarge', 'ml.m5.2xlarge'] });
const maxDepth = param.integer('MaxDepth', { default: 5 });

const prepare = processingStep('PrepareData', {
  description: 'Split the cleaned churn features into train and test sets',
  imageUri: `${registry}/churn-sklearn:1.4`,
  instanceType: 'ml.m5.xlarge',
  roleArn: role('ChurnProcessingRole'),
  entrypoint: ['python3', '/opt/ml/processing/input/code/prepare.py'],
  inputs: [
    { name: 'features', source: `s3://${bucket}/features/churn/`, destination: '/opt/ml/processing/input/features' },
    { name: 'code', source: `s3://${bucket}/code/prepare.py`, destination: '/opt/ml/processing/input/code' },
  ],
  outputs: [
    { name: 'train', source: '/opt/ml/processing/output/train', destination: runFolder('train') },
    { name: 'test', source: '/opt/ml/processing/output/test', destination: runFolder('test') },
  ],
  // Unchanged inputs reuse the last split for a week instead of running the job again.
  cache: { enabled: true, expireAfter: 'P7D' },
});

const train = trainingStep('TrainModel', {
  description: 'Fit a gradient-boosted classifier on the training split',
  imageUri: `${registry}/churn-xgboost:1.7`,
  instanceType: trainingInstanceType,
  roleArn: role('ChurnTrainingRole'),
  outputPath: `s3://${bucket}/models/`,
  channels: [{ name: 'train', s3Uri: prepare.properties.outputs.train.s3Uri, contentType: 'text/csv' }],
  hyperParameters: { objective: 'binary:logistic', num_round: 100, max_depth: maxDepth },
  metricDefinitions: [{ name: 'train:auc', regex: 'train-auc:([0-9\\.]+)' }],
  retryPolicies: [retry.sageMakerJob(['SageMaker.CAPACITY_ERROR', 'SageMaker.JOB_INTERNAL_ERROR'], { maxAttempts: 3, intervalSeconds: 60 })],
  tags: { project: 'churn' },
});

const evaluate = processingStep('EvaluateModel', {
  description: 'Measure the model on the test split and write evaluation.json',
  imageUri: `${registry}/churn-sklearn:1.4`,
  instanceType: 'ml.m5.xlarge',
  roleArn: role('ChurnProcessingRole'),
  entrypoint: ['python3', '/opt/ml/processing/input/code/evaluate.py'],
  inputs: [
    { name: 'model', source: train.properties.modelArtifacts.s3ModelArtifacts, destination: '/opt/ml/processing/input/model' },
    { name: 'test', source: prepare.properties.outputs.test.s3Uri, destination: '/opt/ml/processing/input/test' },
    { name: 'code', source: `s3://${bucket}/code/evaluate.py`, destination: '/opt/ml/processing/input/code' },
  ],
  outputs: [{ name: 'evaluation', source: '/opt/ml/processing/output/evaluation', destination: runFolder('evaluation') }],
  propertyFiles: [{ name: 'metrics', outputName: 'evaluation', path: 'evaluation.json' }],
});

const accuracy = evaluate.jsonGet('metrics', 'binary_classification_metrics.accuracy.value');

const score = transformStep('ScoreCustomers', {
  description: 'Score the inference customers with the released model',
  modelName,
  inputS3Uri: `s3://${bucket}/inference/customers/`,
  contentType: 'text/csv',
  splitType: 'Line',
  outputPath: runFolder('scores'),
  instanceType: 'ml.m5.xlarge',
});

const tooLow = failStep('AccuracyTooLow', {
  errorMessage: str`model accuracy ${accuracy} is below the minimum ${minAccuracy}`,
});

const gate = conditionStep('CheckAccuracy', {
  conditions: [Condition.greaterThanOrEqualTo(accuracy, minAccuracy)],
  ifSteps: [score],
  elseSteps: [tooLow],
});

export default pipeline('churn-model-training', {
  description: 'Train, evaluate and batch-score the churn classifier',
  parameters: [minAccuracy, modelName, trainingInstanceType, maxDepth],
  roleArn: role('ChurnPipelineRole'),
  region,
  parallelism: 2,
  tags: { project: 'churn' },
  steps: [prepare, train, evaluate, gate],
});
