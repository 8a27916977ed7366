import type { IssueInput } from '../compiler/issues.js';
import type { JsonGet, StringValue } from '../dsl/expressions.js';
import type { Step } from '../dsl/step.js';
import type { FieldPath } from './context.js';

/** The principal SageMaker services use to assume the roles a pipeline hands them. */
export const SAGEMAKER_SERVICE = 'sagemaker.amazonaws.com';

/**
 * A statement's `Condition` block: operator (such as `StringEquals`) to condition key to one
 * value or a list of values, as IAM policies write it.
 */
export type IamConditions = Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;

/**
 * One permission a role needs: the actions, the exact resources and the conditions, with the
 * reason shown on the review page. The compiler merges needs into policy statements.
 */
export interface IamNeed {
  /** Base of the statement id, letters and digits only, such as `StartProcessingJobs`. */
  readonly sid: string;
  /** Actions as `service:Action`. */
  readonly actions: readonly string[];
  /** Resource ARNs; `*` only for actions that take no resource. */
  readonly resources: readonly string[];
  readonly conditions?: IamConditions;
  /** The reason the role needs this, in one sentence. */
  readonly reason: string;
  /** The reason a resource ends in a wildcard or is `*`, when one does. */
  readonly scope?: string;
}

/** A step's permissions: those of the pipeline execution role, and those of the role its job runs as. */
export interface StepIamNeeds {
  /** Permissions SageMaker Pipelines uses, with the pipeline's role, to run the step. */
  readonly pipelineRole: readonly IamNeed[];
  /** The role the step hands to its job; absent when the job runs as another resource's role. */
  readonly jobRole?: {
    readonly roleArn: string;
    readonly needs: readonly IamNeed[];
    /** ARNs of the jobs that assume the role, for the `aws:SourceArn` condition of its trust policy. */
    readonly sourceArns: readonly string[];
  };
}

/**
 * Builds the ARNs of one pipeline's account and Region. Every SageMaker name is returned in the
 * given case and in lower case, because SageMaker writes names in lower case in the ARNs it
 * returns, and a policy that lists both matches whichever form the service evaluates.
 */
export interface ArnBuilder {
  /** `aws`, `aws-cn` or `aws-us-gov`, derived from the Region. */
  readonly partition: string;
  readonly region: string;
  /** The account of the pipeline's role ARN. */
  readonly account: string;
  /** Host suffix of the Region's service endpoints, such as `amazonaws.com`. */
  readonly dnsSuffix: string;

  sagemaker(resourceType: string, name: string): string[];
  role(roleArn: string): string;
  s3Bucket(bucket: string): string;
  /** Object ARN for a key or key pattern (which may contain `*`). */
  s3Object(bucket: string, keyPattern: string): string;
  glueCatalog(): string;
  glueDatabase(database: string): string;
  glueTable(database: string, tablePattern: string): string;
  athenaWorkGroup(name: string): string;
  athenaDataCatalog(name: string): string;
  logGroup(name: string): string;
  logStreams(groupName: string): string;
  ecrRepository(account: string, region: string, repository: string): string;
  kmsKey(keyId: string): string;
}

/** An S3 location as far as the compiler can tell before the pipeline runs. */
export interface S3Location {
  readonly bucket: string;
  /** Every key at this location starts with this text. */
  readonly keyPrefix: string;
  /** The whole key with `*` in place of each run-time value; equals `keyPrefix` when exact. */
  readonly keyPattern: string;
  /** True when the whole URI is literal; false when a run-time value follows `keyPrefix`. */
  readonly exact: boolean;
}

/** A value that the compiler cannot turn into a resource, reported as a warning. */
export type IamGap = Omit<IssueInput, 'path' | 'severity'> & { readonly path: FieldPath };

/**
 * The compiler's side of a step's `iamNeeds`: the ARN builder, the pipeline's names, and helpers
 * that turn configured values into resources or report why they cannot.
 */
export interface IamContext {
  readonly stepPath: FieldPath;
  readonly arn: ArnBuilder;
  readonly pipelineName: string;
  readonly pipelineRoleArn: string;
  /** Version of sagepipe doing the compile, which names the default ingest image. */
  readonly sagepipeVersion: string;
  /**
   * Prefix of the job names SageMaker Pipelines generates: jobs of a step that sets no job name
   * are named `pipelines-<execution id>-<step name>-<suffix>`.
   */
  readonly jobNamePrefix: string;
  /** Every `Std:JsonGet` in the step's own arguments. */
  readonly jsonGets: readonly JsonGet[];
  /** The bucket and key prefix of the pipeline's assets, when it has any. */
  readonly assets: { readonly bucket: string; readonly prefix: string } | undefined;

  /**
   * Resolves an S3 URI value (a literal, a join, or a step property that points at another
   * step's configured location) to what is known before the run. Reports a warning naming
   * `use` and returns undefined when the bucket is only known at run time.
   */
  s3Location(value: unknown, path: FieldPath, use: string): S3Location | undefined;

  /** Reports a value the compiler cannot derive permissions for, as a warning. */
  gap(gap: IamGap): void;

  /** Adds a sentence to the review page, for facts a reviewer must act on. */
  note(text: string): void;
}

/** A step kind that declares its IAM needs. Every step kind of sagepipe does. */
export interface IamDeclaring {
  iamNeeds(context: IamContext): StepIamNeeds;
}

/** True when the step kind declares its IAM needs. */
export function declaresIam(step: Step): step is Step & IamDeclaring {
  return typeof (step as Partial<IamDeclaring>).iamNeeds === 'function';
}

/** The location of a property file: the output's S3 destination and the file's path below it. */
export interface PropertyFileLocation {
  readonly destination: StringValue;
  readonly filePath: string;
}

/** The configured S3 URI behind a step property. */
export interface S3PropertyTarget {
  readonly uri: StringValue;
  /** True when the property names an object below `uri` whose key the job chooses, such as a model artifact. */
  readonly below: boolean;
}

/**
 * A step that returns the configured S3 location one of its properties points to, such as a
 * Processing step's `ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri`.
 */
export interface S3PropertySource {
  propertyS3Source(propertyPath: string): S3PropertyTarget | undefined;
}

/** A step that writes property files, which other steps read through `Std:JsonGet`. */
export interface PropertyFileSource {
  propertyFileLocation(name: string): PropertyFileLocation | undefined;
}
