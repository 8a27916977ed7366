import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { IngestConfig } from '../../runtime/ingest-config.js';
import type { IngestReport } from '../../runtime/report.js';
import { type AthenaColumn, endpointEnvironment, startAwsEndpoint } from '../support/aws-endpoint/index.js';
import { runNode } from '../support/child-process.js';
import { REPO_ROOT } from '../support/paths.js';

const BUNDLE = join(REPO_ROOT, 'dist', 'runtime-bundle', 'ingest.mjs');
const TOPIC = 'arn:aws:sns:us-west-2:123456789012:ml-model-pipeline-failures';
const GROUP = 'mlops_poc_churn_classification_feature';
const ROWS = 2500;

/** Columns of the raw churn table: mostly text, with stray case and blanks as the messy source has them. */
const COLUMNS: AthenaColumn[] = [
  { name: 'customer_id', type: 'varchar' },
  { name: 'age', type: 'integer' },
  { name: 'tenure_months', type: 'integer' },
  { name: 'monthly_charges', type: 'double' },
  { name: 'total_charges', type: 'varchar' },
  { name: 'contract_type', type: 'varchar' },
  { name: 'payment_method', type: 'varchar' },
  { name: 'internet_service', type: 'varchar' },
  { name: 'phone_service', type: 'varchar' },
  { name: 'multiple_lines', type: 'varchar' },
  { name: 'online_security', type: 'varchar' },
  { name: 'tech_support', type: 'varchar' },
  { name: 'device_protection', type: 'varchar' },
  { name: 'churn', type: 'varchar' },
];

function customerId(index: number): string {
  return `C${String(index).padStart(5, '0')}`;
}

function sourceRow(index: number): (string | null)[] {
  return [
    customerId(index),
    String(18 + (index % 60)),
    String(index % 72),
    (20 + (index % 100) * 0.5).toFixed(2),
    // The Telco data has blank total charges for new customers; they become missing values.
    index % 50 === 0 ? ' ' : (index * 1.5).toFixed(2),
    ['Month-to-month', 'one year', 'TWO YEAR'][index % 3] as string,
    ['Electronic check', 'Mailed check', 'Bank transfer', 'Credit card'][index % 4] as string,
    ['DSL', 'Fiber optic', 'No'][index % 3] as string,
    index % 2 === 1 ? 'Yes' : 'No',
    'No',
    index % 10 === 0 ? null : 'Yes',
    'No',
    ' yes ',
    index % 4 === 0 ? 'Yes' : 'No',
  ];
}

function exampleConfig(): IngestConfig {
  const assets = join(REPO_ROOT, 'examples', 'churn-feature-store', 'expected', 'assets');
  const folder = readdirSync(assets).find((name) => readdirSync(join(assets, name)).includes('ingest-config.json'));
  return JSON.parse(readFileSync(join(assets, folder as string, 'ingest-config.json'), 'utf8')) as IngestConfig;
}

test('bundle ingests through athena paging under throttling', async () => {
  const endpoint = await startAwsEndpoint();
  const folder = mkdtempSync(join(tmpdir(), 'sagepipe-e2e-'));
  try {
    endpoint.s3.createBucket('mlbucket-sagemaker');
    endpoint.sns.createTopic(TOPIC);
    endpoint.athena.defineTable({ database: 'ml_metrics', name: 'churn_prediction_data', columns: COLUMNS, rows: Array.from({ length: ROWS }, (_, index) => sourceRow(index)) });
    endpoint.faults.inject({ operation: 'PutRecord', rate: 0.2, error: { status: 400, code: 'ThrottlingException', message: 'Rate exceeded' } });
    endpoint.faults.inject({ operation: 'PutRecord', times: 3, error: { status: 503, code: 'ServiceUnavailable' } });
    endpoint.faults.inject({ operation: 'PutRecord', times: 2, error: { status: 500, code: 'InternalFailure' } });

    const base = exampleConfig();
    const config: IngestConfig = {
      ...base,
      featureGroup: { ...base.featureGroup, createRequest: { ...base.featureGroup.createRequest, RoleArn: 'arn:aws:iam::123456789012:role/ML-Role-Pipelines' } },
      notification: { topicArn: TOPIC, title: 'Feature Store Ingestion - Churn Classification' },
      writer: { concurrency: 16, maxAttempts: 12, baseDelayMs: 5, maxDelayMs: 50 },
      outputPath: join(folder, 'report'),
    };
    const configFile = join(folder, 'ingest-config.json');
    writeFileSync(configFile, JSON.stringify(config));

    const result = await runNode([BUNDLE, '--config', configFile], {
      env: { ...endpointEnvironment(endpoint), SAGEPIPE_STEP_NAME: 'IngestToFeatureStore', SAGEPIPE_PROCESSING_JOB_NAME: 'pipelines-e2e-IngestToFeatureStore', SAGEPIPE_NOTIFY_TOPIC_ARN: TOPIC },
      timeoutMs: 120_000,
    });

    assert.is(result.status, 0, result.stdout.split('\n').slice(-20).join('\n'));
    assert.equal(endpoint.internalErrors, []);

    // The source was read through GetQueryResults paging: 2,500 rows and a header make 3 pages.
    const pages = endpoint.callsTo('GetQueryResults');
    assert.is(pages.length, 3);
    assert.is(endpoint.callsTo('GetObject').length, 0);

    // Throttling really happened, and every record still landed exactly once.
    const puts = endpoint.callsTo('PutRecord');
    assert.ok(puts.some((call) => call.errorCode === 'ThrottlingException'), 'some puts were throttled');
    assert.ok(puts.length > ROWS, 'throttled puts were retried');
    const accepted = endpoint.featureStore.accepted;
    assert.is(accepted.length, ROWS);
    const identifiers = new Set(accepted.map((put) => put.identifier));
    assert.is(identifiers.size, ROWS);
    for (let index = 0; index < ROWS; index += 1) {
      assert.ok(identifiers.has(customerId(index)), `${customerId(index)} was written`);
    }

    // One record in full: values as strings, the blank and NULL cells left out.
    const first = accepted.find((put) => put.identifier === 'C00000');
    const values = Object.fromEntries((first?.record ?? []).map((value) => [value.FeatureName, value.ValueAsString]));
    assert.is(values['customer_id'], 'C00000');
    assert.is(values['age'], '18');
    assert.is(values['monthly_charges'], '20');
    assert.is(values['total_charges'], undefined);
    assert.is(values['online_security'], undefined);
    assert.is(values['contract_type'], 'Month-to-month');
    assert.is(values['device_protection'], 'Yes');
    assert.is(values['churn'], '1');
    assert.match(values['event_time'] ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);

    const report = JSON.parse(readFileSync(join(folder, 'report', 'report.json'), 'utf8')) as IngestReport;
    assert.is(report.status, 'succeeded');
    assert.equal(report.counts, { read: ROWS, rejected: 0, duplicatesDropped: 0, written: ROWS, failed: 0 });
    assert.is(report.retries, puts.length - ROWS);
    assert.is(report.processingJobName, 'pipelines-e2e-IngestToFeatureStore');
    assert.is(endpoint.sagemaker.featureGroups.get(GROUP)?.status, 'Created');
    assert.is(endpoint.callsTo('CreateFeatureGroup').length, 1);
    assert.is(endpoint.sns.published.length, 0);
  } finally {
    await endpoint.close();
    rmSync(folder, { recursive: true, force: true });
  }
});

test.run();
