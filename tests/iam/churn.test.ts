import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LINT_CODES } from '../../compiler/iam/lint.js';
import { allow, compileExample, documentAt, iamDocuments, PASSED_TO_SAGEMAKER } from '../support/iam-oracle.js';
import { exampleEntry } from '../support/paths.js';

const ROLE = 'arn:aws:iam::ACCOUNT_ID:role/ML-Role-Pipelines';
const GROUP = 'arn:aws:sagemaker:us-west-2:ACCOUNT_ID:feature-group/mlops_poc_churn_classification_feature';
const GLUE = 'arn:aws:glue:us-west-2:ACCOUNT_ID';
const BUCKET = 'arn:aws:s3:::mlbucket-sagemaker';
const OFFLINE_TABLE = [`${GLUE}:catalog`, `${GLUE}:database/sagemaker_featurestore`, `${GLUE}:table/sagemaker_featurestore/mlops_poc_churn_classification_feature*`];
const PIPELINE = 'arn:aws:sagemaker:us-west-2:ACCOUNT_ID:pipeline/feature-store-ingestion-pipeline';

const churn = () => compileExample(exampleEntry('churn-feature-store'));

test('churn role policy exact', async () => {
  const policy = documentAt(await churn(), 'iam/role-ML-Role-Pipelines.policy.json');
  assert.is(policy.Version, '2012-10-17');
  assert.equal(policy.Statement, [
    allow('RunProcessingJobs', ['sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob', 'sagemaker:StopProcessingJob'], ['arn:aws:sagemaker:us-west-2:ACCOUNT_ID:processing-job/pipelines-*']),
    allow('PassRolesToSageMaker', ['iam:PassRole'], [ROLE], PASSED_TO_SAGEMAKER),
    allow('ReadIngestAssets', ['s3:GetObject'], [`${BUCKET}/mlops/feature_store_poc/assets/*`]),
    allow('ListBucketPrefixes', ['s3:ListBucket'], [BUCKET], { StringLike: { 's3:prefix': ['athena-query-results/*', 'mlops/feature_store_poc/assets/*'] } }),
    allow('RunAthenaQueries', ['athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StartQueryExecution', 'athena:StopQueryExecution'], ['arn:aws:athena:us-west-2:ACCOUNT_ID:workgroup/primary']),
    allow('ReadSourceDatabase', ['glue:GetDatabase'], [`${GLUE}:catalog`, `${GLUE}:database/ml_metrics`]),
    allow('ReadSourceTable', ['glue:GetPartitions', 'glue:GetTable'], [`${GLUE}:catalog`, `${GLUE}:database/ml_metrics`, `${GLUE}:table/ml_metrics/churn_prediction_data`]),
    allow('WriteAthenaResults', ['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject'], [`${BUCKET}/athena-query-results/*`]),
    allow('AthenaResultsBucket', ['s3:GetBucketLocation', 's3:ListBucketMultipartUploads'], [BUCKET]),
    allow('CreateFeatureGroups', ['sagemaker:CreateFeatureGroup', 'sagemaker:DescribeFeatureGroup'], [GROUP]),
    allow('TagFeatureGroups', ['sagemaker:AddTags'], [GROUP]),
    allow('CreateOfflineStoreDatabase', ['glue:CreateDatabase', 'glue:GetDatabase'], [`${GLUE}:catalog`, `${GLUE}:database/sagemaker_featurestore`]),
    allow('CreateOfflineStoreTable', ['glue:CreateTable'], OFFLINE_TABLE),
    allow('WriteFeatureRecords', ['sagemaker:PutRecord'], [GROUP]),
    allow('PublishFailureNotifications', ['sns:Publish'], ['arn:aws:sns:us-west-2:ACCOUNT_ID:ml-model-pipeline-failures']),
    allow('WriteProcessingOutputs', ['s3:PutObject'], [`${BUCKET}/mlops/feature_store_poc/ingestion_output/*`]),
    allow('PullJobImages', ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], ['arn:aws:ecr:us-west-2:ACCOUNT_ID:repository/sagepipe-ingest']),
    allow('GetEcrAuthorizationToken', ['ecr:GetAuthorizationToken'], ['*']),
    allow('WriteJobLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], ['arn:aws:logs:us-west-2:ACCOUNT_ID:log-group:/aws/sagemaker/ProcessingJobs:log-stream:*']),
    allow('JobLogGroup', ['logs:CreateLogGroup', 'logs:DescribeLogStreams'], ['arn:aws:logs:us-west-2:ACCOUNT_ID:log-group:/aws/sagemaker/ProcessingJobs']),
    allow('WriteOfflineStore', ['s3:PutObject', 's3:PutObjectAcl'], [
      `${BUCKET}/mlops/feature_store_poc/offline_store/ACCOUNT_ID/sagemaker/us-west-2/offline-store/mlops_poc_churn_classification_feature-*`,
    ]),
    allow('ReadOfflineStoreBucketAcl', ['s3:GetBucketAcl'], [BUCKET]),
    allow('UpdateOfflineStoreTable', ['glue:GetTable', 'glue:UpdateTable'], OFFLINE_TABLE),
  ]);
});

test('churn role trust exact', async () => {
  const trust = documentAt(await churn(), 'iam/role-ML-Role-Pipelines.trust.json');
  assert.equal(trust, {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AssumeForPipelineAndJobs',
        Effect: 'Allow',
        Principal: { Service: 'sagemaker.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: {
          ArnLike: { 'aws:SourceArn': [`${PIPELINE}/*`, 'arn:aws:sagemaker:us-west-2:ACCOUNT_ID:processing-job/pipelines-*'] },
          StringEquals: { 'aws:SourceAccount': 'ACCOUNT_ID' },
        },
      },
      {
        Sid: 'AssumeForOfflineStore',
        Effect: 'Allow',
        Principal: { Service: 'sagemaker.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': 'ACCOUNT_ID' } },
      },
    ],
  });
});

test('churn deployer policy exact', async () => {
  const policy = documentAt(await churn(), 'iam/deployer.policy.json');
  assert.equal(policy.Statement, [
    allow('DeployPipeline', ['sagemaker:CreatePipeline', 'sagemaker:DescribePipeline', 'sagemaker:UpdatePipeline'], [PIPELINE]),
    allow('PassRolesToSageMaker', ['iam:PassRole'], [ROLE], PASSED_TO_SAGEMAKER),
    allow('TagPipeline', ['sagemaker:AddTags', 'sagemaker:ListTags'], [PIPELINE]),
    allow('StartExecutions', ['sagemaker:StartPipelineExecution'], [PIPELINE]),
    allow('FollowExecutions', ['sagemaker:DescribePipelineExecution', 'sagemaker:ListPipelineExecutionSteps'], [`${PIPELINE}/execution/*`]),
    allow('CreateFeatureGroups', ['sagemaker:CreateFeatureGroup', 'sagemaker:DescribeFeatureGroup'], [GROUP]),
    allow('TagFeatureGroups', ['sagemaker:AddTags'], [GROUP]),
    allow('CreateOfflineStoreDatabase', ['glue:CreateDatabase', 'glue:GetDatabase'], [`${GLUE}:catalog`, `${GLUE}:database/sagemaker_featurestore`]),
    allow('CreateOfflineStoreTable', ['glue:CreateTable'], OFFLINE_TABLE),
    allow('UpdateFeatureGroups', ['sagemaker:UpdateFeatureGroup'], [GROUP]),
    allow('UploadAssets', ['s3:GetObject', 's3:PutObject'], [`${BUCKET}/mlops/feature_store_poc/assets/*`]),
    allow('ListBucketPrefixes', ['s3:ListBucket'], [BUCKET], { StringLike: { 's3:prefix': 'mlops/feature_store_poc/assets/*' } }),
  ]);
});

test('churn deployer trust template', async () => {
  const trust = documentAt(await churn(), 'iam/deployer.trust.json');
  assert.equal(trust.Statement, [
    {
      Sid: 'AssumeFromGitHubActions',
      Effect: 'Allow',
      Principal: { Federated: 'arn:aws:iam::ACCOUNT_ID:oidc-provider/token.actions.githubusercontent.com' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: {
          'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
          'token.actions.githubusercontent.com:sub': 'repo:<owner>/<repository>:ref:refs/heads/main',
        },
      },
    },
  ]);
});

test('churn documents and manifest roles', async () => {
  const result = await churn();
  const listed = (result.artifacts?.manifest.files ?? []).filter((file) => file.path.startsWith('iam/'));
  assert.equal(
    listed.map((file) => [file.path, file.role, file.iamRole ?? null]),
    [
      ['iam/deployer.policy.json', 'iam-policy', 'deployer'],
      ['iam/deployer.trust.json', 'iam-trust-policy', 'deployer'],
      ['iam/review.md', 'iam-review', null],
      ['iam/role-ML-Role-Pipelines.policy.json', 'iam-policy', ROLE],
      ['iam/role-ML-Role-Pipelines.trust.json', 'iam-trust-policy', ROLE],
    ],
  );
  assert.is(iamDocuments(result).length, 4);
});

test('churn lint clean', async () => {
  const result = await churn();
  const findings = result.issues.filter((issue) => issue.code in LINT_CODES);
  assert.equal(findings, []);
});

test('churn derivation gaps', async () => {
  const result = await churn();
  const gaps = result.issues.filter((issue) => issue.code.startsWith('IAM_')).map((issue) => [issue.code, issue.severity, issue.path]);
  assert.equal(gaps, [['IAM_SOURCE_DATA_NOT_DERIVED', 'warning', 'steps.IngestToFeatureStore.ingest.source.dataLocation']]);
});

test('churn review explains shared role', async () => {
  const review = (await churn()).iamReview ?? '';
  assert.match(review, '| `ML-Role-Pipelines` | pipeline execution role; job role of Processing step \'IngestToFeatureStore\'; offline-store role of feature group \'mlops_poc_churn_classification_feature\' |');
  assert.match(review, 'This role serves 3 purposes, so its policy is the union of what each of them needs');
  assert.match(review, 'statement `AssumeForOfflineStore`');
  assert.match(review, 'The lint found no problems in these documents.');
});

test('churn review covers statements', async () => {
  const result = await churn();
  const review = result.iamReview ?? '';
  for (const document of iamDocuments(result).filter((candidate) => candidate.role === 'iam-policy')) {
    for (const statement of document.document.Statement) {
      assert.match(review, `### \`${String(statement['Sid'])}\``, `${document.path} ${String(statement['Sid'])} is missing from the review`);
    }
  }
  assert.match(review, '```mermaid\nflowchart TD\n  s0["IngestToFeatureStore<br/>Processing<br/>runs as ML-Role-Pipelines"]\n```');
  assert.match(review, '- `iam/role-ML-Role-Pipelines.policy.json` statement `GetEcrAuthorizationToken` (`ecr:GetAuthorizationToken`): ecr:GetAuthorizationToken takes no resource');
  assert.match(review, '- `IAM_SOURCE_DATA_NOT_DERIVED` at `steps.IngestToFeatureStore.ingest.source.dataLocation`');
});

test.run();
