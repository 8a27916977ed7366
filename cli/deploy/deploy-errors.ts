/**
 * Turns AWS failures of the deploy commands into UserErrors with exit code 3: the operation,
 * what happened (the error code and HTTP status, or the endpoint that could not be reached),
 * and a fix line.
 */
import { failedCallOf } from '../../runtime/aws/call-tracking.js';
import { AwsCallError, awsErrorCode, type AwsFailureKind, awsFailureKind, wrapAwsError } from '../../runtime/aws/errors.js';
import { ExitCode, UserError } from '../output.js';

/** Settings of the session that the fix line of a failed call names. */
export interface DeployErrorContext {
  readonly region: string;
  /** Source of the endpoint, such as `--endpoint-url is http://127.0.0.1:4566`. */
  readonly endpointSetting: string;
  readonly requestTimeoutMs: number;
}

/** Hints for error codes a deployer meets often; the message always keeps the code itself. */
const FIXES: Readonly<Record<string, string>> = {
  CredentialsProviderError: 'configure AWS credentials: AWS_PROFILE or --profile, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or an OIDC role in CI',
  AccessDeniedException: "grant the deployer's IAM role the action named in the message (docs/deploy.md lists the deployer's permissions)",
  AccessDenied: "grant the deployer's IAM role the S3 action on the asset bucket (docs/deploy.md lists the deployer's permissions)",
  ExpiredTokenException: 'refresh the credentials and run the command again',
  ThrottlingException: 'the service throttled the request after the SDK retries; run the command again later',
  NoSuchBucket: 'create the asset bucket, or set bucket in the config and compile again',
};

/** S3 operations of the deploy commands. */
const S3_OPERATIONS = new Set(['HeadObject', 'GetObject', 'PutObject']);

/**
 * Converts an AWS failure into a UserError with exit code 3, the operation and what happened in
 * the message, and a fix where one is known. Other errors pass through unchanged.
 */
export function toDeployError(error: unknown, context: DeployErrorContext): unknown {
  if (error instanceof UserError) {
    return error;
  }
  const isAws = error instanceof AwsCallError || (typeof error === 'object' && error !== null && ('$metadata' in error || (error as Error).name === 'CredentialsProviderError'));
  if (!isAws) {
    return error;
  }
  const wrapped = wrapAwsError(failedCallOf(error)?.operation ?? 'an AWS call', error);
  const fix = fixFor(wrapped, context);
  return new UserError(fix !== undefined ? `${wrapped.message}\n  fix: ${fix}` : wrapped.message, ExitCode.aws);
}

function fixFor(error: AwsCallError, context: DeployErrorContext): string | undefined {
  const kind: AwsFailureKind = awsFailureKind(error);
  const checkEndpoint = `check --endpoint-url and AWS_ENDPOINT_URL (${context.endpointSetting}), the network or proxy, and the Region (${context.region})`;
  switch (kind) {
    case 'unreachable':
      return checkEndpoint;
    case 'timed-out':
      return `${checkEndpoint}. If the service is only slow, raise --request-timeout (now ${context.requestTimeoutMs / 1000} s)`;
    case 'unmodelled-response':
      return unmodelledFix(error, checkEndpoint);
    case 'service-error':
    case 'client':
      return FIXES[awsErrorCode(error)];
  }
}

function unmodelledFix(error: AwsCallError, checkEndpoint: string): string {
  if (error.httpStatus === 403 && S3_OPERATIONS.has(error.operation)) {
    return (
      "grant the deployer's IAM role s3:GetObject and s3:PutObject on the asset prefix and s3:ListBucket on the asset bucket. " +
      'Without s3:ListBucket, S3 answers HeadObject on a missing key with a bodiless 403 instead of 404. ' +
      'The deployer policy that `sagepipe compile` writes is iam/deployer.policy.json; docs/iam.md explains it'
    );
  }
  if (error.httpStatus === 403) {
    return `grant the deployer's IAM role the permission for ${error.operation}: see iam/deployer.policy.json in the artifact folder and docs/iam.md`;
  }
  if (error.httpStatus !== undefined && error.httpStatus >= 500) {
    return `the service, or a proxy in between, failed; run the command again later, and ${checkEndpoint}`;
  }
  return `the answer carried no AWS error code. If a proxy or another server answered, ${checkEndpoint}`;
}
