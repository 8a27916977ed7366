import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { toDeployError } from '../../cli/deploy/deploy-errors.js';
import { ExitCode, UserError } from '../../cli/output.js';
import { awsErrorCode, awsFailureKind, awsHttpStatus, wrapAwsError } from '../../runtime/aws/errors.js';

/**
 * Builds a DNS failure in the shape the SDK raises it: Node's socket error, with the SDK's
 * $metadata added and no HTTP status. Tests never look up a real host name.
 */
function dnsFailure(): Error {
  return Object.assign(new Error('getaddrinfo ENOTFOUND api.sagemaker.xx-test-9.amazonaws.com'), {
    errno: -3008,
    code: 'ENOTFOUND',
    syscall: 'getaddrinfo',
    hostname: 'api.sagemaker.xx-test-9.amazonaws.com',
    $metadata: { attempts: 3, totalRetryDelay: 250 },
  });
}

/** Builds the error the SDK raises for an error response it cannot match, such as S3's bodiless 403. */
function unmodelled(status: number): Error {
  return Object.assign(new Error('UnknownError'), { name: 'Unknown', $fault: 'client', $metadata: { httpStatusCode: status, attempts: 1 } });
}

const CONTEXT = { region: 'us-west-2', endpointSetting: 'neither is set, so the public AWS endpoints of the Region are used', requestTimeoutMs: 60_000 };

test('dns failure is unreachable', () => {
  const error = dnsFailure();

  assert.is(awsErrorCode(error), 'NetworkError');
  assert.is(awsFailureKind(error), 'unreachable');
  assert.is(awsHttpStatus(error), undefined);
  assert.is(wrapAwsError('DescribePipeline', error, 'pipeline churn').message, 'DescribePipeline failed for pipeline churn: could not reach api.sagemaker.xx-test-9.amazonaws.com: host name not found (ENOTFOUND, 3 attempts)');
});

test('dns failure fix names the settings', () => {
  const converted = toDeployError(wrapAwsError('DescribePipeline', dnsFailure()), CONTEXT);

  assert.instance(converted, UserError);
  assert.is((converted as UserError).exitCode, ExitCode.aws);
  assert.match(
    (converted as UserError).message,
    '\n  fix: check --endpoint-url and AWS_ENDPOINT_URL (neither is set, so the public AWS endpoints of the Region are used), the network or proxy, and the Region (us-west-2)',
  );
});

test('unmodelled answer keeps its status', () => {
  const forbidden = wrapAwsError('HeadObject', unmodelled(403), 's3://bucket/key');
  const failing = wrapAwsError('DescribePipeline', unmodelled(503));

  assert.is(forbidden.code, 'Unknown');
  assert.is(forbidden.kind, 'unmodelled-response');
  assert.is(forbidden.httpStatus, 403);
  assert.is(forbidden.message, 'HeadObject failed for s3://bucket/key: access denied (HTTP 403)');
  assert.is(failing.message, 'DescribePipeline failed: HTTP 503 without an error code');
});

test('403 outside s3 names the operation', () => {
  const converted = toDeployError(wrapAwsError('DescribeFeatureGroup', unmodelled(403)), CONTEXT) as UserError;

  assert.match(converted.message, "fix: grant the deployer's IAM role the permission for DescribeFeatureGroup");
});

test('missing credentials keep their fix', () => {
  const error = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });

  const converted = toDeployError(error, CONTEXT) as UserError;

  assert.is(awsFailureKind(error), 'client');
  assert.is(converted.message, 'an AWS call failed: CredentialsProviderError: Could not load credentials from any providers\n  fix: configure AWS credentials: AWS_PROFILE or --profile, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or an OIDC role in CI');
});

test.run();
