import { SageMakerFeatureStoreRuntimeClient } from '@aws-sdk/client-sagemaker-featurestore-runtime';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fullJitterDelay } from '../../runtime/aws/backoff.js';
import { createAwsClients } from '../../runtime/aws/clients.js';
import { FeatureStoreRecordWriter } from '../../runtime/aws/record-writer.js';
import type { WriterConfig } from '../../runtime/ingest-config.js';
import type { FeatureRecord } from '../../runtime/ports.js';
import { type AwsEndpoint, clientConfig, startAwsEndpoint, TEST_CREDENTIALS, TEST_REGION } from '../support/aws-endpoint/index.js';
import { ManualClock } from '../support/manual-clock.js';
import { MemoryLogger } from '../support/memory-logger.js';

const GROUP = 'churn-features';
const WRITER: WriterConfig = { concurrency: 4, maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 2000 };

function record(identifier: string, age: string | null = '42', eventTime = '2024-05-01T12:00:00Z'): FeatureRecord {
  return {
    identifier,
    eventTime,
    eventTimeMs: Date.parse(eventTime),
    values: [
      { featureName: 'customer_id', valueAsString: identifier },
      ...(age !== null ? [{ featureName: 'age', valueAsString: age }] : []),
      { featureName: 'event_time', valueAsString: eventTime },
    ],
  };
}

function putsFor(endpoint: AwsEndpoint, identifier: string): number {
  return endpoint.callsTo('PutRecord').filter((call) => (call.input['Record'] as { FeatureName: string; ValueAsString?: string }[])[0]?.ValueAsString === identifier).length;
}

function isRecord(identifier: string): (request: { body: Buffer }) => boolean {
  return (request) => (JSON.parse(request.body.toString('utf8')) as { Record: { FeatureName: string; ValueAsString?: string }[] }).Record.some((value) => value.FeatureName === 'customer_id' && value.ValueAsString === identifier);
}

interface Context {
  endpoint: AwsEndpoint;
  client: SageMakerFeatureStoreRuntimeClient;
  clock: ManualClock;
  logger: MemoryLogger;
  writer: (config?: Partial<WriterConfig>) => FeatureStoreRecordWriter;
}

const writer = suite<Context>('record writer');

writer.before.each(async (context) => {
  context.endpoint = await startAwsEndpoint();
  context.endpoint.sagemaker.featureGroups.seed({
    FeatureGroupName: GROUP,
    RecordIdentifierFeatureName: 'customer_id',
    EventTimeFeatureName: 'event_time',
    FeatureDefinitions: [
      { FeatureName: 'customer_id', FeatureType: 'String' },
      { FeatureName: 'event_time', FeatureType: 'String' },
      { FeatureName: 'age', FeatureType: 'Integral' },
    ],
    OnlineStoreConfig: { EnableOnlineStore: true },
  });
  context.client = new SageMakerFeatureStoreRuntimeClient({ ...clientConfig(context.endpoint), maxAttempts: 1 });
  context.clock = new ManualClock();
  context.logger = new MemoryLogger();
  context.writer = (config = {}) =>
    new FeatureStoreRecordWriter({
      client: context.client,
      writer: { ...WRITER, ...config },
      recordIdentifierFeatureName: 'customer_id',
      eventTimeFeatureName: 'event_time',
      clock: context.clock,
      logger: context.logger,
      random: () => 0.5,
    });
});

writer.after.each(async (context) => {
  context.client.destroy();
  await context.endpoint.close();
  assert.equal(context.endpoint.internalErrors, []);
});

writer('throttled twice then written once', async ({ endpoint, writer: create }) => {
  endpoint.faults.inject({ operation: 'PutRecord', when: isRecord('C1'), times: 2, error: { status: 400, code: 'ThrottlingException', message: 'Rate exceeded' } });

  const result = await create().write(GROUP, [record('C1'), record('C2')]);

  assert.is(result.written, 2);
  assert.equal(result.failures, []);
  assert.is(result.retries, 2);
  assert.is(putsFor(endpoint, 'C1'), 3);
  assert.is(endpoint.featureStore.acceptedCount(GROUP, 'C1'), 1);
  assert.is(endpoint.featureStore.acceptedCount(GROUP, 'C2'), 1);
});

writer('validation error tried once and reported', async ({ endpoint, writer: create }) => {
  const result = await create().write(GROUP, [record('C1', 'forty'), record('C2')]);

  assert.is(result.written, 1);
  assert.is(result.failures.length, 1);
  const [failure] = result.failures;
  assert.is(failure?.identifier, 'C1');
  assert.is(failure?.errorCode, 'ValidationError');
  assert.is(failure?.attempts, 1);
  assert.match(failure?.message ?? '', 'not an integer');
  assert.is(putsFor(endpoint, 'C1'), 1);
  assert.is(endpoint.featureStore.acceptedCount(GROUP, 'C1'), 0);
});

writer('access forbidden is not retried', async ({ endpoint, writer: create }) => {
  endpoint.faults.inject({ operation: 'PutRecord', error: { status: 403, code: 'AccessForbidden', message: 'not authorized' } });

  const result = await create().write(GROUP, [record('C1')]);

  assert.is(result.failures[0]?.errorCode, 'AccessForbidden');
  assert.is(result.failures[0]?.attempts, 1);
  assert.is(putsFor(endpoint, 'C1'), 1);
});

writer('service faults are retried', async ({ endpoint, writer: create }) => {
  endpoint.faults.inject({ operation: 'PutRecord', when: isRecord('C1'), times: 1, error: { status: 500, code: 'InternalFailure' } });
  endpoint.faults.inject({ operation: 'PutRecord', when: isRecord('C2'), times: 1, error: { status: 503, code: 'ServiceUnavailable' } });
  endpoint.faults.inject({ operation: 'PutRecord', when: isRecord('C3'), times: 1, error: { status: 502, code: 'BadGateway' } });

  const result = await create().write(GROUP, [record('C1'), record('C2'), record('C3')]);

  assert.is(result.written, 3);
  assert.is(result.retries, 3);
  for (const identifier of ['C1', 'C2', 'C3']) {
    assert.is(putsFor(endpoint, identifier), 2, identifier);
    assert.is(endpoint.featureStore.acceptedCount(GROUP, identifier), 1, identifier);
  }
});

writer('exhausted retries report attempts', async ({ endpoint, writer: create, clock }) => {
  endpoint.faults.inject({ operation: 'PutRecord', error: { status: 400, code: 'ThrottlingException' } });

  const result = await create({ maxAttempts: 3 }).write(GROUP, [record('C1')]);

  assert.is(result.written, 0);
  assert.equal(result.failures, [{ identifier: 'C1', errorCode: 'ThrottlingException', message: 'injected ThrottlingException', attempts: 3 }]);
  assert.is(putsFor(endpoint, 'C1'), 3);
  // random() is 0.5, so each delay is half its ceiling: 100 ms, then 200 ms.
  assert.equal(clock.sleeps, [50, 100]);
});

writer('values are strings and missing features omitted', async ({ endpoint, writer: create }) => {
  const partial: FeatureRecord = { identifier: 'C9', eventTime: '2024-05-01T12:00:00Z', eventTimeMs: 0, values: [{ featureName: 'age', valueAsString: '31' }, { featureName: 'tenure' }] };

  const result = await create({ concurrency: 1 }).write(GROUP, [partial, record('C8', null)]);

  assert.is(result.written, 2);
  const sent = endpoint.callsTo('PutRecord').map((call) => call.input['Record']);
  assert.equal(sent, [
    [
      { FeatureName: 'customer_id', ValueAsString: 'C9' },
      { FeatureName: 'age', ValueAsString: '31' },
      { FeatureName: 'event_time', ValueAsString: '2024-05-01T12:00:00Z' },
    ],
    [
      { FeatureName: 'customer_id', ValueAsString: 'C8' },
      { FeatureName: 'event_time', ValueAsString: '2024-05-01T12:00:00Z' },
    ],
  ]);
});

writer('concurrency stays within its bound', async ({ endpoint, writer: create }) => {
  endpoint.faults.delay({ operation: 'PutRecord' }, 20);
  const records = Array.from({ length: 24 }, (_, index) => record(`C${index}`));

  const result = await create({ concurrency: 4 }).write(GROUP, records);

  assert.is(result.written, 24);
  assert.is(endpoint.maxInFlight('PutRecord'), 4);
});

writer('concurrency above the SDK socket pool', async ({ endpoint }) => {
  // The SDK's Node handler allows 50 sockets per client unless the client sets its own agent.
  const clients = createAwsClients({ region: TEST_REGION, endpoint: endpoint.url, credentials: TEST_CREDENTIALS, recordWriterConcurrency: 64 });
  try {
    // Each PutRecord waits long enough that all 64 writes of a batch overlap.
    endpoint.faults.delay({ operation: 'PutRecord' }, 300);
    const pooled = new FeatureStoreRecordWriter({
      client: clients.featureStore,
      writer: { concurrency: 64, maxAttempts: 1, baseDelayMs: 100, maxDelayMs: 1000 },
      recordIdentifierFeatureName: 'customer_id',
      eventTimeFeatureName: 'event_time',
    });

    const result = await pooled.write(GROUP, Array.from({ length: 128 }, (_, index) => record(`C${index}`)));

    assert.is(result.written, 128);
    assert.is(endpoint.maxInFlight('PutRecord'), 64);
  } finally {
    clients.destroy();
  }
});

writer('throttling at a rate loses nothing', async ({ endpoint, writer: create }) => {
  endpoint.faults.inject({ operation: 'PutRecord', rate: 0.3, error: { status: 400, code: 'ThrottlingException' } });
  const records = Array.from({ length: 150 }, (_, index) => record(`C${index}`));

  const result = await create({ concurrency: 8, maxAttempts: 20 }).write(GROUP, records);

  assert.is(result.written, 150);
  assert.equal(result.failures, []);
  assert.ok(result.retries > 0, 'the injected rate should have throttled some puts');
  assert.is(endpoint.featureStore.accepted.length, 150);
  assert.is(new Set(endpoint.featureStore.accepted.map((put) => put.identifier)).size, 150);
});

writer('log holds no record values', async ({ endpoint, writer: create, logger }) => {
  endpoint.faults.inject({ operation: 'PutRecord', times: 1, error: { status: 400, code: 'ThrottlingException' } });

  await create().write(GROUP, [record('SECRET-ID-1', '77')]);

  assert.ok(logger.entries.some((entry) => entry.message === 'PutRecord retry'));
  assert.not.match(logger.text(), 'SECRET-ID-1');
});

writer('full jitter stays under its ceiling', () => {
  assert.is(fullJitterDelay(1, 100, 1000, () => 0.999), 99);
  assert.is(fullJitterDelay(3, 100, 1000, () => 0.999), 399);
  assert.is(fullJitterDelay(10, 100, 1000, () => 0.999), 999);
  assert.is(fullJitterDelay(4, 100, 1000, () => 0), 0);
});

writer.run();
