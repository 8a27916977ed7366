import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError, configSource, loadConfig, parseConfig } from '../../dsl/config.js';
import { REPO_ROOT } from '../support/paths.js';

const SEED_CONFIG = join(REPO_ROOT, 'examples', 'churn-feature-store', 'configs', 'pipeline_config.yaml');

function configErrors(text: string): ConfigError {
  try {
    parseConfig(text, 'test.yaml');
  } catch (error) {
    if (error instanceof ConfigError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a ConfigError');
}

test('seed config loads with typed values', () => {
  const config = loadConfig(SEED_CONFIG);
  assert.is(config.pipeline_name, 'feature-store-ingestion-pipeline');
  assert.is(config.online_store_enabled, false);
  assert.is(config.processing_instance_type, 'ml.m5.xlarge');
  assert.is(config.offline_store_s3_uri, 's3://mlbucket-sagemaker/mlops/feature_store_poc/offline_store/');
});

test('seed placeholders become warnings', () => {
  const warnings = configSource(loadConfig(SEED_CONFIG))?.warnings ?? [];
  assert.equal(
    warnings.map((warning) => `${warning.code}@${warning.path}`),
    ['PLACEHOLDER_VALUE@config.role_arn', 'PLACEHOLDER_VALUE@config.sns_topic_arn', 'PLACEHOLDER_VALUE@config.notification_email'],
  );
  assert.ok(warnings.every((warning) => warning.severity === 'warning'));
});

test('unknown key names the key, value and allowed keys', () => {
  const error = configErrors(`${readSeed()}\nextra_setting: 5\n`);
  assert.is(error.issues.length, 1);
  const issue = error.issues[0];
  assert.is(issue?.code, 'INVALID_CONFIG');
  assert.is(issue?.path, 'config.extra_setting');
  assert.is(issue?.value, 5);
  assert.match(issue?.rule ?? '', /^allowed keys: project_name, region, bucket,/);
});

test('wrong type names the key and the value', () => {
  const error = configErrors(readSeed().replace('online_store_enabled: false', 'online_store_enabled: "no"'));
  assert.equal(error.issues.map((issue) => issue.path), ['config.online_store_enabled']);
  assert.is(error.issues[0]?.value, 'no');
  assert.match(error.issues[0]?.rule ?? '', /must be of type boolean/);
});

test('issues point at the line in the file', () => {
  const seed = readSeed();
  const text = seed.replace('online_store_enabled: false', 'online_store_enabled: "no"');
  const expectedLine = seed.split('\n').findIndex((line) => line.startsWith('online_store_enabled:')) + 1;
  const issues = configErrors(`${text}\nextra_setting: 5\n`).issues;
  const byPath = new Map(issues.map((found) => [found.path, found.location]));
  assert.is(byPath.get('config.online_store_enabled'), `test.yaml:${expectedLine}:1`);
  assert.is(byPath.get('config.extra_setting'), `test.yaml:${text.split('\n').length + 1}:1`);
});

test('a missing key has no location', () => {
  const error = configErrors(readSeed().replace(/^bucket: .*$/m, ''));
  assert.is(error.issues[0]?.path, 'config.bucket');
  assert.is(error.issues[0]?.location, undefined);
});

test('every problem is reported at once', () => {
  const text = readSeed().replace('pipeline_name: feature-store-ingestion-pipeline', 'pipeline_name: feature_store').replace(/^bucket: .*$/m, '');
  const error = configErrors(text);
  assert.equal(error.issues.map((issue) => issue.path).sort(), ['config.bucket', 'config.pipeline_name']);
});

test('missing file is a config error', () => {
  const error = (() => {
    try {
      loadConfig(join(mkdtempSync(join(tmpdir(), 'sagepipe-config-')), 'missing.yaml'));
    } catch (caught) {
      return caught as ConfigError;
    }
    throw new Error('expected an error');
  })();
  assert.is(error.name, 'ConfigError');
  assert.is(error.issues[0]?.code, 'CONFIG_NOT_READABLE');
});

test('invalid YAML is a config error', () => {
  const folder = mkdtempSync(join(tmpdir(), 'sagepipe-config-'));
  const path = join(folder, 'broken.yaml');
  writeFileSync(path, 'region: [us-west-2\n');
  assert.throws(() => loadConfig(path), (error: unknown) => error instanceof ConfigError && error.issues[0]?.code === 'CONFIG_NOT_YAML');
});

function readSeed(): string {
  return readFileSync(SEED_CONFIG, 'utf8');
}

test.run();
