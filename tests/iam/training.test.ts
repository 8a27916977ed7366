import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LINT_CODES } from '../../compiler/iam/lint.js';
import { allow, compileExample, documentAt, PASSED_TO_SAGEMAKER } from '../support/iam-oracle.js';
import { exampleEntry } from '../support/paths.js';

const ACCOUNT = '111122223333';
const SAGEMAKER = `arn:aws:sagemaker:us-east-1:${ACCOUNT}`;
const BUCKET = 'arn:aws:s3:::churn-ml-artifacts';
const LOGS = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/sagemaker`;
const role = (name: string): string => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const ECR_READ = ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];

const training = () => compileExample(exampleEntry('churn-model-training'));

/** The trust statement of a role SageMaker assumes for the given source ARNs. */
function sageMakerTrust(sourceArns: readonly string[]): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AssumeForPipelineAndJobs',
        Effect: 'Allow',
        Principal: { Service: 'sagemaker.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { ArnLike: { 'aws:SourceArn': [...sourceArns] }, StringEquals: { 'aws:SourceAccount': ACCOUNT } },
      },
    ],
  };
}

test('pipeline role policy exact', async () => {
  const policy = documentAt(await training(), 'iam/role-ChurnPipelineRole.policy.json');
  assert.equal(policy.Statement, [
    allow('RunProcessingJobs', ['sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob', 'sagemaker:StopProcessingJob'], [`${SAGEMAKER}:processing-job/pipelines-*`]),
    allow('PassRolesToSageMaker', ['iam:PassRole'], [role('ChurnProcessingRole'), role('ChurnTrainingRole')], PASSED_TO_SAGEMAKER),
    allow('RunTrainingJobs', ['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob'], [`${SAGEMAKER}:training-job/pipelines-*`]),
    allow('TagTrainingJobs', ['sagemaker:AddTags'], [`${SAGEMAKER}:training-job/pipelines-*`]),
    allow('ReadPropertyFiles', ['s3:GetObject'], [`${BUCKET}/runs/*/evaluation/evaluation.json`]),
    allow('RunTransformJobs', ['sagemaker:CreateTransformJob', 'sagemaker:DescribeTransformJob', 'sagemaker:StopTransformJob'], [`${SAGEMAKER}:transform-job/pipelines-*`]),
  ]);
});

test('processing role policy exact', async () => {
  const policy = documentAt(await training(), 'iam/role-ChurnProcessingRole.policy.json');
  assert.equal(policy.Statement, [
    allow('ReadProcessingInputs', ['s3:GetObject'], [
      `${BUCKET}/code/evaluate.py*`,
      `${BUCKET}/code/prepare.py*`,
      `${BUCKET}/features/churn/*`,
      `${BUCKET}/models/*`,
      `${BUCKET}/runs/*/test*`,
    ]),
    allow('ListBucketPrefixes', ['s3:ListBucket'], [BUCKET], {
      StringLike: { 's3:prefix': ['code/evaluate.py*', 'code/prepare.py*', 'features/churn/*', 'models/*', 'runs/*/test*'] },
    }),
    allow('WriteProcessingOutputs', ['s3:PutObject'], [`${BUCKET}/runs/*/evaluation/*`, `${BUCKET}/runs/*/test/*`, `${BUCKET}/runs/*/train/*`]),
    allow('PullJobImages', ECR_READ, [`arn:aws:ecr:us-east-1:${ACCOUNT}:repository/churn-sklearn`]),
    allow('GetEcrAuthorizationToken', ['ecr:GetAuthorizationToken'], ['*']),
    allow('WriteJobLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], [`${LOGS}/ProcessingJobs:log-stream:*`]),
    allow('JobLogGroup', ['logs:CreateLogGroup', 'logs:DescribeLogStreams'], [`${LOGS}/ProcessingJobs`]),
  ]);
});

test('training role policy exact', async () => {
  const policy = documentAt(await training(), 'iam/role-ChurnTrainingRole.policy.json');
  assert.equal(policy.Statement, [
    allow('ReadTrainingChannels', ['s3:GetObject'], [`${BUCKET}/runs/*/train*`]),
    allow('ListBucketPrefixes', ['s3:ListBucket'], [BUCKET], { StringLike: { 's3:prefix': 'runs/*/train*' } }),
    allow('WriteModelArtifacts', ['s3:PutObject'], [`${BUCKET}/models/*`]),
    allow('PullJobImages', ECR_READ, [`arn:aws:ecr:us-east-1:${ACCOUNT}:repository/churn-xgboost`]),
    allow('GetEcrAuthorizationToken', ['ecr:GetAuthorizationToken'], ['*']),
    allow('WriteJobLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], [`${LOGS}/TrainingJobs:log-stream:*`]),
    allow('JobLogGroup', ['logs:CreateLogGroup', 'logs:DescribeLogStreams'], [`${LOGS}/TrainingJobs`]),
  ]);
});

test('role trust policies exact', async () => {
  const result = await training();
  assert.equal(documentAt(result, 'iam/role-ChurnPipelineRole.trust.json'), sageMakerTrust([`${SAGEMAKER}:pipeline/churn-model-training/*`]));
  assert.equal(documentAt(result, 'iam/role-ChurnProcessingRole.trust.json'), sageMakerTrust([`${SAGEMAKER}:processing-job/pipelines-*`]));
  assert.equal(documentAt(result, 'iam/role-ChurnTrainingRole.trust.json'), sageMakerTrust([`${SAGEMAKER}:training-job/pipelines-*`]));
});

test('deployer policy without assets', async () => {
  const policy = documentAt(await training(), 'iam/deployer.policy.json');
  const pipelineArn = `${SAGEMAKER}:pipeline/churn-model-training`;
  assert.equal(policy.Statement, [
    allow('DeployPipeline', ['sagemaker:CreatePipeline', 'sagemaker:DescribePipeline', 'sagemaker:UpdatePipeline'], [pipelineArn]),
    allow('PassRolesToSageMaker', ['iam:PassRole'], [role('ChurnPipelineRole')], PASSED_TO_SAGEMAKER),
    allow('TagPipeline', ['sagemaker:AddTags', 'sagemaker:ListTags'], [pipelineArn]),
    allow('StartExecutions', ['sagemaker:StartPipelineExecution'], [pipelineArn]),
    allow('FollowExecutions', ['sagemaker:DescribePipelineExecution', 'sagemaker:ListPipelineExecutionSteps'], [`${pipelineArn}/execution/*`]),
  ]);
});

test('transform passes no role', async () => {
  const result = await training();
  const review = result.iamReview ?? '';
  assert.match(review, "Step 'ScoreCustomers' runs its transform job as the execution role of the model");
  assert.match(review, '| `ChurnProcessingRole` | job role of Processing step \'PrepareData\'; job role of Processing step \'EvaluateModel\' |');
  assert.not.match(review, 'ScoreCustomers<br/>Transform<br/>runs as');
});

test('review draws branches', async () => {
  const review = (await training()).iamReview ?? '';
  assert.match(review, '  s3["CheckAccuracy<br/>Condition"]');
  assert.match(review, '  s3 -->|if| s4');
  assert.match(review, '  s3 -->|else| s5');
  assert.match(review, '  s2 --> s5');
  assert.match(review, '- Needed by: step \'CheckAccuracy\', step \'AccuracyTooLow\'');
});

test('training example lint clean', async () => {
  const result = await training();
  assert.equal(result.issues.filter((issue) => issue.code in LINT_CODES), []);
  assert.equal(result.issues.filter((issue) => issue.severity === 'error'), []);
});

test.run();
