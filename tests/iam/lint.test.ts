import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resourceFitsPattern } from '../../compiler/iam/action-data.js';
import { LINT_CODES, type LintCode, type LintDocument, lintDocuments } from '../../compiler/iam/lint.js';
import type { Issue } from '../../compiler/issues.js';
import { REPO_ROOT } from '../support/paths.js';

const FILE = 'iam/broad.policy.json';
const ROLE = 'arn:aws:iam::123456789012:role/JobRole';
const PASSED = { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } };

function identity(...statements: Record<string, unknown>[]): LintDocument {
  return { file: FILE, kind: 'identity', document: { Version: '2012-10-17', Statement: statements } };
}

function trust(...statements: Record<string, unknown>[]): LintDocument {
  return { file: 'iam/broad.trust.json', kind: 'trust', document: { Version: '2012-10-17', Statement: statements } };
}

function allow(sid: string, action: unknown, resource: unknown, condition?: Record<string, unknown>): Record<string, unknown> {
  return { Sid: sid, Effect: 'Allow', Action: action, Resource: resource, ...(condition !== undefined ? { Condition: condition } : {}) };
}

const sageMakerPrincipal = { Service: 'sagemaker.amazonaws.com' };
const githubProvider = { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' };

/** A deliberately broad or broken input, the finding it must produce, and where. */
interface LintCase {
  readonly name: string;
  readonly code: LintCode;
  readonly document: LintDocument;
  readonly path: string;
  /** Text the message must contain, naming the offending part. */
  readonly message: string;
}

const cases: readonly LintCase[] = [
  { name: 'old version', code: 'IAM_INVALID_DOCUMENT', document: { file: FILE, kind: 'identity', document: { Version: '2008-10-17', Statement: [allow('Read', 's3:GetObject', 'arn:aws:s3:::b/k')] } }, path: FILE, message: 'has Version "2008-10-17"' },
  { name: 'no statements', code: 'IAM_INVALID_DOCUMENT', document: identity(), path: FILE, message: 'has no statements' },
  { name: 'repeated sid', code: 'IAM_INVALID_DOCUMENT', document: identity(allow('Read', 's3:GetObject', 'arn:aws:s3:::b/a'), allow('Read', 's3:GetObject', 'arn:aws:s3:::b/c')), path: `${FILE}#Read`, message: 'repeats a Sid' },
  { name: 'sid punctuation', code: 'IAM_INVALID_DOCUMENT', document: identity(allow('Read-Objects', 's3:GetObject', 'arn:aws:s3:::b/k')), path: `${FILE}#Read-Objects`, message: 'characters other than letters and digits' },
  { name: 'not action', code: 'IAM_INVALID_DOCUMENT', document: identity({ Sid: 'All', Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }), path: `${FILE}#All`, message: 'uses NotAction' },
  { name: 'principal in identity', code: 'IAM_INVALID_DOCUMENT', document: identity({ ...allow('Read', 's3:GetObject', 'arn:aws:s3:::b/k'), Principal: '*' }), path: `${FILE}#Read`, message: 'has a Principal' },
  { name: 'empty resources', code: 'IAM_INVALID_DOCUMENT', document: identity(allow('Read', 's3:GetObject', [])), path: `${FILE}#Read`, message: 'lists no resources' },
  { name: 'trust without principal', code: 'IAM_INVALID_DOCUMENT', document: trust({ Sid: 'Assume', Effect: 'Allow', Action: 'sts:AssumeRole' }), path: 'iam/broad.trust.json#Assume', message: 'names no Principal' },
  { name: 'misspelled service', code: 'IAM_UNKNOWN_SERVICE', document: identity(allow('Run', 'sagemakr:CreateProcessingJob', '*')), path: `${FILE}#Run`, message: "unknown service 'sagemakr'" },
  { name: 'misspelled action', code: 'IAM_UNKNOWN_ACTION', document: identity(allow('Run', 'sagemaker:CreateProcessingJobs', 'arn:aws:sagemaker:us-east-1:123456789012:processing-job/pipelines-*')), path: `${FILE}#Run`, message: "'sagemaker:CreateProcessingJobs'" },
  { name: 'newer action', code: 'IAM_ACTION_NEWER_THAN_DATA', document: identity(allow('Write', 'sagemaker:BatchWriteRecord', 'arn:aws:sagemaker:us-east-1:123456789012:feature-group/churn')), path: `${FILE}#Write`, message: "'sagemaker:BatchWriteRecord'" },
  { name: 'service wildcard', code: 'IAM_WILDCARD_ACTION', document: identity(allow('All', 'sagemaker:*', 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/p')), path: `${FILE}#All`, message: "action pattern 'sagemaker:*'" },
  { name: 'partial wildcard', code: 'IAM_WILDCARD_ACTION', document: identity(allow('Describe', 'sagemaker:DescribeProcessing*', 'arn:aws:sagemaker:us-east-1:123456789012:processing-job/p')), path: `${FILE}#Describe`, message: 'matches 1 action(s)' },
  { name: 'star where scoped', code: 'IAM_RESOURCE_STAR', document: identity(allow('Jobs', ['sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob'], '*')), path: `${FILE}#Jobs`, message: 'sagemaker:CreateProcessingJob, sagemaker:DescribeProcessingJob on "*"' },
  { name: 'object action on bucket', code: 'IAM_RESOURCE_MISMATCH', document: identity(allow('Read', 's3:GetObject', 'arn:aws:s3:::mlbucket')), path: `${FILE}#Read`, message: "'arn:aws:s3:::mlbucket' of statement 'Read'" },
  { name: 'arn for star-only action', code: 'IAM_RESOURCE_MISMATCH', document: identity(allow('Token', 'ecr:GetAuthorizationToken', 'arn:aws:ecr:us-east-1:123456789012:repository/r')), path: `${FILE}#Token`, message: 'fits no ARN pattern of ecr:GetAuthorizationToken' },
  { name: 'region and account wildcard', code: 'IAM_RESOURCE_SPANS_ACCOUNTS', document: identity(allow('Records', 'sagemaker:PutRecord', 'arn:aws:sagemaker:*:*:feature-group/churn')), path: `${FILE}#Records`, message: 'wildcard in its partition, service, Region or account' },
  { name: 'passrole role pattern', code: 'IAM_PASSROLE_WILDCARD', document: identity(allow('Pass', 'iam:PassRole', 'arn:aws:iam::123456789012:role/*', PASSED)), path: `${FILE}#Pass`, message: "iam:PassRole on 'arn:aws:iam::123456789012:role/*'" },
  { name: 'passrole on star', code: 'IAM_PASSROLE_WILDCARD', document: identity(allow('Pass', 'iam:PassRole', '*', PASSED)), path: `${FILE}#Pass`, message: "iam:PassRole on '*'" },
  { name: 'passrole unconditioned', code: 'IAM_PASSROLE_UNCONDITIONED', document: identity(allow('Pass', 'iam:PassRole', ROLE)), path: `${FILE}#Pass`, message: 'without limiting the service' },
  { name: 'passrole to any service', code: 'IAM_PASSROLE_UNCONDITIONED', document: identity(allow('Pass', 'iam:PassRole', ROLE, { StringEquals: { 'iam:PassedToService': '*' } })), path: `${FILE}#Pass`, message: 'without limiting the service' },
  {
    name: 'passrole pattern with jobs',
    code: 'IAM_PRIVILEGE_ESCALATION',
    document: identity(allow('Pass', 'iam:PassRole', 'arn:aws:iam::123456789012:role/ml-*', PASSED), allow('Train', 'sagemaker:CreateTrainingJob', 'arn:aws:sagemaker:us-east-1:123456789012:training-job/pipelines-*')),
    path: `${FILE}#Pass`,
    message: 'run code as them with sagemaker:CreateTrainingJob',
  },
  { name: 'role policy change', code: 'IAM_PRIVILEGE_ESCALATION', document: identity(allow('Grant', 'iam:PutRolePolicy', ROLE)), path: `${FILE}#Grant`, message: 'grants iam:PutRolePolicy' },
  { name: 'whole bucket write', code: 'IAM_S3_BUCKET_WRITE', document: identity(allow('Write', ['s3:GetObject', 's3:PutObject'], 'arn:aws:s3:::mlbucket-sagemaker/*')), path: `${FILE}#Write`, message: 'grants s3:PutObject on a whole bucket' },
  { name: 'key of other action', code: 'IAM_UNKNOWN_CONDITION_KEY', document: identity(allow('Read', 's3:GetObject', 'arn:aws:s3:::b/k*', { StringLike: { 's3:prefix': 'k*' } })), path: `${FILE}#Read`, message: "condition key 's3:prefix' of statement 'Read' of iam/broad.policy.json does not apply to s3:GetObject" },
  { name: 'key not in data', code: 'IAM_UNKNOWN_CONDITION_KEY', document: identity(allow('Run', 'sagemaker:CreateProcessingJob', 'arn:aws:sagemaker:us-east-1:123456789012:processing-job/p', { StringEquals: { 'sagemaker:JobColor': 'blue' } })), path: `${FILE}#Run`, message: 'is not in the IAM reference data' },
  { name: 'arn operator on string', code: 'IAM_CONDITION_TYPE_MISMATCH', document: identity(allow('Pass', 'iam:PassRole', ROLE, { ...PASSED, ArnLike: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } })), path: `${FILE}#Pass`, message: "compares String key 'iam:PassedToService' with operator 'ArnLike'" },
  { name: 'set operator single key', code: 'IAM_CONDITION_TYPE_MISMATCH', document: identity(allow('List', 's3:ListBucket', 'arn:aws:s3:::b', { 'ForAllValues:StringLike': { 's3:prefix': 'data/*' } })), path: `${FILE}#List`, message: "applies ForAllValues to single-valued key 's3:prefix'" },
  { name: 'unknown operator', code: 'IAM_CONDITION_TYPE_MISMATCH', document: identity(allow('List', 's3:ListBucket', 'arn:aws:s3:::b', { StringMatches: { 's3:prefix': 'data/' } })), path: `${FILE}#List`, message: "unknown condition operator 'StringMatches'" },
  { name: 'wildcard without like', code: 'IAM_CONDITION_WILDCARD', document: identity(allow('List', 's3:ListBucket', 'arn:aws:s3:::b', { StringEquals: { 's3:prefix': 'data/*' } })), path: `${FILE}#List`, message: "wildcard in the value of 's3:prefix'" },
  { name: 'any aws principal', code: 'IAM_TRUST_WILDCARD_PRINCIPAL', document: trust({ Sid: 'Anyone', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }), path: 'iam/broad.trust.json#Anyone', message: 'trusts every AWS principal' },
  { name: 'not principal', code: 'IAM_TRUST_WILDCARD_PRINCIPAL', document: trust({ Sid: 'Others', Effect: 'Allow', NotPrincipal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'sts:AssumeRole' }), path: 'iam/broad.trust.json#Others', message: 'uses NotPrincipal with Allow' },
  { name: 'service without source', code: 'IAM_TRUST_UNCONDITIONED', document: trust({ Sid: 'SageMaker', Effect: 'Allow', Principal: sageMakerPrincipal, Action: 'sts:AssumeRole' }), path: 'iam/broad.trust.json#SageMaker', message: 'on behalf of any account' },
  {
    name: 'oidc without sub',
    code: 'IAM_TRUST_UNCONDITIONED',
    document: trust({ Sid: 'GitHub', Effect: 'Allow', Principal: githubProvider, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } } }),
    path: 'iam/broad.trust.json#GitHub',
    message: 'without a sub condition',
  },
  {
    name: 'github any repository',
    code: 'IAM_TRUST_UNCONDITIONED',
    document: trust({
      Sid: 'GitHub',
      Effect: 'Allow',
      Principal: githubProvider,
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' }, StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:my-org/*' } },
    }),
    path: 'iam/broad.trust.json#GitHub',
    message: 'more than one GitHub repository',
  },
  {
    name: 'oversized policy',
    code: 'IAM_POLICY_TOO_LARGE',
    document: identity(...Array.from({ length: 60 }, (_, index) => allow(`Read${index}`, 's3:GetObject', `arn:aws:s3:::mlbucket-sagemaker/tenants/tenant-${index}/datasets/*`))),
    path: FILE,
    message: 'characters without whitespace, more than a managed policy allows',
  },
];

for (const lintCase of cases) {
  test(`lint ${lintCase.name}`, () => {
    const findings = lintDocuments([lintCase.document]);
    const matching = findings.filter((finding) => finding.code === lintCase.code);
    assert.is(matching.length, 1, `expected one ${lintCase.code}, got ${JSON.stringify(findings, null, 2)}`);
    const finding = matching[0] as Issue;
    assert.is(finding.severity, LINT_CODES[lintCase.code].severity);
    assert.is(finding.path, lintCase.path);
    assert.match(finding.message, lintCase.message);
    assert.is(finding.rule, LINT_CODES[lintCase.code].rule);
    assert.ok((finding.fix ?? '').length > 0, 'the finding has no fix');
  });
}

test('every lint code has a case', () => {
  const covered = new Set(cases.map((lintCase) => lintCase.code));
  assert.equal(Object.keys(LINT_CODES).filter((code) => !covered.has(code as LintCode)), []);
});

test('docs list every lint code', () => {
  const docs = readFileSync(join(REPO_ROOT, 'docs', 'iam.md'), 'utf8');
  for (const [code, info] of Object.entries(LINT_CODES)) {
    assert.match(docs, `| \`${code}\` | ${info.severity} |`, `docs/iam.md does not list ${code} as ${info.severity}`);
  }
});

test('lint accepts scoped documents', () => {
  const findings = lintDocuments([
    identity(
      allow('Jobs', ['sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob'], ['arn:aws:sagemaker:us-east-1:123456789012:processing-job/pipelines-*']),
      allow('Pass', 'iam:PassRole', ROLE, PASSED),
      allow('List', 's3:ListBucket', 'arn:aws:s3:::b', { StringLike: { 's3:prefix': ['data/*', 'runs/*/train*'] } }),
      allow('Token', 'ecr:GetAuthorizationToken', '*'),
      allow('Grant', 'kms:CreateGrant', 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab', { Bool: { 'kms:GrantIsForAWSResource': 'true' } }),
    ),
    trust({
      Sid: 'SageMaker',
      Effect: 'Allow',
      Principal: sageMakerPrincipal,
      Action: 'sts:AssumeRole',
      Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/p/*' }, StringEquals: { 'aws:SourceAccount': '123456789012' } },
    }),
  ]);
  assert.equal(findings, []);
});

test('lint reports every finding', () => {
  const findings = lintDocuments([identity(allow('Seed', ['sagemaker:CreatePipeline', 's3:PutObject'], '*'), allow('Pass', 'iam:PassRole', '*'))]);
  assert.equal(
    findings.map((finding) => finding.code),
    ['IAM_RESOURCE_STAR', 'IAM_S3_BUCKET_WRITE', 'IAM_PASSROLE_WILDCARD', 'IAM_PASSROLE_UNCONDITIONED', 'IAM_PRIVILEGE_ESCALATION'],
  );
});

test('pattern matcher slots', () => {
  const bucket = 'arn:${Partition}:s3:::${BucketName}';
  const object = 'arn:${Partition}:s3:::${BucketName}/${ObjectName}';
  assert.ok(resourceFitsPattern('arn:aws:s3:::b', bucket));
  assert.not.ok(resourceFitsPattern('arn:aws:s3:::b/*', bucket));
  assert.ok(resourceFitsPattern('arn:aws:s3:::b/runs/*/train*', object));
  assert.not.ok(resourceFitsPattern('arn:aws:s3:::b', object));
  assert.ok(resourceFitsPattern('arn:aws-cn:s3:::b', bucket));
  assert.not.ok(resourceFitsPattern('arn:*:s3:::b', bucket));
  const stream = 'arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}';
  assert.ok(resourceFitsPattern('arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/TrainingJobs:log-stream:*', stream));
  assert.not.ok(resourceFitsPattern('arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/TrainingJobs', stream));
});

test.run();
