import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, type CompileResult } from '../../compiler/compile.js';
import type { Issue } from '../../compiler/issues.js';
import {
  Condition,
  conditionStep,
  Execution,
  failStep,
  feature,
  featureGroup,
  featureStoreIngest,
  param,
  pipeline,
  type PipelineProps,
  processingStep,
  type ProcessingStepProps,
  str,
  trainingStep,
} from '../../dsl/index.js';
import { allow, documentAt, iamDocuments, PASSED_TO_SAGEMAKER } from '../support/iam-oracle.js';

const ACCOUNT = '123456789012';
const PIPELINE_ROLE = `arn:aws:iam::${ACCOUNT}:role/PipelineRole`;
const IMAGE = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/prep:1`;
const OPTIONS = { sagepipeVersion: '0.1.0', runtimeBundle: new Uint8Array([1, 2, 3]) };

function processing(name: string, overrides: Partial<ProcessingStepProps> = {}) {
  return processingStep(name, {
    imageUri: IMAGE,
    instanceType: 'ml.m5.xlarge',
    inputs: [{ name: 'data', source: 's3://data-bucket/raw/', destination: '/opt/ml/processing/input/data' }],
    outputs: [{ name: 'out', source: '/opt/ml/processing/output', destination: 's3://data-bucket/prepared/' }],
    ...overrides,
  });
}

function compileSteps(props: Partial<PipelineProps> & Pick<PipelineProps, 'steps'>, name = 'test-pipeline'): CompileResult {
  return compile(pipeline(name, { roleArn: PIPELINE_ROLE, region: 'us-east-1', ...props }), OPTIONS);
}

function codes(result: CompileResult, prefix = 'IAM_'): string[] {
  return result.issues.filter((issue) => issue.code.startsWith(prefix)).map((issue) => issue.code);
}

function issue(result: CompileResult, code: string): Issue {
  const found = result.issues.find((candidate) => candidate.code === code);
  if (found === undefined) {
    throw new Error(`no ${code} among ${result.issues.map((candidate) => candidate.code).join(', ')}`);
  }
  return found;
}

function statementsOf(result: CompileResult, path: string): Record<string, unknown>[] {
  return [...documentAt(result, path).Statement];
}

function sid(result: CompileResult, path: string, name: string): Record<string, unknown> | undefined {
  return statementsOf(result, path).find((statement) => statement['Sid'] === name);
}

test('passrole pattern stops compile', () => {
  const result = compileSteps({ steps: [processing('Prep', { roleArn: `arn:aws:iam::${ACCOUNT}:role/*` })] });
  assert.is(result.artifacts, undefined);
  const finding = issue(result, 'IAM_PASSROLE_WILDCARD');
  assert.is(finding.severity, 'error');
  assert.is(finding.path, 'iam/role-PipelineRole.policy.json#PassRolesToSageMaker');
  assert.is(issue(result, 'IAM_PRIVILEGE_ESCALATION').severity, 'error');
  assert.match(result.iamReview ?? '', '**error IAM_PASSROLE_WILDCARD** at `iam/role-PipelineRole.policy.json#PassRolesToSageMaker`');
});

test('validation errors skip iam', () => {
  const result = compileSteps({ steps: [processing('Prep', { instanceType: 'm5.large' })] });
  assert.is(result.artifacts, undefined);
  assert.ok(result.issues.some((candidate) => candidate.code === 'INVALID_VALUE'));
  assert.equal(codes(result), []);
  assert.is(result.iamReview, undefined);
});

test('whole bucket output warns', () => {
  const result = compileSteps({
    steps: [processing('Prep', { outputs: [{ name: 'out', source: '/opt/ml/processing/output', destination: 's3://data-bucket/' }] })],
  });
  assert.ok(result.artifacts);
  const finding = issue(result, 'IAM_S3_BUCKET_WRITE');
  assert.is(finding.severity, 'warning');
  assert.is(finding.path, 'iam/role-PipelineRole.policy.json#WriteProcessingOutputs');
});

test('parameter location not derived', () => {
  const inputUri = param.string('InputUri', { default: 's3://data-bucket/raw/' });
  const result = compileSteps({
    parameters: [inputUri],
    steps: [processing('Prep', { inputs: [{ name: 'data', source: inputUri, destination: '/opt/ml/processing/input/data' }] })],
  });
  assert.ok(result.artifacts);
  const gap = issue(result, 'IAM_LOCATION_NOT_DERIVED');
  assert.is(gap.severity, 'warning');
  assert.is(gap.path, 'steps.Prep.arguments.processingInputs[0].s3Input.s3Uri');
  assert.match(gap.message, "no S3 permission is derived for processing input 'data': the value is String parameter 'InputUri', so the bucket is only known at run time");
  assert.is(sid(result, 'iam/role-PipelineRole.policy.json', 'ReadProcessingInputs'), undefined);
});

test('parameter image not derived', () => {
  const image = param.string('Image', { default: IMAGE });
  const result = compileSteps({ parameters: [image], steps: [processing('Prep', { imageUri: image })] });
  const gap = issue(result, 'IAM_IMAGE_NOT_DERIVED');
  assert.is(gap.path, 'steps.Prep.arguments.appSpecification.imageUri');
  assert.is(sid(result, 'iam/role-PipelineRole.policy.json', 'PullJobImages'), undefined);
});

test('missing region skips iam', () => {
  const result = compile(pipeline('test-pipeline', { roleArn: PIPELINE_ROLE, steps: [processing('Prep')] }), OPTIONS);
  assert.ok(result.artifacts);
  assert.equal(codes(result), ['IAM_NOT_DERIVED']);
  assert.equal(iamDocuments(result), []);
  assert.is(result.iamReview, undefined);
});

test('partition follows region', () => {
  const china = compile(
    pipeline('test-pipeline', {
      roleArn: `arn:aws-cn:iam::${ACCOUNT}:role/PipelineRole`,
      region: 'cn-north-1',
      steps: [processing('Prep', { imageUri: `${ACCOUNT}.dkr.ecr.cn-north-1.amazonaws.com.cn/prep:1` })],
    }),
    OPTIONS,
  );
  assert.equal(sid(china, 'iam/role-PipelineRole.policy.json', 'RunProcessingJobs')?.['Resource'], [`arn:aws-cn:sagemaker:cn-north-1:${ACCOUNT}:processing-job/pipelines-*`]);
  assert.equal(sid(china, 'iam/role-PipelineRole.policy.json', 'PullJobImages')?.['Resource'], [`arn:aws-cn:ecr:cn-north-1:${ACCOUNT}:repository/prep`]);
  assert.equal(sid(china, 'iam/role-PipelineRole.policy.json', 'ReadProcessingInputs')?.['Resource'], ['arn:aws-cn:s3:::data-bucket/raw/*']);
  assert.equal(codes(china), []);

  const govCloud = compile(
    pipeline('test-pipeline', { roleArn: `arn:aws-us-gov:iam::${ACCOUNT}:role/PipelineRole`, region: 'us-gov-west-1', steps: [processing('Prep')] }),
    OPTIONS,
  );
  assert.equal(sid(govCloud, 'iam/role-PipelineRole.policy.json', 'RunProcessingJobs')?.['Resource'], [`arn:aws-us-gov:sagemaker:us-gov-west-1:${ACCOUNT}:processing-job/pipelines-*`]);
});

test('mixed case names listed twice', () => {
  const result = compileSteps({ steps: [processing('Prep')] }, 'ChurnPipeline');
  assert.equal(sid(result, 'iam/deployer.policy.json', 'DeployPipeline')?.['Resource'], [
    `arn:aws:sagemaker:us-east-1:${ACCOUNT}:pipeline/ChurnPipeline`,
    `arn:aws:sagemaker:us-east-1:${ACCOUNT}:pipeline/churnpipeline`,
  ]);
  const trust = documentAt(result, 'iam/role-PipelineRole.trust.json').Statement[0] as { Condition: { ArnLike: Record<string, unknown> } };
  assert.equal(trust.Condition.ArnLike['aws:SourceArn'], [
    `arn:aws:sagemaker:us-east-1:${ACCOUNT}:pipeline/ChurnPipeline/*`,
    `arn:aws:sagemaker:us-east-1:${ACCOUNT}:pipeline/churnpipeline/*`,
    `arn:aws:sagemaker:us-east-1:${ACCOUNT}:processing-job/pipelines-*`,
  ]);
});

test('nested branch steps collected', () => {
  const flag = param.boolean('Train', { default: true });
  const train = trainingStep('Train', {
    imageUri: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/train:1`,
    instanceType: 'ml.m5.xlarge',
    roleArn: `arn:aws:iam::${ACCOUNT}:role/TrainRole`,
    outputPath: 's3://model-bucket/models/',
  });
  const inner = conditionStep('Inner', { conditions: [Condition.equals(flag, true)], ifSteps: [train] });
  const outer = conditionStep('Outer', { conditions: [Condition.equals(flag, true)], ifSteps: [inner] });
  const result = compileSteps({ parameters: [flag], steps: [outer] });
  assert.ok(result.artifacts, JSON.stringify(result.issues));
  assert.equal(statementsOf(result, 'iam/role-PipelineRole.policy.json'), [
    allow('RunTrainingJobs', ['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob'], [`arn:aws:sagemaker:us-east-1:${ACCOUNT}:training-job/pipelines-*`]),
    allow('PassRolesToSageMaker', ['iam:PassRole'], [`arn:aws:iam::${ACCOUNT}:role/TrainRole`], PASSED_TO_SAGEMAKER),
  ]);
  assert.equal(sid(result, 'iam/role-TrainRole.policy.json', 'WriteModelArtifacts')?.['Resource'], ['arn:aws:s3:::model-bucket/models/*']);
});

test('kms keys scoped', () => {
  const keyId = '1234abcd-12ab-34cd-56ef-1234567890ab';
  const outputKey = `arn:aws:kms:us-east-1:${ACCOUNT}:key/abcd1234-12ab-34cd-56ef-1234567890ab`;
  const result = compileSteps({ steps: [processing('Prep', { volumeKmsKeyId: keyId, outputKmsKeyId: outputKey })] });
  const path = 'iam/role-PipelineRole.policy.json';
  const volumeKey = `arn:aws:kms:us-east-1:${ACCOUNT}:key/${keyId}`;
  assert.equal(sid(result, path, 'GrantVolumeKey'), allow('GrantVolumeKey', ['kms:CreateGrant'], [volumeKey], { Bool: { 'kms:GrantIsForAWSResource': 'true' } }));
  assert.equal(sid(result, path, 'DescribeVolumeKey'), allow('DescribeVolumeKey', ['kms:DescribeKey'], [volumeKey]));
  assert.equal(
    sid(result, path, 'EncryptProcessingOutputs'),
    allow('EncryptProcessingOutputs', ['kms:Decrypt', 'kms:GenerateDataKey'], [outputKey], { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } }),
  );
  assert.equal(codes(result), []);
});

test('kms alias not derived', () => {
  const result = compileSteps({ steps: [processing('Prep', { outputKmsKeyId: 'alias/ml-outputs' })] });
  const gap = issue(result, 'IAM_KEY_NOT_DERIVED');
  assert.is(gap.path, 'steps.Prep.arguments.processingOutputConfig.kmsKeyId');
  assert.match(gap.message, "the KMS key for the processing outputs is 'alias/ml-outputs'");
});

test('vpc job reports gap', () => {
  const result = compileSteps({ steps: [processing('Prep', { network: { vpc: { securityGroupIds: ['sg-0123'], subnets: ['subnet-0123'] } } })] });
  assert.is(issue(result, 'IAM_VPC_NOT_DERIVED').path, 'steps.Prep.arguments.networkConfig.vpcConfig');
});

test('step output resolves location', () => {
  const prep = processingStep('Prep', {
    imageUri: IMAGE,
    instanceType: 'ml.m5.xlarge',
    outputs: [{ name: 'out', source: '/opt/ml/processing/output', destination: str`s3://data-bucket/runs/${Execution.PipelineExecutionId}/prepared` }],
  });
  const next = processing('Next', { inputs: [{ name: 'data', source: prep.properties.outputs.out.s3Uri, destination: '/opt/ml/processing/input/data' }], outputs: [] });
  const result = compileSteps({ steps: [prep, next] });
  assert.equal(sid(result, 'iam/role-PipelineRole.policy.json', 'ReadProcessingInputs')?.['Resource'], ['arn:aws:s3:::data-bucket/runs/*/prepared*']);
  assert.equal(sid(result, 'iam/role-PipelineRole.policy.json', 'WriteProcessingOutputs')?.['Resource'], ['arn:aws:s3:::data-bucket/runs/*/prepared/*']);
});

const group = featureGroup({
  name: 'customers',
  recordIdentifier: 'id',
  eventTime: 'time',
  features: { id: feature.string(), time: feature.string() },
  offlineStore: {
    s3Uri: 's3://store-bucket/offline',
    tableFormat: 'Iceberg',
    kmsKeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:key/11112222-3333-4444-5555-666677778888`,
  },
  onlineStore: { enabled: true, kmsKeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:key/99990000-3333-4444-5555-666677778888` },
  roleArn: `arn:aws:iam::${ACCOUNT}:role/OfflineStoreRole`,
});

function ingestPipeline(source: Partial<Parameters<typeof featureStoreIngest>[1]['source']> = {}): CompileResult {
  const ingest = featureStoreIngest('Ingest', {
    featureGroup: group,
    source: { database: 'raw', table: 'customers', outputLocation: 's3://query-bucket/results/', dataLocation: 's3://lake-bucket/raw/customers/', ...source },
    instanceType: 'ml.m5.xlarge',
    reportDestination: 's3://report-bucket/reports/',
    roleArn: `arn:aws:iam::${ACCOUNT}:role/IngestRole`,
    allowFeatureAdditions: true,
  });
  return compileSteps({ steps: [ingest], assets: { bucket: 'asset-bucket', prefix: 'sagepipe' } });
}

test('ingest data location scoped', () => {
  const result = ingestPipeline();
  const path = 'iam/role-IngestRole.policy.json';
  assert.equal(sid(result, path, 'ReadSourceData'), allow('ReadSourceData', ['s3:GetObject'], ['arn:aws:s3:::lake-bucket/raw/customers/*']));
  const lists = statementsOf(result, path).filter((statement) => statement['Sid'] === 'ListBucketPrefixes' || statement['Sid'] === 'ListBucketPrefixes2' || statement['Sid'] === 'ListBucketPrefixes3');
  assert.equal(
    lists.map((statement) => [statement['Resource'], statement['Condition']]),
    [
      [['arn:aws:s3:::asset-bucket'], { StringLike: { 's3:prefix': 'sagepipe/assets/*' } }],
      [['arn:aws:s3:::lake-bucket'], { StringLike: { 's3:prefix': 'raw/customers/*' } }],
      [['arn:aws:s3:::query-bucket'], { StringLike: { 's3:prefix': 'results/*' } }],
    ],
  );
  assert.equal(sid(result, path, 'AddFeatures'), allow('AddFeatures', ['sagemaker:UpdateFeatureGroup'], [`arn:aws:sagemaker:us-east-1:${ACCOUNT}:feature-group/customers`]));
  assert.equal(codes(result), []);
});

test('separate offline store role', () => {
  const result = ingestPipeline();
  assert.equal(
    sid(result, 'iam/role-IngestRole.policy.json', 'PassRolesToSageMaker'),
    allow('PassRolesToSageMaker', ['iam:PassRole'], [`arn:aws:iam::${ACCOUNT}:role/OfflineStoreRole`], PASSED_TO_SAGEMAKER),
  );
  assert.equal(
    sid(result, 'iam/role-PipelineRole.policy.json', 'PassRolesToSageMaker'),
    allow('PassRolesToSageMaker', ['iam:PassRole'], [`arn:aws:iam::${ACCOUNT}:role/IngestRole`], PASSED_TO_SAGEMAKER),
  );
  assert.equal(statementsOf(result, 'iam/role-OfflineStoreRole.policy.json'), [
    allow('WriteOfflineStore', ['s3:GetObject', 's3:PutObject', 's3:PutObjectAcl'], [`arn:aws:s3:::store-bucket/offline/${ACCOUNT}/sagemaker/us-east-1/offline-store/customers-*`]),
    allow('ReadOfflineStoreBucketAcl', ['s3:GetBucketAcl'], ['arn:aws:s3:::store-bucket']),
    allow('UpdateOfflineStoreTable', ['glue:GetTable', 'glue:UpdateTable'], [
      `arn:aws:glue:us-east-1:${ACCOUNT}:catalog`,
      `arn:aws:glue:us-east-1:${ACCOUNT}:database/sagemaker_featurestore`,
      `arn:aws:glue:us-east-1:${ACCOUNT}:table/sagemaker_featurestore/customers*`,
    ]),
    allow('UseOfflineStoreKey', ['kms:Decrypt', 'kms:GenerateDataKey'], [`arn:aws:kms:us-east-1:${ACCOUNT}:key/11112222-3333-4444-5555-666677778888`]),
  ]);
  assert.equal(documentAt(result, 'iam/role-OfflineStoreRole.trust.json').Statement, [
    {
      Sid: 'AssumeForOfflineStore',
      Effect: 'Allow',
      Principal: { Service: 'sagemaker.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
    },
  ]);
  const onlineKey = sid(result, 'iam/role-IngestRole.policy.json', 'UseOnlineStoreKey');
  assert.equal(onlineKey?.['Condition'], { StringEquals: { 'kms:ViaService': 'sagemaker.us-east-1.amazonaws.com' } });
});

test('other catalog reports gap', () => {
  const result = ingestPipeline({ catalog: 'lambda_catalog' });
  assert.is(issue(result, 'IAM_CATALOG_NOT_DERIVED').path, 'steps.Ingest.ingest.source.catalog');
  assert.equal(sid(result, 'iam/role-IngestRole.policy.json', 'ReadSourceDataCatalog')?.['Resource'], [`arn:aws:athena:us-east-1:${ACCOUNT}:datacatalog/lambda_catalog`]);
  assert.is(sid(result, 'iam/role-IngestRole.policy.json', 'ReadSourceTable'), undefined);
});

test('assets scope deployer uploads', () => {
  const small = compileSteps({ steps: [processing('Prep')], assets: { bucket: 'asset-bucket', prefix: 'team/ml' } });
  assert.equal(sid(small, 'iam/deployer.policy.json', 'UploadAssets'), allow('UploadAssets', ['s3:GetObject', 's3:PutObject'], ['arn:aws:s3:::asset-bucket/team/ml/assets/*']));
  assert.is(sid(small, 'iam/deployer.policy.json', 'UploadDefinition'), undefined);

  const longArguments = Array.from({ length: 200 }, (_, index) => `--option-${index}=${'x'.repeat(600)}`);
  const large = compileSteps({ steps: [processing('Prep', { arguments: longArguments })], assets: { bucket: 'asset-bucket', prefix: 'team/ml' } });
  assert.ok(large.issues.some((candidate) => candidate.code === 'DEFINITION_DEPLOYED_THROUGH_S3'));
  assert.equal(sid(large, 'iam/deployer.policy.json', 'UploadDefinition'), allow('UploadDefinition', ['s3:GetObject', 's3:PutObject'], ['arn:aws:s3:::asset-bucket/team/ml/*']));
});

test('role without permissions', () => {
  const flag = param.boolean('Go', { default: true });
  const result = compileSteps({ parameters: [flag], steps: [conditionStep('Check', { conditions: [Condition.equals(flag, true)], elseSteps: [failStep('Stop')] })] });
  assert.ok(result.artifacts, JSON.stringify(result.issues));
  assert.equal(
    iamDocuments(result).map((document) => document.path),
    ['iam/role-PipelineRole.trust.json', 'iam/deployer.policy.json', 'iam/deployer.trust.json'],
  );
  assert.match(result.iamReview ?? '', '| `PipelineRole` | pipeline execution role | none | `iam/role-PipelineRole.trust.json` |');
});

test('compile twice identical', () => {
  const first = ingestPipeline();
  const second = ingestPipeline();
  const bytes = (result: CompileResult): [string, string][] =>
    (result.artifacts?.files ?? []).filter((file) => file.path.startsWith('iam/')).map((file) => [file.path, new TextDecoder().decode(file.content)]);
  assert.ok(bytes(first).length > 0);
  assert.equal(bytes(second), bytes(first));
});

test.run();
