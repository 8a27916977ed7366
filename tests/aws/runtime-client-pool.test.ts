import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createAwsClients } from '../../runtime/aws/clients.js';
import { FeatureStoreRecordWriter } from '../../runtime/aws/record-writer.js';
import type { FeatureRecord } from '../../runtime/ports.js';
import { startAwsEndpoint, TEST_CREDENTIALS, TEST_REGION } from '../support/aws-endpoint/index.js';

const GROUP = 'churn-features';

function record(identifier: string): FeatureRecord {
  const eventTime = '2024-05-01T12:00:00Z';
  return {
    identifier,
    eventTime,
    eventTimeMs: Date.parse(eventTime),
    values: [
      { featureName: 'customer_id', valueAsString: identifier },
      { featureName: 'event_time', valueAsString: eventTime },
    ],
  };
}

test('writer concurrency above the SDK pool', async () => {
  const endpoint = await startAwsEndpoint();
  const clients = createAwsClients({ region: TEST_REGION, endpoint: endpoint.url, credentials: TEST_CREDENTIALS, recordWriterConcurrency: 64 });
  try {
    endpoint.sagemaker.featureGroups.seed({
      FeatureGroupName: GROUP,
      RecordIdentifierFeatureName: 'customer_id',
      EventTimeFeatureName: 'event_time',
      FeatureDefinitions: [
        { FeatureName: 'customer_id', FeatureType: 'String' },
        { FeatureName: 'event_time', FeatureType: 'String' },
      ],
      OnlineStoreConfig: { EnableOnlineStore: true },
    });
    // Each PutRecord waits long enough that all 64 writes of a batch overlap.
    endpoint.faults.delay({ operation: 'PutRecord' }, 300);
    const writer = new FeatureStoreRecordWriter({
      client: clients.featureStore,
      writer: { concurrency: 64, maxAttempts: 1, baseDelayMs: 100, maxDelayMs: 1000 },
      recordIdentifierFeatureName: 'customer_id',
      eventTimeFeatureName: 'event_time',
    });

    const result = await writer.write(GROUP, Array.from({ length: 128 }, (_, index) => record(`C${index}`)));

    assert.is(result.written, 128);
    assert.is(endpoint.maxInFlight('PutRecord'), 64);
  } finally {
    clients.destroy();
    await endpoint.close();
  }
});

test.run();
