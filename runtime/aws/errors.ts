/**
 * Errors of AWS calls: the error code and HTTP status of an SDK v3 error, how the call failed,
 * and a wrapper that puts the operation into the message. Callers branch on codes and kinds,
 * never on message text.
 */
import { failedCallOf } from './call-tracking.js';

/**
 * How an AWS call failed:
 * - `service-error`: the service responded with an error code, such as `AccessDeniedException`;
 * - `unmodelled-response`: an HTTP error response without an error code, such as S3's bodiless
 *   403 to HeadObject, or a proxy's HTML page;
 * - `unreachable`: no response because the connection failed (refused, DNS, reset, unreachable);
 * - `timed-out`: no response within the connection or request timeout;
 * - `client`: the request was never sent, for example because no credentials were found.
 */
export type AwsFailureKind = 'service-error' | 'unmodelled-response' | 'unreachable' | 'timed-out' | 'client';

/** An AWS call that failed, with the SDK's error in `cause`. */
export class AwsCallError extends Error {
  readonly kind: AwsFailureKind;
  /** Scheme, host and port of the endpoint that did not respond, when known. */
  readonly endpoint: string | undefined;

  constructor(
    /** The API operation, such as `StartQueryExecution`. */
    readonly operation: string,
    /**
     * The service's error code, such as `ThrottlingException`; `NetworkError` or `TimeoutError`
     * when no response came, and `Unknown` for a response without an error code.
     */
    readonly code: string,
    /** HTTP status of the response; undefined when no response came. */
    readonly httpStatus: number | undefined,
    message: string,
    options: {
      readonly cause?: unknown;
      readonly kind?: AwsFailureKind;
      readonly endpoint?: string;
    } = {},
  ) {
    super(message, options.cause !== undefined ? { cause: options.cause } : {});
    this.name = 'AwsCallError';
    this.kind = options.kind ?? (httpStatus !== undefined ? 'service-error' : 'client');
    this.endpoint = options.endpoint;
  }
}

/** Names the SDK gives an error response it could not match to a modelled error. */
const UNMODELLED_NAMES = new Set(['Unknown', 'UnknownError', 'Error', 'SyntaxError', 'TypeError']);

interface SdkErrorShape {
  readonly name?: unknown;
  readonly Code?: unknown;
  readonly code?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown; readonly attempts?: unknown };
}

/**
 * Returns the error code of an SDK v3 error. That is its `name`, the modelled error's name,
 * which the SDK derives from the code on the wire (SNS's `NotFound` becomes
 * `NotFoundException`). Otherwise it is the raw `Code`. Failures without a response get
 * `TimeoutError` when a connection or request timeout passed, and `NetworkError` for socket
 * errors such as ECONNREFUSED, ENOTFOUND and ECONNRESET. The rest, an HTTP response without an
 * error code included, get `Unknown`.
 */
export function awsErrorCode(error: unknown): string {
  if (error instanceof AwsCallError) {
    return error.code;
  }
  const candidate = error as SdkErrorShape | undefined;
  if (candidate === undefined || candidate === null) {
    return 'Unknown';
  }
  const status = awsHttpStatus(error);
  if (candidate.name === 'TimeoutError' || (status === undefined && candidate.code === 'ETIMEDOUT')) {
    return 'TimeoutError';
  }
  if (status === undefined && typeof candidate.code === 'string' && /^E[A-Z_]+$/.test(candidate.code)) {
    // Node's socket errors never reached the service. The SDK adds $metadata to them, so the
    // missing HTTP status is what tells them apart.
    return 'NetworkError';
  }
  if (status !== undefined && typeof candidate.name === 'string' && UNMODELLED_NAMES.has(candidate.name)) {
    return 'Unknown';
  }
  if (typeof candidate.name === 'string' && candidate.name !== '' && candidate.name !== 'Error') {
    return candidate.name;
  }
  if (typeof candidate.Code === 'string' && candidate.Code !== '') {
    return candidate.Code;
  }
  return 'Unknown';
}

/** HTTP status of the response behind an SDK v3 error, if there was one. */
export function awsHttpStatus(error: unknown): number | undefined {
  if (error instanceof AwsCallError) {
    return error.httpStatus;
  }
  const status = (error as SdkErrorShape | undefined)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Returns how an AWS call failed; see AwsFailureKind. */
export function awsFailureKind(error: unknown): AwsFailureKind {
  if (error instanceof AwsCallError) {
    return error.kind;
  }
  const code = awsErrorCode(error);
  const status = awsHttpStatus(error);
  if (code === 'TimeoutError') {
    return 'timed-out';
  }
  if (code === 'NetworkError') {
    return 'unreachable';
  }
  if (status === undefined) {
    return 'client';
  }
  return code === 'Unknown' ? 'unmodelled-response' : 'service-error';
}

/** Plain words for Node's socket error codes. */
const SOCKET_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed while sending',
  ECONNABORTED: 'connection aborted',
};

/**
 * Wraps an SDK error as `<operation> failed[ for <subject>]: <what happened>`. The second part
 * is `<code>: <message> (HTTP <status>)` for a service error, `access denied (HTTP 403)` or
 * `HTTP <status> without an error code` for an unmodelled response, and `could not reach
 * <endpoint>: ...` when no response came. The original error stays in `cause`.
 */
export function wrapAwsError(operation: string, error: unknown, subject?: string): AwsCallError {
  if (error instanceof AwsCallError) {
    return error;
  }
  const code = awsErrorCode(error);
  const status = awsHttpStatus(error);
  const kind = awsFailureKind(error);
  const endpoint = endpointOf(error);
  const on = subject !== undefined ? ` for ${subject}` : '';
  const message = `${operation} failed${on}: ${describeFailure(error, kind, code, status, endpoint)}`;
  return new AwsCallError(operation, code, status, message, { cause: error, kind, ...(endpoint !== undefined ? { endpoint } : {}) });
}

/** Runs one AWS call and wraps its error with the operation name. */
export async function callAws<T>(operation: string, call: () => Promise<T>, subject?: string): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw wrapAwsError(operation, error, subject);
  }
}

function describeFailure(error: unknown, kind: AwsFailureKind, code: string, status: number | undefined, endpoint: string | undefined): string {
  const detail = (error as Error | undefined)?.message ?? String(error);
  const attempts = (error as SdkErrorShape | undefined)?.$metadata?.attempts;
  const attemptCount = typeof attempts === 'number' && attempts > 1 ? `${attempts} attempts` : undefined;
  const target = endpoint ?? 'the endpoint';
  switch (kind) {
    case 'timed-out':
      return `could not reach ${target}: the request timed out${attemptCount !== undefined ? ` (${attemptCount})` : ''}`;
    case 'unreachable': {
      const socketCode = String((error as SdkErrorShape).code);
      const reason = SOCKET_ERRORS[socketCode] ?? 'the connection failed';
      return `could not reach ${target}: ${reason} (${[socketCode, attemptCount].filter((part) => part !== undefined).join(', ')})`;
    }
    case 'unmodelled-response':
      return status === 403 ? 'access denied (HTTP 403)' : `HTTP ${status} without an error code${attemptCount !== undefined ? ` (${attemptCount})` : ''}`;
    case 'service-error':
      return `${code}: ${detail} (HTTP ${status})`;
    case 'client':
      return `${code}: ${detail}`;
  }
}

/** Returns the endpoint a failed call went to: from call tracking, else from the socket error. */
function endpointOf(error: unknown): string | undefined {
  const tracked = failedCallOf(error)?.endpoint;
  if (tracked !== undefined) {
    return tracked;
  }
  const socket = error as { address?: unknown; port?: unknown; hostname?: unknown } | undefined;
  if (typeof socket?.hostname === 'string') {
    return socket.hostname;
  }
  if (typeof socket?.address === 'string') {
    return typeof socket.port === 'number' ? `${socket.address}:${socket.port}` : socket.address;
  }
  return undefined;
}
