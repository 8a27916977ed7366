import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveS3Location } from '../../compiler/iam/s3-location.js';
import { type AttributedNeed, buildStatements, identityPolicyJson } from '../../compiler/iam/statements.js';
import { Execution, join, param, processingStep, str, trainingStep } from '../../dsl/index.js';

function need(sid: string, actions: string[], resources: string[], extra: Partial<AttributedNeed> = {}): AttributedNeed {
  return { sid, actions, resources, reason: `${sid} reason`, neededBy: "step 'A'", ...extra };
}

test('identical needs fold once', () => {
  const statements = buildStatements([
    need('ReadA', ['s3:GetObject'], ['arn:aws:s3:::b/a/*']),
    need('ReadB', ['s3:GetObject'], ['arn:aws:s3:::b/a/*'], { neededBy: "step 'B'", reason: 'B reason' }),
  ]);
  assert.is(statements.length, 1);
  assert.is(statements[0]?.sid, 'ReadA');
  assert.equal(statements[0]?.neededBy, ["step 'A'", "step 'B'"]);
  assert.equal(statements[0]?.reasons, ['ReadA reason', 'B reason']);
});

test('condition values join', () => {
  const list = (prefix: string): AttributedNeed => need('List', ['s3:ListBucket'], ['arn:aws:s3:::b'], { conditions: { StringLike: { 's3:prefix': prefix } } });
  const statements = buildStatements([list('z/*'), list('a/*'), list('a/*')]);
  assert.equal(identityPolicyJson(statements), {
    Version: '2012-10-17',
    Statement: [{ Sid: 'List', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::b'], Condition: { StringLike: { 's3:prefix': ['a/*', 'z/*'] } } }],
  });
});

test('same sid joins resources', () => {
  const statements = buildStatements([
    need('Pass', ['iam:PassRole'], ['arn:aws:iam::1:role/B'], { conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } } }),
    need('Pass', ['iam:PassRole'], ['arn:aws:iam::1:role/A'], { conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } } }),
  ]);
  assert.equal(statements.map((statement) => statement.resources), [['arn:aws:iam::1:role/A', 'arn:aws:iam::1:role/B']]);
});

test('other sids stay apart', () => {
  const statements = buildStatements([
    need('AthenaResultsBucket', ['s3:GetBucketLocation'], ['arn:aws:s3:::b']),
    need('ReadOfflineStoreBucketAcl', ['s3:GetBucketAcl'], ['arn:aws:s3:::b']),
  ]);
  assert.equal(statements.map((statement) => [statement.sid, statement.actions]), [
    ['AthenaResultsBucket', ['s3:GetBucketLocation']],
    ['ReadOfflineStoreBucketAcl', ['s3:GetBucketAcl']],
  ]);
});

test('repeated sids numbered', () => {
  const statements = buildStatements([
    need('List', ['s3:ListBucket'], ['arn:aws:s3:::one'], { conditions: { StringLike: { 's3:prefix': 'a/*' } } }),
    need('List', ['s3:ListBucket'], ['arn:aws:s3:::two'], { conditions: { StringLike: { 's3:prefix': 'b/*' } } }),
  ]);
  assert.equal(statements.map((statement) => statement.sid), ['List', 'List2']);
});

test('location of literal uri', () => {
  assert.equal(resolveS3Location('s3://bucket/data/train'), { location: { bucket: 'bucket', keyPrefix: 'data/train', keyPattern: 'data/train', exact: true } });
  assert.equal(resolveS3Location('s3://bucket'), { location: { bucket: 'bucket', keyPrefix: '', keyPattern: '', exact: true } });
  assert.equal(resolveS3Location('https://bucket/data'), { reason: "'https://bucket/data' is not an S3 URI" });
});

test('location of joins', () => {
  const run = str`s3://bucket/runs/${Execution.PipelineExecutionId}/train`;
  assert.equal(resolveS3Location(run), { location: { bucket: 'bucket', keyPrefix: 'runs/', keyPattern: 'runs/*/train', exact: false } });
  const joined = join(['s3://bucket', 'runs', Execution.PipelineExecutionId, 'eval'], '/');
  assert.equal(resolveS3Location(joined), { location: { bucket: 'bucket', keyPrefix: 'runs/', keyPattern: 'runs/*/eval', exact: false } });
  const bucket = param.string('Bucket');
  assert.equal(resolveS3Location(str`s3://${bucket}/data`), { reason: "the value after 's3://' is String parameter 'Bucket', so the bucket is only known at run time" });
  assert.equal(resolveS3Location(str`s3://data-${bucket}/x`), { reason: "the value after 's3://data-' is String parameter 'Bucket', so the bucket is only known at run time" });
});

test('location of step properties', () => {
  const prep = processingStep('Prep', {
    imageUri: 'image',
    instanceType: 'ml.m5.xlarge',
    outputs: [{ name: 'train', source: '/opt/ml/processing/train', destination: 's3://bucket/prepared/train' }],
  });
  assert.equal(resolveS3Location(prep.properties.outputs.train.s3Uri), { location: { bucket: 'bucket', keyPrefix: 'prepared/train', keyPattern: 'prepared/train', exact: true } });
  const fit = trainingStep('Fit', { imageUri: 'image', instanceType: 'ml.m5.xlarge', outputPath: 's3://bucket/models' });
  assert.equal(resolveS3Location(fit.properties.modelArtifacts.s3ModelArtifacts), { location: { bucket: 'bucket', keyPrefix: 'models/', keyPattern: 'models/*', exact: false } });
  assert.equal(resolveS3Location(fit.properties.trainingJobName), { reason: "the value is property 'TrainingJobName' of step 'Fit', so the bucket is only known at run time" });
});

test.run();
