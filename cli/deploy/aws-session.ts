/**
 * The AWS side of the deploy commands. It defines the `--region`, `--profile` and
 * `--endpoint-url` options and builds the SageMaker and S3 clients from them and the standard
 * provider chain. It also turns AWS failures into errors the CLI prints with exit code 3.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { AwsCallError, awsErrorCode, wrapAwsError } from '../../runtime/aws/errors.js';
import { ExitCode, UserError } from '../output.js';

/** The options every deploy command takes, for `parseArgs`. */
export const AWS_OPTIONS = {
  region: { type: 'string' },
  profile: { type: 'string' },
  'endpoint-url': { type: 'string' },
} as const;

/** Returns the help text of the AWS options, with descriptions starting at column `column`. */
export function awsOptionsHelp(column: number): string {
  const rows: [string, string[]][] = [
    ['--region REGION', ["AWS Region. Default: the compiled pipeline's Region, then the", "standard chain (AWS_REGION, the profile's region)"]],
    ['--profile NAME', ['Named profile of the shared AWS config files.', 'Default: AWS_PROFILE, then the default profile']],
    ['--endpoint-url URL', ['Endpoint for every AWS call, such as a local test endpoint.', 'Default: AWS_ENDPOINT_URL, then the public AWS endpoints']],
  ];
  return rows
    .flatMap(([option, lines]) => lines.map((line, index) => `${index === 0 ? `  ${option}`.padEnd(column) : ' '.repeat(column)}${line}`))
    .join('\n');
}

export interface AwsOptionValues {
  readonly region?: string | undefined;
  readonly profile?: string | undefined;
  readonly 'endpoint-url'?: string | undefined;
}

export interface AwsSession {
  readonly sagemaker: SageMakerClient;
  readonly s3: S3Client;
  /** The Region the clients send requests to. */
  readonly region: string;
  destroy(): void;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/**
 * Builds the clients. A `--region` that differs from the compiled pipeline's Region is
 * rejected, because the definition's ARNs name that Region.
 */
export async function openAwsSession(options: AwsOptionValues, compiledRegion: string | null | undefined): Promise<AwsSession> {
  const flagRegion = options.region;
  if (flagRegion !== undefined && !REGION.test(flagRegion)) {
    throw new UserError(`--region '${flagRegion}' is not an AWS Region name such as us-west-2`, ExitCode.usage);
  }
  if (flagRegion !== undefined && compiledRegion !== undefined && compiledRegion !== null && flagRegion !== compiledRegion) {
    throw new UserError(
      `--region ${flagRegion} differs from the Region the pipeline was compiled for (${compiledRegion}); its ARNs name ${compiledRegion}. Drop --region, or set region in the config and compile again`,
      ExitCode.usage,
    );
  }
  const endpoint = options['endpoint-url'];
  if (endpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(endpoint)) {
    throw new UserError(`--endpoint-url '${endpoint}' is not an http:// or https:// URL`, ExitCode.usage);
  }

  const region = flagRegion ?? compiledRegion ?? undefined;
  const common = {
    ...(region !== undefined ? { region } : {}),
    ...(options.profile !== undefined ? { profile: options.profile } : {}),
    ...(endpoint !== undefined ? { endpoint } : {}),
  };
  // Local endpoints have no per-bucket host names, so S3 requests put the bucket in the path.
  const overridden = endpoint !== undefined || process.env['AWS_ENDPOINT_URL'] !== undefined || process.env['AWS_ENDPOINT_URL_S3'] !== undefined;
  const sagemaker = new SageMakerClient(common);
  const s3 = new S3Client({ ...common, ...(overridden ? { forcePathStyle: true } : {}) });

  let resolved: string;
  try {
    resolved = await sagemaker.config.region();
  } catch {
    sagemaker.destroy();
    s3.destroy();
    throw new UserError('no AWS Region is set: pass --region, set AWS_REGION, or set region in the AWS profile', ExitCode.usage);
  }
  return {
    sagemaker,
    s3,
    region: resolved,
    destroy: () => {
      sagemaker.destroy();
      s3.destroy();
    },
  };
}

/** Hints for error codes a deployer meets often; the message always keeps the code itself. */
const FIXES: Readonly<Record<string, string>> = {
  CredentialsProviderError: 'configure AWS credentials: AWS_PROFILE or --profile, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or an OIDC role in CI',
  AccessDeniedException: "grant the deployer's IAM role the action named in the message (docs/deploy.md lists the deployer's permissions)",
  AccessDenied: "grant the deployer's IAM role the S3 action on the asset bucket (docs/deploy.md lists the deployer's permissions)",
  Forbidden: "S3 returns 403 for a missing object when the caller lacks s3:ListBucket; grant it on the asset bucket",
  ExpiredTokenException: 'refresh the credentials and run the command again',
  ThrottlingException: 'the service throttled the request after the SDK retries; run the command again later',
  NoSuchBucket: 'create the asset bucket, or set bucket in the config and compile again',
  NetworkError: 'check the network and the endpoint URL',
};

/**
 * Converts an AWS failure into a UserError with exit code 3, the operation and code in the
 * message, and a fix where one is known. Other errors pass through unchanged.
 */
export function toDeployError(error: unknown, operation = 'an AWS call'): unknown {
  if (error instanceof UserError) {
    return error;
  }
  const isAws = error instanceof AwsCallError || (typeof error === 'object' && error !== null && ('$metadata' in error || (error as Error).name === 'CredentialsProviderError'));
  if (!isAws) {
    return error;
  }
  const wrapped = wrapAwsError(operation, error);
  const fix = FIXES[awsErrorCode(error)];
  return new UserError(fix !== undefined ? `${wrapped.message}\n  fix: ${fix}` : wrapped.message, ExitCode.aws);
}
