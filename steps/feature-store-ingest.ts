import { Execution } from '../dsl/execution.js';
import type { ExpressionValue, IntegerValue, StringValue } from '../dsl/expressions.js';
import type { FeatureGroup } from '../dsl/feature-group.js';
import type { JobStepOptions } from '../dsl/step.js';
import type { IngestConfig, IngestFeature, WriterConfig } from '../runtime/ingest-config.js';
import type { ArgumentTree, FieldPath, RenderContext } from './context.js';
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

const DEFAULT_WRITER: WriterConfig = { concurrency: 16, maxAttempts: 8, baseDelayMs: 100, maxDelayMs: 20_000 };

const SQL_IDENTIFIER = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,254}$/;

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
    const config = this.buildIngestConfig(context, path);
    const configAsset = context.asset({
      fileName: INGEST_CONFIG_FILE,
      kind: 'ingest-config',
      content: new TextEncoder().encode(`${JSON.stringify(config, null, 2)}\n`),
    });
    const bundle = context.runtimeBundle();

    const environment: Record<string, ExpressionValue> = {
      ...this.ingestProps.environment,
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

  /** Builds the ingest config the runtime reads; exported through the step for tests and `run --local`. */
  buildIngestConfig(context: RenderContext, path: FieldPath): IngestConfig {
    const props = this.ingestProps;
    const group = props.featureGroup;
    const createRequest = context.featureGroupRequest(group);
    const eventTimeFrom = props.eventTime ?? 'column';

    const features: IngestFeature[] = group.featureNames.map((featureName) => {
      const settings = group.featureSettings(featureName);
      if (settings === undefined) {
        throw new Error(`feature '${featureName}' vanished from group '${group.name}'`);
      }
      const feature: IngestFeature = {
        name: featureName,
        type: settings.type,
        ...(settings.collectionType !== undefined ? { collectionType: settings.collectionType } : {}),
        ...(settings.vectorDimension !== undefined ? { vectorDimension: settings.vectorDimension } : {}),
        sourceColumn: settings.sourceColumn ?? featureName,
        cleaning: settings.cleaning,
      };
      return feature;
    });

    const selected = features.filter((feature) => !(eventTimeFrom === 'ingest-time' && feature.name === group.props.eventTime));
    selected.forEach((feature) => {
      if (!SQL_IDENTIFIER.test(feature.sourceColumn)) {
        context.report({
          code: 'INVALID_SOURCE_COLUMN',
          path: path.child('features', feature.name, 'sourceColumn'),
          message: `source column '${feature.sourceColumn}' of feature '${feature.name}' cannot be used in the query`,
          value: feature.sourceColumn,
          rule: `source columns match ${SQL_IDENTIFIER.source}`,
          fix: 'map the feature to a plain column name with .from("column_name")',
        });
      }
    });

    const source = props.source;
    const sourcePath = path.child('source');
    const catalog = this.identifier(context, source.catalog ?? 'AwsDataCatalog', sourcePath.child('catalog'), /^[A-Za-z0-9_-]{1,256}$/);
    const database = this.identifier(context, source.database, sourcePath.child('database'), /^[A-Za-z0-9_]{1,255}$/);
    const table = this.identifier(context, source.table, sourcePath.child('table'), /^[A-Za-z0-9_]{1,255}$/);
    const workGroup = this.identifier(context, source.workGroup ?? 'primary', sourcePath.child('workGroup'), /^[a-zA-Z0-9._-]{1,128}$/);
    if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(source.outputLocation)) {
      context.report({
        code: 'INVALID_S3_URI',
        path: sourcePath.child('outputLocation'),
        message: `Athena output location '${source.outputLocation}' is not an S3 URI`,
        value: source.outputLocation,
        rule: 'an S3 URI looks like s3://bucket/prefix/',
        fix: 'set the S3 folder for Athena results, such as s3://my-bucket/athena-query-results/',
      });
    }
    const columns = selected.map((feature) => feature.sourceColumn);
    const quote = (name: string): string => `"${name}"`;
    const query = `SELECT ${columns.map(quote).join(', ')} FROM ${quote(database)}.${quote(table)}`;

    const maxRejectedRows = props.maxRejectedRows ?? 0;
    if (!Number.isSafeInteger(maxRejectedRows) || maxRejectedRows < 0) {
      context.report({
        code: 'INVALID_THRESHOLD',
        path: path.child('maxRejectedRows'),
        message: 'the rejected-row threshold must be a whole number of rows',
        value: maxRejectedRows,
        rule: 'maxRejectedRows ≥ 0',
        fix: 'set 0 to fail on any rejected row, or the largest count you accept',
      });
    }
    const writer: WriterConfig = { ...DEFAULT_WRITER, ...props.writer };
    this.checkWriter(context, writer, path.child('writer'));
    const batchSize = props.batchSize ?? 5000;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > 1_000_000) {
      context.report({
        code: 'INVALID_BATCH_SIZE',
        path: path.child('batchSize'),
        message: 'the batch size must be a whole number of rows',
        value: batchSize,
        rule: '1 ≤ batchSize ≤ 1,000,000',
        fix: 'use the default 5000 unless rows are very wide',
      });
    }

    const config: IngestConfig = {
      schemaVersion: 1,
      stepName: this.name,
      pipelineName: context.pipelineName,
      region: context.region ?? '',
      source: {
        kind: 'athena',
        catalog,
        database,
        table,
        columns,
        query,
        workGroup,
        outputLocation: source.outputLocation,
        resultPath: source.resultPath ?? 'auto',
        apiRowLimit: source.apiRowLimit ?? 10_000,
        queryTimeoutSeconds: source.queryTimeoutSeconds ?? 1800,
      },
      featureGroup: {
        name: group.name,
        recordIdentifierFeatureName: group.props.recordIdentifier,
        eventTimeFeatureName: group.props.eventTime,
        createRequest,
        allowFeatureAdditions: props.allowFeatureAdditions ?? false,
        createTimeoutSeconds: 900,
      },
      features,
      eventTime: { from: eventTimeFrom },
      maxRejectedRows,
      batchSize,
      writer,
      outputPath: INGEST_REPORT_DIR,
      ...(props.notification !== undefined ? { notification: this.notification(context, path.child('notification')) } : {}),
    };
    return config;
  }

  private notification(context: RenderContext, path: FieldPath): { topicArn: string; title: string } {
    const notification = this.ingestProps.notification as IngestNotificationProps;
    const title = notification.title ?? `Feature Store Ingestion - ${this.featureGroup.name}`;
    const subject = `${NOTIFICATION_SUBJECT_PREFIX}${title}`;
    if (subject.length > MAX_NOTIFICATION_SUBJECT_LENGTH || /[\u0000-\u001f\u007f]/.test(title)) {
      context.report({
        code: 'INVALID_NOTIFICATION_SUBJECT',
        path: path.child('title'),
        message: `notification subject '${subject}' cannot be sent by SNS`,
        value: title,
        rule: `SNS subjects are under 100 characters without line breaks or control characters; the title may use ${MAX_NOTIFICATION_SUBJECT_LENGTH - NOTIFICATION_SUBJECT_PREFIX.length}`,
        fix: 'shorten the title and keep it on one line',
      });
    }
    if (!/^arn:aws[a-z-]*:sns:[a-z0-9-]+:[^:]+:[A-Za-z0-9_-]{1,256}(\.fifo)?$/.test(notification.topicArn)) {
      context.report({
        code: 'INVALID_TOPIC_ARN',
        path: path.child('topicArn'),
        message: `'${notification.topicArn}' is not an SNS topic ARN`,
        value: notification.topicArn,
        rule: 'topic ARNs look like arn:aws:sns:<region>:<account>:<topic>',
        fix: 'copy the ARN from the SNS console or `aws sns list-topics`',
      });
    }
    return { topicArn: notification.topicArn, title };
  }

  private identifier(context: RenderContext, value: string, path: FieldPath, pattern: RegExp): string {
    if (!pattern.test(value)) {
      context.report({
        code: 'INVALID_SQL_IDENTIFIER',
        path,
        message: `'${value}' cannot be used as an identifier in the source query`,
        value,
        rule: `identifiers match ${pattern.source}`,
        fix: 'use the plain Glue name, without quotes or dots',
      });
    }
    return value;
  }

  private checkWriter(context: RenderContext, writer: WriterConfig, path: FieldPath): void {
    const checks: [keyof WriterConfig, number, number][] = [
      ['concurrency', 1, 1024],
      ['maxAttempts', 1, 50],
      ['baseDelayMs', 1, 60_000],
      ['maxDelayMs', 1, 600_000],
    ];
    for (const [key, min, max] of checks) {
      const value = writer[key];
      if (!Number.isSafeInteger(value) || value < min || value > max) {
        context.report({
          code: 'INVALID_WRITER_SETTING',
          path: path.child(key),
          message: `writer setting '${key}' is out of range`,
          value,
          rule: `${min} ≤ ${key} ≤ ${max}`,
          fix: `choose a whole number between ${min} and ${max}`,
        });
      }
    }
  }

  private defaultImageUri(context: RenderContext, path: FieldPath): string {
    const role = this.ingestProps.roleArn ?? context.pipelineRoleArn;
    const account = role?.split(':')[4];
    if (account === undefined || account === '' || context.region === undefined) {
      context.report({
        code: 'MISSING_IMAGE_URI',
        path,
        message: `step '${this.name}' has no image and none can be derived`,
        rule: 'the default image needs the role ARN’s account and the pipeline’s region',
        fix: 'set imageUri on the step, or set roleArn and region on the pipeline',
      });
      return '';
    }
    const domain = context.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
    return `${account}.dkr.ecr.${context.region}.${domain}/sagepipe-ingest:${context.sagepipeVersion}`;
  }
}

/** Creates a step that ingests an Athena table into a feature group with sagepipe's runtime. */
export function featureStoreIngest(name: string, props: FeatureStoreIngestProps): FeatureStoreIngestStep {
  return new FeatureStoreIngestStep(name, props);
}
