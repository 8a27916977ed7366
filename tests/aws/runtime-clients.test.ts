import { StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { PutRecordCommand } from '@aws-sdk/client-sagemaker-featurestore-runtime';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createAwsClients } from '../../runtime/aws/clients.js';
import { awsErrorCode, awsFailureKind, callAws } from '../../runtime/aws/errors.js';
import { TEST_CREDENTIALS, TEST_REGION } from '../support/aws-endpoint/index.js';
import { type SilentServer, startSilentServer } from '../support/silent-server.js';

/**
 * Settles `promise`, or fails once `guardMs` passes. The guard only turns a call that would hang
 * forever into a failed test; no test asserts how long anything took.
 */
async function settled(promise: Promise<unknown>, guardMs = 30_000): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the call did not end within the ${guardMs} ms guard`)), guardMs);
  });
  try {
    return await Promise.race([promise.then(() => undefined, (error: unknown) => error), guard]);
  } finally {
    clearTimeout(timer);
  }
}

const clients = suite<{ silent: SilentServer }>('runtime clients');

clients.before.each(async (context) => {
  context.silent = await startSilentServer();
});

clients.after.each(async (context) => {
  await context.silent.close();
});

clients('silent endpoint times out', async ({ silent }) => {
  const aws = createAwsClients({ region: TEST_REGION, endpoint: silent.url, credentials: TEST_CREDENTIALS, timeouts: { connectionMs: 200, requestMs: 200 } });
  try {
    const error = await settled(callAws('StartQueryExecution', () => aws.athena.send(new StartQueryExecutionCommand({ QueryString: 'SELECT 1', WorkGroup: 'primary' }))));

    assert.is(awsErrorCode(error), 'TimeoutError');
    assert.is(awsFailureKind(error), 'timed-out');
    assert.is((error as Error).message, `StartQueryExecution failed: could not reach ${silent.url}: the request timed out (3 attempts)`);
    assert.is(silent.connections(), 3);
  } finally {
    aws.destroy();
  }
});

clients('record writes try once', async ({ silent }) => {
  const aws = createAwsClients({ region: TEST_REGION, endpoint: silent.url, credentials: TEST_CREDENTIALS, timeouts: { connectionMs: 200, requestMs: 200 } });
  try {
    const command = new PutRecordCommand({ FeatureGroupName: 'churn', Record: [{ FeatureName: 'customer_id', ValueAsString: '1' }] });

    const error = await settled(aws.featureStore.send(command));

    assert.is(awsErrorCode(error), 'TimeoutError');
    // The record writer retries by itself, and never after a request that got no response.
    assert.is(silent.connections(), 1);
  } finally {
    aws.destroy();
  }
});

clients('invalid timeout is rejected', () => {
  assert.throws(
    () => createAwsClients({ region: TEST_REGION, credentials: TEST_CREDENTIALS, timeouts: { connectionMs: 0, requestMs: 200 } }),
    (error: Error) => error instanceof RangeError && error.message === 'AWS timeout connectionMs must be a positive number of milliseconds, got 0',
  );
});

clients.run();
