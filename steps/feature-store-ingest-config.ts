/**
 * The ingest config of a feature-store ingest step: the file the compiler writes as an asset and
 * the ingest runtime reads. Identifiers that go into the source query are checked here.
 */
import type { IngestConfig, IngestFeature, WriterConfig } from '../runtime/ingest-config.js';
import type { FieldPath, RenderContext } from './context.js';
import {
  type FeatureStoreIngestStep,
  INGEST_REPORT_DIR,
  type IngestNotificationProps,
  MAX_NOTIFICATION_SUBJECT_LENGTH,
  NOTIFICATION_SUBJECT_PREFIX,
} from './feature-store-ingest.js';

const DEFAULT_WRITER: WriterConfig = { concurrency: 16, maxAttempts: 8, baseDelayMs: 100, maxDelayMs: 20_000 };

const SQL_IDENTIFIER = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,254}$/;

/** Builds the ingest config that the runtime reads, reporting invalid settings through the context. */
export function buildIngestConfig(step: FeatureStoreIngestStep, context: RenderContext, path: FieldPath): IngestConfig {
  const props = step.ingestProps;
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
  const catalog = identifier(context, source.catalog ?? 'AwsDataCatalog', sourcePath.child('catalog'), /^[A-Za-z0-9_-]{1,256}$/);
  const database = identifier(context, source.database, sourcePath.child('database'), /^[A-Za-z0-9_]{1,255}$/);
  const table = identifier(context, source.table, sourcePath.child('table'), /^[A-Za-z0-9_]{1,255}$/);
  const workGroup = identifier(context, source.workGroup ?? 'primary', sourcePath.child('workGroup'), /^[a-zA-Z0-9._-]{1,128}$/);
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
  checkWriter(context, writer, path.child('writer'));
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
    stepName: step.name,
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
    ...(props.notification !== undefined ? { notification: notificationConfig(step, context, path.child('notification')) } : {}),
  };
  return config;
}

function notificationConfig(step: FeatureStoreIngestStep, context: RenderContext, path: FieldPath): { topicArn: string; title: string } {
  const notification = step.ingestProps.notification as IngestNotificationProps;
  const title = notification.title ?? `Feature Store Ingestion - ${step.featureGroup.name}`;
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

function identifier(context: RenderContext, value: string, path: FieldPath, pattern: RegExp): string {
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

function checkWriter(context: RenderContext, writer: WriterConfig, path: FieldPath): void {
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
