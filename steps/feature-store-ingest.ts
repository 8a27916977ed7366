import { Execution } from '../dsl/execution.js';
import type { ExpressionValue, IntegerValue, StringValue } from '../dsl/expressions.js';
import type { FeatureGroup } from '../dsl/feature-group.js';
import type { JobStepOptions } from '../dsl/step.js';
import type { IngestConfig, IngestFeature, WriterConfig } from '../runtime/ingest-config.js';
import type { ArgumentTree, FieldPath, RenderContext } from './context.js';
import { featureGroupCreatorNeeds, featureGroupWriterNeeds } from './feature-group-iam.js';
import type { IamContext, IamNeed, S3Location, StepIamNeeds } from './iam.js';
import { assetKeyPrefix, readKeyPattern, s3ReadNeeds } from './iam-needs.js';
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

    const readers = new Map<string, string>();
    for (const feature of selected) {
      const column = feature.sourceColumn.toLowerCase();
      const other = readers.get(column);
      if (other !== undefined) {
        context.report({
          code: 'DUPLICATE_SOURCE_COLUMN',
          path: path.child('features', feature.name, 'sourceColumn'),
          message: `features '${other}' and '${feature.name}' both read source column '${feature.sourceColumn}'`,
          value: feature.sourceColumn,
          rule: 'each feature reads its own source column; column names are compared ignoring case, as Athena stores them in lower case',
          fix: `read '${feature.name}' from another column with .from("column_name"), or rename one of the features`,
        });
      }
      readers.set(column, feature.name);
    }

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
    needs.push(...this.athenaNeeds(context, path.child('source')));
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

  /** Athena runs the query with the caller's rights: the workgroup, the Glue catalog and both S3 folders. */
  private athenaNeeds(context: IamContext, path: FieldPath): IamNeed[] {
    const source = this.ingestProps.source;
    const catalog = source.catalog ?? 'AwsDataCatalog';
    const table = `${source.database}.${source.table}`;
    const needs: IamNeed[] = [
      {
        sid: 'RunAthenaQueries',
        actions: ['athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:StartQueryExecution', 'athena:StopQueryExecution'],
        resources: [context.arn.athenaWorkGroup(source.workGroup ?? 'primary')],
        reason: `the ingest runtime queries ${table} in workgroup '${source.workGroup ?? 'primary'}', polls the query, pages its results and stops it on timeout`,
      },
    ];

    if (catalog === 'AwsDataCatalog') {
      // Glue stores database and table names in lower case, and ARNs name them that way.
      const database = source.database.toLowerCase();
      const glueTable = source.table.toLowerCase();
      needs.push(
        {
          sid: 'ReadSourceDatabase',
          actions: ['glue:GetDatabase'],
          resources: [context.arn.glueCatalog(), context.arn.glueDatabase(database)],
          reason: `Athena reads the Glue database of ${table} with the caller's rights`,
        },
        {
          sid: 'ReadSourceTable',
          actions: ['glue:GetPartitions', 'glue:GetTable'],
          resources: [context.arn.glueCatalog(), context.arn.glueDatabase(database), context.arn.glueTable(database, glueTable)],
          reason: `Athena reads the Glue table and partitions of ${table} with the caller's rights`,
        },
      );
    } else {
      needs.push({
        sid: 'ReadSourceDataCatalog',
        actions: ['athena:GetDataCatalog'],
        resources: [context.arn.athenaDataCatalog(catalog)],
        reason: `the query reads data catalog '${catalog}'`,
      });
      context.gap({
        code: 'IAM_CATALOG_NOT_DERIVED',
        path: path.child('catalog'),
        message: `the source uses data catalog '${catalog}', whose own permissions are not derived`,
        value: catalog,
        rule: 'sagepipe derives Glue permissions for AwsDataCatalog only; other catalogs (Lambda or federated) have their own permissions',
        fix: `grant the job role what catalog '${catalog}' needs outside sagepipe`,
      });
    }

    if (source.dataLocation !== undefined) {
      const data = context.s3Location(source.dataLocation, path.child('dataLocation'), `the data of ${table}`);
      if (data !== undefined) {
        needs.push(...s3ReadNeeds(context, data, 'ReadSourceData', `Athena reads the data files of ${table} with the caller's rights`));
      }
    } else {
      context.gap({
        code: 'IAM_SOURCE_DATA_NOT_DERIVED',
        path: path.child('dataLocation'),
        message: `the S3 folder of ${table} is not set, so the job role gets no read access to the table's data files`,
        rule: "Athena reads a table's data files with the caller's rights, and the table location is not part of the pipeline",
        fix: 'set source.dataLocation to the table location (`SHOW CREATE TABLE` prints it), or grant s3:GetObject and s3:ListBucket on it outside sagepipe',
      });
    }

    const results = context.s3Location(source.outputLocation, path.child('outputLocation'), 'the Athena query results');
    if (results !== undefined) {
      const pattern = readKeyPattern(results);
      needs.push(
        {
          sid: 'WriteAthenaResults',
          actions: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject'],
          resources: [context.arn.s3Object(results.bucket, pattern)],
          reason: "Athena writes the query results with the caller's rights, and the runtime reads the result file back",
          scope: 'every query writes files named after its query id, which is only known at run time',
        },
        {
          sid: 'AthenaResultsBucket',
          actions: ['s3:GetBucketLocation', 's3:ListBucketMultipartUploads'],
          resources: [context.arn.s3Bucket(results.bucket)],
          reason: "Athena checks the results bucket's Region and its multipart uploads with the caller's rights",
        },
        {
          sid: 'ListBucketPrefixes',
          actions: ['s3:ListBucket'],
          resources: [context.arn.s3Bucket(results.bucket)],
          conditions: { StringLike: { 's3:prefix': pattern } },
          reason: 'Athena lists the results folder',
        },
      );
    }
    return needs;
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
