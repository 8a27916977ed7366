import { isExpression } from '../dsl/expressions.js';
import type { FieldPath } from './context.js';
import {
  type IamContext,
  type IamNeed,
  type PropertyFileSource,
  type S3Location,
  SAGEMAKER_SERVICE,
} from './iam.js';

/** Returns the key prefix below which compile places the assets, for a pipeline's asset prefix. */
export function assetKeyPrefix(prefix: string): string {
  return prefix === '' ? 'assets/' : `${prefix}/assets/`;
}

/** A job kind, as the pipeline role's permissions name it. */
export interface JobKindSpec {
  /** SageMaker resource type of the job, such as `processing-job`. */
  readonly resourceType: string;
  /** The job noun of the API actions, such as `ProcessingJob`. */
  readonly actionNoun: string;
  /** The job kind in words, such as `processing job`. */
  readonly label: string;
}

/**
 * Declares the pipeline role's permissions to start, watch and stop a job of one kind, on the job
 * names SageMaker Pipelines generates, plus `sagemaker:AddTags` when the step tags its job.
 */
export function startJobNeeds(context: IamContext, kind: JobKindSpec, tagged: boolean): IamNeed[] {
  const jobs = context.arn.sagemaker(kind.resourceType, `${context.jobNamePrefix}-*`);
  const scope = `jobs a pipeline starts are named ${context.jobNamePrefix}-<execution id>-<step name>-<suffix>, so the name after the prefix is only known at run time`;
  const needs: IamNeed[] = [
    {
      sid: `Run${kind.actionNoun}s`,
      actions: [`sagemaker:Create${kind.actionNoun}`, `sagemaker:Describe${kind.actionNoun}`, `sagemaker:Stop${kind.actionNoun}`],
      resources: jobs,
      reason: `SageMaker Pipelines creates the step's ${kind.label}, polls it until it ends, and stops it when the execution is stopped`,
      scope,
    },
  ];
  if (tagged) {
    needs.push({
      sid: `Tag${kind.actionNoun}s`,
      actions: ['sagemaker:AddTags'],
      resources: jobs,
      reason: `the step sets tags, and Create${kind.actionNoun} with tags also needs sagemaker:AddTags`,
      scope,
    });
  }
  return needs;
}

/** Declares `iam:PassRole` on exactly the given roles, only towards SageMaker. */
export function passRoleNeed(roleArns: readonly string[], reason: string): IamNeed {
  return {
    sid: 'PassRolesToSageMaker',
    actions: ['iam:PassRole'],
    resources: [...roleArns],
    conditions: { StringEquals: { 'iam:PassedToService': SAGEMAKER_SERVICE } },
    reason,
  };
}

/** Returns the object-key pattern of everything an `S3Prefix` read at this location can return. */
export function readKeyPattern(location: S3Location): string {
  return location.keyPattern.endsWith('*') ? location.keyPattern : `${location.keyPattern}*`;
}

/** Returns the object-key pattern of everything a job writes into this location, treated as a folder. */
export function writeKeyPattern(location: S3Location): string {
  const pattern = location.keyPattern;
  if (pattern.endsWith('*')) {
    return pattern;
  }
  return pattern === '' || pattern.endsWith('/') ? `${pattern}*` : `${pattern}/*`;
}

function wildcardScope(location: S3Location): string {
  return location.exact
    ? 'covers every object below the configured prefix'
    : 'the key continues with a value only known at run time (for example an execution id)';
}

/**
 * Declares read access to the objects below a location: `s3:GetObject` on the keys, and
 * `s3:ListBucket` limited by `s3:prefix`, because SageMaker and Athena list a prefix before reading.
 */
export function s3ReadNeeds(context: IamContext, location: S3Location, sid: string, reason: string): IamNeed[] {
  const pattern = readKeyPattern(location);
  return [
    {
      sid,
      actions: ['s3:GetObject'],
      resources: [context.arn.s3Object(location.bucket, pattern)],
      reason,
      scope: wildcardScope(location),
    },
    {
      sid: 'ListBucketPrefixes',
      actions: ['s3:ListBucket'],
      resources: [context.arn.s3Bucket(location.bucket)],
      conditions: { StringLike: { 's3:prefix': pattern } },
      reason: `listing the keys below the prefixes that are read (${reason})`,
    },
  ];
}

/** Declares write access to the objects below a location, which a job treats as a folder. */
export function s3WriteNeeds(context: IamContext, location: S3Location, sid: string, reason: string): IamNeed[] {
  return [
    {
      sid,
      actions: ['s3:PutObject'],
      resources: [context.arn.s3Object(location.bucket, writeKeyPattern(location))],
      reason,
      scope: wildcardScope(location),
    },
  ];
}

/**
 * Declares `s3:GetObject` on each property file the step reads through `Std:JsonGet`, because
 * SageMaker Pipelines reads the file with the pipeline role when it evaluates the expression.
 */
export function propertyFileReadNeeds(context: IamContext): IamNeed[] {
  const needs: IamNeed[] = [];
  const seen = new Set<string>();
  for (const jsonGet of context.jsonGets) {
    const fileId = `${jsonGet.step.name}\u0000${jsonGet.propertyFileName}`;
    if (seen.has(fileId)) {
      continue;
    }
    seen.add(fileId);

    const source = jsonGet.step as unknown as Partial<PropertyFileSource>;
    const file = source.propertyFileLocation?.(jsonGet.propertyFileName);
    if (file === undefined) {
      // The compiler already reports JsonGets on unknown property files as errors.
      continue;
    }
    const what = `property file '${jsonGet.propertyFileName}' of step '${jsonGet.step.name}'`;
    const location = context.s3Location(file.destination, context.stepPath, what);
    if (location === undefined) {
      continue;
    }
    const folder = location.keyPattern.replace(/\/+$/, '');
    const key = folder === '' ? file.filePath : `${folder}/${file.filePath}`;
    needs.push({
      sid: 'ReadPropertyFiles',
      actions: ['s3:GetObject'],
      resources: [context.arn.s3Object(location.bucket, key)],
      reason: `SageMaker Pipelines reads ${what} to evaluate a Std:JsonGet`,
      ...(location.exact ? {} : { scope: 'the output folder of the property file is only known at run time (for example an execution id)' }),
    });
  }
  return needs;
}

/** The log group SageMaker sends a job kind's output to. */
export type JobLogGroup = '/aws/sagemaker/ProcessingJobs' | '/aws/sagemaker/TrainingJobs';

/** Declares the CloudWatch Logs access that SageMaker uses, with the job's role, to store the container's output. */
export function jobLogNeeds(context: IamContext, group: JobLogGroup): IamNeed[] {
  return [
    {
      sid: 'WriteJobLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [context.arn.logStreams(group)],
      reason: `SageMaker writes the job's standard output and error to log streams in ${group} with the job's role`,
      scope: 'each job writes to streams named after its generated job name and host',
    },
    {
      sid: 'JobLogGroup',
      actions: ['logs:CreateLogGroup', 'logs:DescribeLogStreams'],
      resources: [context.arn.logGroup(group)],
      reason: `SageMaker creates ${group} on first use and looks up its streams with the job's role`,
    },
  ];
}

const ECR_IMAGE = /^([^./]+)\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([a-z0-9][a-z0-9._\/-]*?)(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

/**
 * Declares ECR pull access for the job's image: the three image-read actions on the repository,
 * and `ecr:GetAuthorizationToken`, which takes no resource.
 */
export function ecrPullNeeds(context: IamContext, imageUri: unknown, path: FieldPath): IamNeed[] {
  if (isExpression(imageUri)) {
    context.gap({
      code: 'IAM_IMAGE_NOT_DERIVED',
      path,
      message: `the image is ${imageUri.describe()}, so its ECR repository is only known at run time and no ECR pull permission is derived`,
      value: imageUri,
      rule: 'ECR pull permissions are scoped to the repository of a literal image URI',
      fix: "use a literal image URI, or grant the job role ecr:BatchGetImage, ecr:GetDownloadUrlForLayer and ecr:BatchCheckLayerAvailability on the repositories the parameter may name",
    });
    return [];
  }
  const match = typeof imageUri === 'string' ? ECR_IMAGE.exec(imageUri) : null;
  if (match === null) {
    context.gap({
      code: 'IAM_IMAGE_NOT_DERIVED',
      path,
      message: `image '${String(imageUri)}' is not an ECR image URI, so no ECR pull permission is derived`,
      value: imageUri,
      rule: 'ECR image URIs look like <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>',
      fix: 'push the image to ECR, or grant the access the registry needs outside sagepipe',
    });
    return [];
  }
  const [, account, region, repository] = match as unknown as [string, string, string, string];
  return [
    {
      sid: 'PullJobImages',
      actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      resources: [context.arn.ecrRepository(account, region, repository)],
      reason: "SageMaker pulls the job's container image with the job's role",
    },
    {
      sid: 'GetEcrAuthorizationToken',
      actions: ['ecr:GetAuthorizationToken'],
      resources: ['*'],
      reason: 'SageMaker gets a registry token before it pulls a private ECR image',
      scope: 'ecr:GetAuthorizationToken takes no resource, so IAM accepts only "*"; the token allows nothing beyond the repository permissions granted separately',
    },
  ];
}

const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:[^:]+:key\/[A-Za-z0-9-]+$/;
const KEY_ID = /^(mrk-)?[0-9a-f-]{32,36}$/;

/** Resolves a configured KMS key to its key ARN, or reports why it cannot. */
export function kmsKeyArn(context: IamContext, value: unknown, path: FieldPath, use: string): string | undefined {
  if (typeof value === 'string' && KEY_ARN.test(value)) {
    return value;
  }
  if (typeof value === 'string' && KEY_ID.test(value)) {
    return context.arn.kmsKey(value);
  }
  const described = isExpression(value) ? value.describe() : `'${String(value)}'`;
  context.gap({
    code: 'IAM_KEY_NOT_DERIVED',
    path,
    message: `the KMS key for ${use} is ${described}, which does not name a key, so no KMS permission is derived for it`,
    value,
    rule: 'KMS permissions are scoped to key ARNs; aliases and run-time values do not name a key',
    fix: 'set the key ARN (arn:<partition>:kms:<region>:<account>:key/<id>) or the key id',
  });
  return undefined;
}

/**
 * Declares what a job's role needs for an encrypted storage volume. SageMaker creates a grant on
 * the key for the instance's volume, so the grant is limited to AWS resources.
 */
export function volumeKeyNeeds(keyArn: string): IamNeed[] {
  return [
    {
      sid: 'GrantVolumeKey',
      actions: ['kms:CreateGrant'],
      resources: [keyArn],
      conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      reason: "SageMaker creates a grant on the volume key for the job's storage volume",
    },
    {
      sid: 'DescribeVolumeKey',
      actions: ['kms:DescribeKey'],
      resources: [keyArn],
      reason: 'SageMaker checks the volume key before it creates the grant',
    },
  ];
}

/** Declares the KMS access S3 uses to write SSE-KMS objects with a key: data keys for new objects and multipart parts. */
export function s3KeyNeeds(context: IamContext, keyArn: string, sid: string, reason: string): IamNeed[] {
  return [
    {
      sid,
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: [keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${context.arn.region}.${context.arn.dnsSuffix}` } },
      reason,
    },
  ];
}

/** Reports that a job's VPC settings need EC2 permissions sagepipe does not emit. */
export function reportVpcGap(context: IamContext, path: FieldPath): void {
  context.gap({
    code: 'IAM_VPC_NOT_DERIVED',
    path,
    message: "the job runs in a VPC, and the EC2 network-interface permissions its role needs are not derived",
    rule: 'VPC jobs need ec2:CreateNetworkInterface, CreateNetworkInterfacePermission, DeleteNetworkInterface, DeleteNetworkInterfacePermission and the Describe calls for VPCs, subnets, security groups, DHCP options and network interfaces; the SageMaker guide warns that resource filters or conditions on them make job validation fail, so they cannot be scoped',
    fix: "grant those actions to the job's role outside sagepipe, and review them separately",
  });
}
