import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { IngestConfig } from '../../runtime/ingest-config.js';
import { IngestConfigError, loadIngestConfig, parseIngestConfig } from '../../runtime/load-config.js';
import { readStartupContext } from '../../runtime/startup-failure.js';
import { type AwsEndpoint, endpointEnvironment, startAwsEndpoint } from '../support/aws-endpoint/index.js';
import { runNode } from '../support/child-process.js';
import { REPO_ROOT } from '../support/paths.js';

const BUNDLE = join(REPO_ROOT, 'dist', 'runtime-bundle', 'ingest.mjs');
const TOPIC = 'arn:aws:sns:us-west-2:123456789012:ml-model-pipeline-failures';
const CHURN_TITLE = 'Feature Store Ingestion - Churn Classification';

/** Reads the churn example's compiled ingest config, as `sagepipe compile` wrote it. */
function exampleConfig(): IngestConfig {
  const assets = join(REPO_ROOT, 'examples', 'churn-feature-store', 'expected', 'assets');
  for (const folder of readdirSync(assets)) {
    const file = join(assets, folder, 'ingest-config.json');
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as IngestConfig;
    } catch {
      continue;
    }
  }
  throw new Error(`no ingest-config.json under ${assets}`);
}

function deployableConfig(outputPath: string): IngestConfig {
  const config = exampleConfig();
  return {
    ...config,
    featureGroup: { ...config.featureGroup, createRequest: { ...config.featureGroup.createRequest, RoleArn: 'arn:aws:iam::123456789012:role/ML-Role-Pipelines' } },
    notification: { topicArn: TOPIC, title: CHURN_TITLE },
    outputPath,
  };
}

function stepEnvironment(endpoint: AwsEndpoint): Record<string, string> {
  return {
    ...endpointEnvironment(endpoint),
    SAGEPIPE_STEP_NAME: 'IngestToFeatureStore',
    SAGEPIPE_PROCESSING_JOB_NAME: 'pipelines-x1y2z3-IngestToFeatureStore-a1b2c3',
    SAGEPIPE_NOTIFY_TOPIC_ARN: TOPIC,
    SAGEPIPE_NOTIFY_TITLE: CHURN_TITLE,
  };
}

function logLines(stdout: string): { level: number; msg: string; [key: string]: unknown }[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { level: number; msg: string });
}

interface Context {
  folder: string;
}

const config = suite<Context>('ingest config loader');

config.before.each((context) => {
  context.folder = mkdtempSync(join(tmpdir(), 'sagepipe-config-'));
});

config.after.each((context) => {
  rmSync(context.folder, { recursive: true, force: true });
});

config('compiled example config loads', () => {
  const loaded = parseIngestConfig(exampleConfig());

  assert.is(loaded.stepName, 'IngestToFeatureStore');
  assert.is(loaded.featureGroup.name, 'mlops_poc_churn_classification_feature');
});

config('schema problems reported together', () => {
  const data = { ...exampleConfig(), region: 'mars-1', colour: 'blue', source: { ...exampleConfig().source, database: 'ml metrics; DROP' } };

  const error = (() => {
    try {
      parseIngestConfig(data, 'ingest-config.json');
    } catch (caught) {
      return caught as IngestConfigError;
    }
    return undefined;
  })();

  assert.instance(error, IngestConfigError);
  const paths = error?.problems.map((problem) => problem.path).sort();
  assert.equal(paths, ['colour', 'region', 'source.database']);
  const database = error?.problems.find((problem) => problem.path === 'source.database');
  assert.is(database?.value, 'ml metrics; DROP');
  assert.match(database?.rule ?? '', 'must match');
});

config('cross field problems reported together', () => {
  const base = exampleConfig();
  const data: IngestConfig = {
    ...base,
    featureGroup: { ...base.featureGroup, recordIdentifierFeatureName: 'customer_key' },
    features: base.features.map((feature, index) => (index === 2 ? { ...feature, sourceColumn: 'years' } : feature)),
    writer: { ...base.writer, baseDelayMs: 500, maxDelayMs: 100 },
  };

  const error = (() => {
    try {
      parseIngestConfig(data);
    } catch (caught) {
      return caught as IngestConfigError;
    }
    return undefined;
  })();

  assert.instance(error, IngestConfigError);
  assert.equal(
    error?.problems.map((problem) => problem.path),
    ['featureGroup.recordIdentifierFeatureName', 'features[2].sourceColumn', 'writer.maxDelayMs'],
  );
  assert.match(error?.problems[1]?.fix ?? '', 'use one of: customer_id, age');
});

config('missing file is reported', ({ folder }) => {
  const file = join(folder, 'absent.json');

  const error = (() => {
    try {
      loadIngestConfig(file);
    } catch (caught) {
      return caught as IngestConfigError;
    }
    return undefined;
  })();

  assert.instance(error, IngestConfigError);
  assert.is(error?.problems[0]?.path, 'config');
  assert.match(error?.problems[0]?.message ?? '', 'the file was not found');
});

config('invalid json is reported', ({ folder }) => {
  const file = join(folder, 'broken.json');
  writeFileSync(file, '{"schemaVersion": 1,');

  const error = (() => {
    try {
      loadIngestConfig(file);
    } catch (caught) {
      return caught as IngestConfigError;
    }
    return undefined;
  })();

  assert.match(error?.problems[0]?.message ?? '', 'not valid JSON');
});

config('startup context reads environment', ({ folder }) => {
  const jobConfig = join(folder, 'processingjobconfig.json');
  writeFileSync(jobConfig, JSON.stringify({ ProcessingJobName: 'pipelines-from-file' }));

  const fromEnv = readStartupContext(
    { SAGEPIPE_PIPELINE_NAME: 'churn', SAGEPIPE_STEP_NAME: 'Ingest', SAGEPIPE_PROCESSING_JOB_NAME: 'job-from-env', SAGEPIPE_NOTIFY_TOPIC_ARN: TOPIC, SAGEPIPE_NOTIFY_TITLE: 'Title' },
    jobConfig,
  );
  const fromFile = readStartupContext({ SAGEPIPE_PROCESSING_JOB_NAME: '' }, jobConfig);
  const unknown = readStartupContext({}, join(folder, 'absent.json'));

  assert.equal(fromEnv, { pipelineName: 'churn', stepName: 'Ingest', processingJobName: 'job-from-env', topicArn: TOPIC, title: 'Title' });
  assert.is(fromFile.processingJobName, 'pipelines-from-file');
  assert.is(unknown.processingJobName, null);
  assert.is(unknown.stepName, 'unknown step');
  assert.is(unknown.pipelineName, 'unknown');
  assert.is(unknown.topicArn, undefined);
});

config.run();

interface BundleContext {
  endpoint: AwsEndpoint;
  folder: string;
}

const bundle = suite<BundleContext>('runtime bundle');

bundle.before.each(async (context) => {
  context.endpoint = await startAwsEndpoint();
  context.folder = mkdtempSync(join(tmpdir(), 'sagepipe-bundle-'));
});

bundle.after.each(async (context) => {
  await context.endpoint.close();
  rmSync(context.folder, { recursive: true, force: true });
  assert.equal(context.endpoint.internalErrors, []);
});

bundle('unreadable config is notified', async ({ endpoint, folder }) => {
  endpoint.sns.createTopic(TOPIC);

  const result = await runNode([BUNDLE, '--config', join(folder, 'absent.json')], { env: stepEnvironment(endpoint) });

  assert.is(result.status, 1);
  assert.is(endpoint.sns.published.length, 1);
  const [message] = endpoint.sns.published;
  assert.is(message?.subject, `[SageMaker Pipeline Failed] ${CHURN_TITLE}`);
  assert.match(message?.message ?? '', 'Step: IngestToFeatureStore');
  assert.match(message?.message ?? '', 'Processing job: pipelines-x1y2z3-IngestToFeatureStore-a1b2c3');
  assert.match(message?.message ?? '', 'the file was not found');
  const lines = logLines(result.stdout);
  assert.ok(lines.some((line) => line.msg === 'the ingest config is invalid'));
  assert.ok(lines.some((line) => line.msg === 'failure notification published'));
  assert.not.match(result.stdout, '    at ');
});

bundle('failed publish keeps the original error', async ({ endpoint, folder }) => {
  const result = await runNode([BUNDLE, '--config', join(folder, 'absent.json')], { env: stepEnvironment(endpoint) });

  assert.is(result.status, 1);
  assert.is(endpoint.sns.published.length, 0);
  assert.is(endpoint.callsTo('Publish')[0]?.errorCode, 'NotFound');
  const lines = logLines(result.stdout);
  const invalid = lines.findIndex((line) => line.msg === 'the ingest config is invalid');
  const publishFailed = lines.findIndex((line) => line.msg === 'publishing the failure notification failed');
  assert.ok(invalid >= 0, 'the config error is logged');
  assert.ok(publishFailed > invalid, 'the publish failure is logged after it');
});

bundle('missing config option is notified', async ({ endpoint }) => {
  endpoint.sns.createTopic(TOPIC);

  const result = await runNode([BUNDLE], { env: stepEnvironment(endpoint) });

  assert.is(result.status, 1);
  assert.match(result.stderr, 'Usage: node ingest.mjs --config');
  assert.match(endpoint.sns.published[0]?.message ?? '', 'the --config option is missing');
});

bundle('help exits without notifying', async ({ endpoint }) => {
  endpoint.sns.createTopic(TOPIC);

  const result = await runNode([BUNDLE, '--help'], { env: stepEnvironment(endpoint) });

  assert.is(result.status, 0);
  assert.match(result.stdout, 'Exit codes: 0 the ingest succeeded, 1 it failed.');
  assert.is(endpoint.calls.length, 0);
});

bundle('failed ingest notifies exactly once', async ({ endpoint, folder }) => {
  endpoint.sns.createTopic(TOPIC);
  endpoint.s3.createBucket('mlbucket-sagemaker');
  // No table is defined, so the Athena query ends FAILED with TABLE_NOT_FOUND.
  const file = join(folder, 'ingest-config.json');
  writeFileSync(file, JSON.stringify(deployableConfig(join(folder, 'report'))));

  const result = await runNode([BUNDLE, '--config', file], { env: stepEnvironment(endpoint) });

  assert.is(result.status, 1);
  assert.is(endpoint.sns.published.length, 1);
  assert.is(endpoint.sns.published[0]?.subject, `[SageMaker Pipeline Failed] ${CHURN_TITLE}`);
  assert.match(endpoint.sns.published[0]?.message ?? '', 'Pipeline: feature-store-ingestion-pipeline');
});

bundle('main module load failure is notified', async ({ endpoint }) => {
  endpoint.sns.createTopic(TOPIC);
  // A copy of the compiled runtime whose main module throws while it loads. It stays under
  // dist/ so that its imports still resolve from the repository's node_modules.
  const copy = mkdtempSync(join(REPO_ROOT, 'dist', 'bootstrap-test-'));
  try {
    cpSync(join(REPO_ROOT, 'dist', 'runtime'), join(copy, 'runtime'), { recursive: true });
    writeFileSync(join(copy, 'runtime', 'main.js'), "throw new Error('a dependency of main failed to load');\n");

    const result = await runNode([join(copy, 'runtime', 'bootstrap.js'), '--config', 'ingest-config.json'], { env: stepEnvironment(endpoint) });

    assert.is(result.status, 1);
    const lines = logLines(result.stdout);
    assert.is(lines[0]?.msg, 'the ingest runtime failed before it started');
    assert.is(endpoint.sns.published.length, 1);
    assert.match(endpoint.sns.published[0]?.message ?? '', 'Error: a dependency of main failed to load');
    assert.match(endpoint.sns.published[0]?.message ?? '', 'Step: IngestToFeatureStore');
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});

bundle.run();
