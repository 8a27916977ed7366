/**
 * Builds the ingest ports on AWS: Athena for the source, SageMaker for feature-group control,
 * the Feature Store runtime for records and SNS for notifications.
 */
import type { IngestConfig } from '../ingest-config.js';
import type { Clock, IngestPorts, Logger, Notifier, ObjectStore } from '../ports.js';
import { systemClock } from '../ports.js';
import { AthenaQuerySource } from './athena-source.js';
import type { AwsClients } from './clients.js';
import { SageMakerFeatureGroupControl } from './feature-group-control.js';
import { FeatureStoreRecordWriter } from './record-writer.js';
import { S3ObjectStore } from './s3-object-store.js';
import { SnsNotifier } from './sns-notifier.js';

export interface AwsPortOptions {
  readonly clients: AwsClients;
  /** Store for report.json, rejects.jsonl and failures.jsonl. */
  readonly output: ObjectStore;
  readonly logger: Logger;
  readonly clock?: Clock;
}

export function createAwsIngestPorts(config: IngestConfig, options: AwsPortOptions): IngestPorts {
  const { clients, logger } = options;
  const clock = options.clock ?? systemClock;
  // Athena writes results into the output location, so the reader's base is that folder.
  const results = new S3ObjectStore(clients.s3, config.source.outputLocation, logger);
  return {
    source: new AthenaQuerySource({ athena: clients.athena, objects: results, clock, logger }),
    output: options.output,
    featureGroups: new SageMakerFeatureGroupControl(clients.sagemaker, { logger, clock }),
    writer: new FeatureStoreRecordWriter({
      client: clients.featureStore,
      writer: config.writer,
      recordIdentifierFeatureName: config.featureGroup.recordIdentifierFeatureName,
      eventTimeFeatureName: config.featureGroup.eventTimeFeatureName,
      clock,
      logger,
    }),
    notifier: config.notification !== undefined ? new SnsNotifier(clients.sns, config.notification.topicArn, logger) : silentNotifier(logger),
    logger,
    clock,
  };
}

/** Used when the config names no topic: failures are logged, and nothing is sent. */
function silentNotifier(logger: Logger): Notifier {
  return {
    notify: async (notification) => {
      logger.warn({ subject: notification.subject }, 'no notification topic is configured, so the failure notification was not sent');
    },
  };
}
