/**
 * The AWS side of the deploy commands. It defines the `--region`, `--profile`, `--endpoint-url`
 * and `--request-timeout` options and builds the SageMaker and S3 clients from them and the
 * standard provider chain, with bounded timeouts and attempts. deploy-errors.ts turns AWS
 * failures into errors the CLI prints with exit code 3.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { type AwsCallListener, trackAwsCalls } from '../../runtime/aws/call-tracking.js';
import { type AwsTimeouts, DEFAULT_AWS_TIMEOUTS, DEFAULT_MAX_ATTEMPTS, httpHandlerSettings } from '../../runtime/aws/client-settings.js';
import { ExitCode, UserError } from '../output.js';
import type { DeployErrorContext } from './deploy-errors.js';
import { parseSeconds } from './parse-seconds.js';
import { createWaitStatus } from './wait-status.js';

/** The options every deploy command takes, for `parseArgs`. */
export const AWS_OPTIONS = {
  region: { type: 'string' },
  profile: { type: 'string' },
  'endpoint-url': { type: 'string' },
  'request-timeout': { type: 'string' },
} as const;

/** Returns the help text of the AWS options, with descriptions starting at column `column`. */
export function awsOptionsHelp(column: number): string {
  const rows: [string, string[]][] = [
    ['--region REGION', ["AWS Region. Default: the compiled pipeline's Region, then the", "standard chain (AWS_REGION, the profile's region)"]],
    ['--profile NAME', ['Named profile of the shared AWS config files.', 'Default: AWS_PROFILE, then the default profile']],
    ['--endpoint-url URL', ['Endpoint for every AWS call, such as a local test endpoint.', 'Default: AWS_ENDPOINT_URL, then the public AWS endpoints']],
    [
      '--request-timeout SECONDS',
      [
        'Seconds to wait for the answer to one attempt of an AWS call;',
        `opening the connection may take at most ${DEFAULT_AWS_TIMEOUTS.connectionMs / 1000} s of it. Each call`,
        `makes up to ${DEFAULT_MAX_ATTEMPTS} attempts. Default: ${DEFAULT_AWS_TIMEOUTS.requestMs / 1000}`,
      ],
    ],
  ];
  return rows
    .flatMap(([option, lines]) => lines.map((line, index) => (index === 0 ? `  ${option}`.padEnd(column) : ' '.repeat(column)) + line))
    .join('\n');
}

/**
 * The paragraph on Node.js versions that every deploy command's help ends with. The AWS SDK's
 * own warning about it is turned off by `openAwsSession`.
 */
export const NODE_VERSION_HELP = `Node.js: sagepipe runs on Node.js 20.6 or later. AWS SDK for JavaScript v3 releases published
after the first week of January 2027 require Node.js 22, so use Node.js 22 to keep taking SDK
updates. The SDK's NodeVersionSupportWarning is not printed; set
AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=false to see it.`;

export interface AwsOptionValues {
  readonly region?: string | undefined;
  readonly profile?: string | undefined;
  readonly 'endpoint-url'?: string | undefined;
  readonly 'request-timeout'?: string | undefined;
}

export interface AwsSession extends DeployErrorContext {
  readonly sagemaker: SageMakerClient;
  readonly s3: S3Client;
  /** The Region the clients send requests to. */
  readonly region: string;
  destroy(): void;
}

export interface AwsSessionOptions {
  /** Listener notified when each call starts and ends. Default: a status line on stderr when it is a TTY. */
  readonly listener?: AwsCallListener;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** The SDK reads this variable each time it would print its NodeVersionSupportWarning. */
const NODE_VERSION_WARNING_SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

/**
 * Builds the clients. A `--region` that differs from the compiled pipeline's Region is
 * rejected, because the definition's ARNs name that Region. Invalid option values raise a
 * UserError with exit code 2 before any client exists.
 */
export async function openAwsSession(options: AwsOptionValues, compiledRegion: string | null | undefined, sessionOptions: AwsSessionOptions = {}): Promise<AwsSession> {
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
  const requestSeconds = parseSeconds(options['request-timeout'], '--request-timeout');
  const requestMs = requestSeconds !== undefined ? requestSeconds * 1000 : DEFAULT_AWS_TIMEOUTS.requestMs;
  const timeouts: AwsTimeouts = { connectionMs: Math.min(DEFAULT_AWS_TIMEOUTS.connectionMs, requestMs), requestMs };

  silenceNodeVersionWarning(process.env);
  const region = flagRegion ?? compiledRegion ?? undefined;
  const common = {
    ...(region !== undefined ? { region } : {}),
    ...(options.profile !== undefined ? { profile: options.profile } : {}),
    ...(endpoint !== undefined ? { endpoint } : {}),
    requestHandler: httpHandlerSettings(timeouts),
    maxAttempts: DEFAULT_MAX_ATTEMPTS,
  };
  // Local endpoints have no per-bucket host names, so S3 requests put the bucket in the path.
  const overridden = endpoint !== undefined || process.env['AWS_ENDPOINT_URL'] !== undefined || process.env['AWS_ENDPOINT_URL_S3'] !== undefined;
  const listener = sessionOptions.listener ?? createWaitStatus({ requestTimeoutMs: timeouts.requestMs, maxAttempts: DEFAULT_MAX_ATTEMPTS });
  const sagemaker = trackAwsCalls(new SageMakerClient(common), listener);
  const s3 = trackAwsCalls(new S3Client({ ...common, ...(overridden ? { forcePathStyle: true } : {}) }), listener);

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
    endpointSetting: endpointSetting(endpoint, process.env),
    requestTimeoutMs: timeouts.requestMs,
    destroy: () => {
      sagemaker.destroy();
      s3.destroy();
    },
  };
}

/**
 * Turns off the AWS SDK's NodeVersionSupportWarning, unless the user set the SDK's switch
 * themselves. The warning is about SDK releases after the first week of January 2027, which
 * need Node.js 22. The SDK that sagepipe installs runs on Node.js 20, and the warning, printed
 * when the first client is built, came before any request or error of the command. The help
 * texts and docs/deploy.md state the recommendation instead (NODE_VERSION_HELP).
 */
function silenceNodeVersionWarning(env: NodeJS.ProcessEnv): void {
  const current = env[NODE_VERSION_WARNING_SWITCH];
  if (current === undefined || current === '') {
    env[NODE_VERSION_WARNING_SWITCH] = 'true';
  }
}

/** Describes the source of the endpoint, for the fix line of an unreachable endpoint. */
function endpointSetting(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flag !== undefined) {
    return `--endpoint-url is ${flag}`;
  }
  const fromEnv = ['AWS_ENDPOINT_URL_SAGEMAKER', 'AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL'].filter((name) => env[name] !== undefined && env[name] !== '');
  if (fromEnv.length > 0) {
    return fromEnv.map((name) => `${name} is ${env[name]}`).join(', ');
  }
  return 'neither is set, so the public AWS endpoints of the Region are used';
}
