import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { DEFAULT_BOOLEAN_WORDS, DEFAULT_NULL_TOKENS, type FeatureCleaning, type IngestConfig, type IngestFeature } from '../../runtime/ingest-config.js';
import type { Logger } from '../../runtime/ports.js';

/** A logger that drops everything, for tests that check files rather than logs. */
export const silentLogger: Logger = pino({ level: 'silent' });

const CLEANING: FeatureCleaning = { trim: true, nullTokens: DEFAULT_NULL_TOKENS, coerceNumbers: true };

/** Features of the small test group: id, event time, an Integral, a Fractional, a category and a flag. */
export const TEST_FEATURES: readonly IngestFeature[] = [
  { name: 'id', type: 'String', sourceColumn: 'id', cleaning: CLEANING },
  { name: 'ts', type: 'String', sourceColumn: 'ts', cleaning: CLEANING },
  { name: 'age', type: 'Integral', sourceColumn: 'age', cleaning: CLEANING },
  { name: 'charges', type: 'Fractional', sourceColumn: 'charges', cleaning: CLEANING },
  { name: 'plan', type: 'String', sourceColumn: 'plan', cleaning: { ...CLEANING, allowedValues: { values: ['Basic', 'Fiber optic'], onUnknown: 'reject' } } },
  { name: 'churn', type: 'Integral', sourceColumn: 'churn', cleaning: { ...CLEANING, booleanWords: DEFAULT_BOOLEAN_WORDS } },
];

/** Builds an ingest config for table `db.raw` and group `test_group`, with an online and an offline store. */
export function testConfig(overrides: Partial<IngestConfig> = {}): IngestConfig {
  const features = overrides.features ?? TEST_FEATURES;
  const eventTime = overrides.eventTime ?? { from: 'column' as const };
  const columns = features.filter((feature) => !(eventTime.from === 'ingest-time' && feature.name === 'ts')).map((feature) => feature.sourceColumn);
  return {
    schemaVersion: 1,
    stepName: 'Ingest',
    pipelineName: 'test-pipeline',
    region: 'us-west-2',
    source: {
      kind: 'athena',
      catalog: 'AwsDataCatalog',
      database: 'db',
      table: 'raw',
      columns,
      query: `SELECT ${columns.map((column) => `"${column}"`).join(', ')} FROM "db"."raw"`,
      workGroup: 'primary',
      outputLocation: 's3://bucket/athena/',
      resultPath: 'auto',
      apiRowLimit: 10_000,
      queryTimeoutSeconds: 60,
    },
    featureGroup: {
      name: 'test_group',
      recordIdentifierFeatureName: 'id',
      eventTimeFeatureName: 'ts',
      createRequest: {
        FeatureGroupName: 'test_group',
        RecordIdentifierFeatureName: 'id',
        EventTimeFeatureName: 'ts',
        FeatureDefinitions: features.map((feature) => ({ FeatureName: feature.name, FeatureType: feature.type })),
        OnlineStoreConfig: { EnableOnlineStore: true },
        OfflineStoreConfig: { S3StorageConfig: { S3Uri: 's3://bucket/offline/' } },
      },
      allowFeatureAdditions: false,
      createTimeoutSeconds: 60,
    },
    features,
    eventTime,
    maxRejectedRows: 0,
    batchSize: 3,
    writer: { concurrency: 1, maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    outputPath: '/opt/ml/processing/output/report',
    notification: { topicArn: 'arn:aws:sns:us-west-2:123456789012:failures', title: 'Test ingest' },
    ...overrides,
  };
}

/** Makes a temporary folder for one test. */
export function tempFolder(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `sagepipe-${prefix}-`));
}

/** Writes rows as a CSV file with every field quoted, so padding survives. */
export function writeCsv(path: string, header: readonly string[], rows: readonly (readonly (string | null)[])[]): void {
  const field = (value: string | null): string => (value === null ? '' : `"${value.replaceAll('"', '""')}"`);
  const lines = [header.join(','), ...rows.map((row) => row.map(field).join(','))];
  writeFileSync(path, `${lines.join('\n')}\n`);
}
