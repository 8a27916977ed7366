/**
 * The AWS SDK v3 clients of the ingest runtime, built from one region and the standard
 * credential provider chain. AWS_ENDPOINT_URL (and AWS_ENDPOINT_URL_<SERVICE>) are read by the
 * SDK itself; `endpoint` overrides them for every service. Every client has bounded timeouts
 * and attempts (client-settings.ts), so no call waits forever.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerFeatureStoreRuntimeClient } from '@aws-sdk/client-sagemaker-featurestore-runtime';
import { SNSClient } from '@aws-sdk/client-sns';
import { trackAwsCalls } from './call-tracking.js';
import { type AwsTimeouts, DEFAULT_AWS_TIMEOUTS, DEFAULT_MAX_ATTEMPTS, httpHandlerSettings } from './client-settings.js';

/** Static AWS credentials. */
export interface StaticCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface AwsClientSettings {
  readonly region: string;
  /** Endpoint URL for every service, such as a local test endpoint. */
  readonly endpoint?: string;
  /** Static credentials; the standard provider chain is used when absent. */
  readonly credentials?: StaticCredentials;
  /** Named profile of the shared config files. */
  readonly profile?: string;
  /** Connection and request timeouts of every call. @default DEFAULT_AWS_TIMEOUTS */
  readonly timeouts?: AwsTimeouts;
  /**
   * PutRecord calls the record writer keeps in flight. The Feature Store client gets at least as
   * many sockets, because the SDK's default pool of 50 would otherwise cap higher concurrency.
   */
  readonly recordWriterConcurrency?: number;
}

/** Sockets per host of the SDK's default connection pool. */
const SDK_DEFAULT_MAX_SOCKETS = 50;

export interface AwsClients {
  readonly athena: AthenaClient;
  readonly s3: S3Client;
  readonly sagemaker: SageMakerClient;
  /** Built with `maxAttempts: 1`, because the record writer retries by itself. */
  readonly featureStore: SageMakerFeatureStoreRuntimeClient;
  readonly sns: SNSClient;
  /** Closes the clients' connection pools. */
  destroy(): void;
}

export function createAwsClients(settings: AwsClientSettings, env: NodeJS.ProcessEnv = process.env): AwsClients {
  const common = {
    region: settings.region,
    ...(settings.endpoint !== undefined ? { endpoint: settings.endpoint } : {}),
    ...(settings.credentials !== undefined ? { credentials: settings.credentials } : {}),
    ...(settings.profile !== undefined ? { profile: settings.profile } : {}),
    requestHandler: httpHandlerSettings(settings.timeouts ?? DEFAULT_AWS_TIMEOUTS),
    maxAttempts: DEFAULT_MAX_ATTEMPTS,
  };
  // Local endpoints have no per-bucket host names, so S3 requests put the bucket in the path.
  const overridden = settings.endpoint !== undefined || env['AWS_ENDPOINT_URL'] !== undefined || env['AWS_ENDPOINT_URL_S3'] !== undefined;
  const clients = {
    athena: trackAwsCalls(new AthenaClient(common)),
    s3: trackAwsCalls(new S3Client({ ...common, ...(overridden ? { forcePathStyle: true } : {}) })),
    sagemaker: trackAwsCalls(new SageMakerClient(common)),
    featureStore: trackAwsCalls(new SageMakerFeatureStoreRuntimeClient({ ...common, maxAttempts: 1, requestHandler: featureStoreHandler(settings) })),
    sns: trackAwsCalls(new SNSClient(common)),
  };
  return {
    ...clients,
    destroy: () => {
      for (const client of Object.values(clients)) {
        client.destroy();
      }
    },
  };
}

/** Builds the Feature Store client's HTTP handler settings: the common timeouts and a pool sized for the writer. */
function featureStoreHandler(settings: AwsClientSettings): ReturnType<typeof httpHandlerSettings> & { httpAgent: object; httpsAgent: object } {
  const agent = { keepAlive: true, maxSockets: Math.max(SDK_DEFAULT_MAX_SOCKETS, settings.recordWriterConcurrency ?? 0) };
  return { ...httpHandlerSettings(settings.timeouts ?? DEFAULT_AWS_TIMEOUTS), httpAgent: agent, httpsAgent: agent };
}
