import { Execution } from '../dsl/execution.js';
import type { ExpressionValue, IntegerValue, StringValue } from '../dsl/expressions.js';
import type { FeatureGroup } from '../dsl/feature-group.js';
import type { JobStepOptions } from '../dsl/step.js';
import type { WriterConfig } from '../runtime/ingest-config.js';
import type { ArgumentTree, FieldPath, RenderContext } from './context.js';
import { featureGroupCreatorNeeds, featureGroupWriterNeeds } from './feature-group-iam.js';
import type { IamContext, IamNeed, S3Location, StepIamNeeds } from './iam.js';
import { assetKeyPrefix, s3ReadNeeds } from './iam-needs.js';
import { buildIngestConfig } from './feature-store-ingest-config.js';
import { ingestAthenaNeeds } from './feature-store-ingest-iam.js';
import { type NetworkProps, ProcessingStep, type ProcessingStepProps } from './processing.js';

/** Container locations of the ingest step's files. */
export const INGEST_CODE_DIR = '/opt/ml/processing/input/code';
export const INGEST_CONFIG_DIR = '/opt/ml/processing/input/config';
export const INGEST_REPORT_DIR = '/opt/ml/processing/output/report';
export const INGEST_CONFIG_FILE = 'ingest-config.json';
export const RUNTIME_BUNDLE_FILE = 'ingest.mjs';

/** Subject prefix of failure notifications; the step's title follows it. */
export const NOTIFICATION_SUBJECT_PREFIX = '[SageMaker Pipeline Failed] ';

/** SNS rejects subjects of 100 characters or more. */
export const MAX_NOTIFICATION_SUBJECT_LENGTH = 99;

/** The Athena table the step reads. */
export interface AthenaSourceProps {
  readonly database: string;
  readonly table: string;
  /** @default 'AwsDataCatalog' */
  readonly catalog?: string;
  /** @default 'primary' */
  readonly workGroup?: string;
  /** S3 folder for Athena's result files. */
  readonly outputLocation: string;
  /**
   * S3 folder of the table's data files, which Athena reads with the job's role. Only the job
   * role's policy uses it. @default - unset: no read access to the data is derived, and compile warns
   */
  readonly dataLocation?: string;
  /** How to read results; see the runtime docs. @default 'auto' */
  readonly resultPath?: 'auto' | 'api' | 's3-csv';
  /** In `auto` mode, results with more rows than this are streamed from the S3 CSV. @default 10000 */
  readonly apiRowLimit?: number;
  /** @default 1800 */
  readonly queryTimeoutSeconds?: number;
}

/** Failure notification settings. */
export interface IngestNotificationProps {
  readonly topicArn: string;
  /** Follows `[SageMaker Pipeline Failed] ` in the subject. @default 'Feature Store Ingestion - <feature group>' */
  readonly title?: string;
}

/** Settings of a feature-store ingest step. */
export interface FeatureStoreIngestProps extends JobStepOptions {
  readonly featureGroup: FeatureGroup;
  readonly source: AthenaSourceProps;
  /** `column`: read from the source; `ingest-time`: every row gets the run's start time. @default 'column' */
  readonly eventTime?: 'column' | 'ingest-time';
  /** Rejected rows or failed records above this count fail the step. @default 0 */
  readonly maxRejectedRows?: number;
  /** S3 folder for the report, the rejects and the failures files. */
  readonly reportDestination: StringValue;
  /** @default sagepipe-ingest:<version> in the role's account and the pipeline's region */
  readonly imageUri?: StringValue;
  readonly instanceType: StringValue;
  /** @default 30 */
  readonly volumeSizeInGB?: IntegerValue;
  /** Role the job runs as. @default - the pipeline's role */
  readonly roleArn?: string;
  readonly notification?: IngestNotificationProps;
  /** Bounds of the record writer. @default concurrency 16, 8 attempts, 100 ms to 20 s backoff */
  readonly writer?: Partial<WriterConfig>;
  /** Rows cleaned per batch. @default 5000 */
  readonly batchSize?: number;
  /** Add features missing from an existing group (never remove or retype). @default false */
  readonly allowFeatureAdditions?: boolean;
  readonly maxRuntimeInSeconds?: IntegerValue;
  readonly network?: NetworkProps;
  readonly tags?: Readonly<Record<string, string>>;
  /** Extra environment variables of the job; sagepipe adds its own SAGEPIPE_* variables. */
  readonly environment?: Readonly<Record<string, ExpressionValue>>;
}



/**
 * A Processing step that runs sagepipe's ingest runtime: it reads the source with Athena, cleans
 * the rows by the feature declarations, creates the feature group if needed, writes the records
 * and reports. The compiler writes its settings into an ingest config asset.
 */
export class FeatureStoreIngestStep extends ProcessingStep<'code' | 'config', 'report', never> {
  override readonly localExecution = 'ingest' as const;

  constructor(
    name: string,
    readonly ingestProps: FeatureStoreIngestProps,
  ) {
    super(name, {
      ...ingestProps,
      imageUri: ingestProps.imageUri ?? '',
      inputs: [
        { name: 'code', source: '', destination: INGEST_CODE_DIR },
        { name: 'config', source: '', destination: INGEST_CONFIG_DIR },
      ],
      outputs: [{ name: 'report', source: INGEST_REPORT_DIR, destination: ingestProps.reportDestination }],
    });
  }

  get featureGroup(): FeatureGroup {
    return this.ingestProps.featureGroup;
  }

  override renderArguments(context: RenderContext): ArgumentTree {
    const path = context.stepPath.child('ingest');
    const config = buildIngestConfig(this, context, path);
    const configAsset = context.asset({
      fileName: INGEST_CONFIG_FILE,
      kind: 'ingest-config',
      content: new TextEncoder().encode(`${JSON.stringify(config, null, 2)}\n`),
    });
    const bundle = context.runtimeBundle();

    const environment: Record<string, ExpressionValue> = {
      ...this.ingestProps.environment,
      SAGEPIPE_PIPELINE_NAME: context.pipelineName,
      SAGEPIPE_STEP_NAME: this.name,
      // NOTE: assumes SageMaker resolves Execution.ProcessingJobName to this step's own job, as the
      // SDK documents for processing steps; the runtime falls back to /opt/ml/config otherwise.
      SAGEPIPE_PROCESSING_JOB_NAME: Execution.ProcessingJobName,
    };
    if (this.ingestProps.notification !== undefined) {
      // The runtime reads these before its config, so it can report a config it cannot read.
      environment['SAGEPIPE_NOTIFY_TOPIC_ARN'] = this.ingestProps.notification.topicArn;
      environment['SAGEPIPE_NOTIFY_TITLE'] = config.notification?.title ?? '';
    }
    const props: ProcessingStepProps = {
      ...this.props,
      environment,
      imageUri: this.ingestProps.imageUri ?? this.defaultImageUri(context, path.child('imageUri')),
      instanceCount: 1,
      entrypoint: ['node', `${INGEST_CODE_DIR}/${bundle.fileName}`],
      arguments: ['--config', `${INGEST_CONFIG_DIR}/${configAsset.fileName}`],
      inputs: [
        { name: 'code', source: bundle.s3Uri, destination: INGEST_CODE_DIR },
        { name: 'config', source: configAsset.s3Uri, destination: INGEST_CONFIG_DIR },
      ],
    };
    return new ProcessingStep(this.name, props).renderArguments(context);
  }





  private defaultImageUri(context: RenderContext, path: FieldPath): string {
    const image = defaultIngestImageUri(this.ingestProps.roleArn ?? context.pipelineRoleArn, context.region, context.sagepipeVersion);
    if (image === undefined) {
      context.report({
        code: 'MISSING_IMAGE_URI',
        path,
        message: `step '${this.name}' has no image and none can be derived`,
        rule: 'the default image needs the role ARN’s account and the pipeline’s region',
        fix: 'set imageUri on the step, or set roleArn and region on the pipeline',
      });
      return '';
    }
    return image;
  }

  /**
   * Declares the step's permissions. The pipeline role runs the processing job. The job's role
   * downloads the runtime and its config, queries Athena over the Glue catalog and reads the
   * results. It also creates and writes the feature group, uploads the report, notifies SNS,
   * pulls the image and writes logs.
   */
  override iamNeeds(context: IamContext): StepIamNeeds {
    const roleArn = this.jobRoleArn(context);
    const props = this.ingestProps;
    const path = context.stepPath.child('ingest');
    const needs: IamNeed[] = [];

    if (context.assets !== undefined) {
      const keyPrefix = assetKeyPrefix(context.assets.prefix);
      const assets: S3Location = { bucket: context.assets.bucket, keyPrefix, keyPattern: keyPrefix, exact: true };
      needs.push(...s3ReadNeeds(context, assets, 'ReadIngestAssets', "SageMaker downloads the runtime bundle and the ingest config into the container with the job's role"));
    }
    needs.push(...ingestAthenaNeeds(this, context, path.child('source')));
    needs.push(...featureGroupCreatorNeeds(context, props.featureGroup, `step '${this.name}'`));
    needs.push(...featureGroupWriterNeeds(context, props.featureGroup, { addFeatures: props.allowFeatureAdditions ?? false }));
    if (props.notification !== undefined) {
      needs.push({
        sid: 'PublishFailureNotifications',
        actions: ['sns:Publish'],
        resources: [props.notification.topicArn],
        reason: 'the ingest runtime publishes a failure notification to the topic when the step fails',
      });
    }

    const image = props.imageUri ?? defaultIngestImageUri(roleArn, context.arn.region, context.sagepipeVersion) ?? '';
    needs.push(...this.jobRoleNeeds(context, [], image));
    return {
      pipelineRole: this.pipelineRoleNeeds(context, roleArn),
      jobRole: { roleArn, needs, sourceArns: context.arn.sagemaker('processing-job', `${context.jobNamePrefix}-*`) },
    };
  }

}

/**
 * Returns the default ingest image: `sagepipe-ingest:<version>` in ECR of the role's account and
 * the pipeline's Region, or undefined when either is unknown.
 */
export function defaultIngestImageUri(roleArn: string | undefined, region: string | undefined, version: string): string | undefined {
  const account = roleArn?.split(':')[4];
  if (account === undefined || account === '' || region === undefined) {
    return undefined;
  }
  const domain = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `${account}.dkr.ecr.${region}.${domain}/sagepipe-ingest:${version}`;
}

/** Creates a step that ingests an Athena table into a feature group with sagepipe's runtime. */
export function featureStoreIngest(name: string, props: FeatureStoreIngestProps): FeatureStoreIngestStep {
  return new FeatureStoreIngestStep(name, props);
}
