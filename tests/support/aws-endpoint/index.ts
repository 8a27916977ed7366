/**
 * The local AWS endpoint for tests, and the settings that point AWS SDK clients and child
 * processes at it with fake static credentials.
 */
import type { AwsEndpoint } from './server.js';

export { startAwsEndpoint } from './server.js';
export type { AwsEndpoint, RecordedCall } from './server.js';
export type { AthenaColumn, AthenaTable, QueryBehavior } from './athena.js';
export type { FaultRule, InjectedError } from './faults.js';
export type { FeatureGroupBehavior } from './sagemaker-feature-groups.js';
export type { ExecutionPlan } from './sagemaker-pipelines.js';

/** Region every test uses. */
export const TEST_REGION = 'us-west-2';

/** Fake static credentials: the endpoint checks that requests are signed, not by whom. */
export const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

/** Options for an AWS SDK v3 client that talks to the endpoint. */
export function clientConfig(endpoint: AwsEndpoint): { region: string; endpoint: string; credentials: typeof TEST_CREDENTIALS } {
  return { region: TEST_REGION, endpoint: endpoint.url, credentials: TEST_CREDENTIALS };
}

/**
 * Environment for a child process that uses the standard provider chain: the endpoint URL,
 * static fake credentials, no instance metadata lookups and no shared config files.
 */
export function endpointEnvironment(endpoint: AwsEndpoint): Record<string, string> {
  return urlEnvironment(endpoint.url);
}

/** Returns the environment of `endpointEnvironment` for any local URL, such as a server that never responds. */
export function urlEnvironment(url: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: url,
    AWS_REGION: TEST_REGION,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/nonexistent/sagepipe-test-aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/sagepipe-test-aws-credentials',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}
