/**
 * Errors of AWS calls: the error code and HTTP status of an SDK v3 error, and a wrapper that
 * puts the operation into the message. Callers branch on codes, never on message text.
 */

/** An AWS call that failed, with the SDK's error in `cause`. */
export class AwsCallError extends Error {
  constructor(
    /** The API operation, such as `StartQueryExecution`. */
    readonly operation: string,
    /** The service's error code, such as `ThrottlingException`, or `NetworkError` when no response came. */
    readonly code: string,
    /** HTTP status of the response; undefined when no response came. */
    readonly httpStatus: number | undefined,
    message: string,
    options: { readonly cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = 'AwsCallError';
  }
}

/**
 * Returns the error code of an SDK v3 error. That is its `name`, the modelled error's name,
 * which the SDK derives from the code on the wire (SNS's `NotFound` becomes
 * `NotFoundException`). Otherwise it is the raw `Code`, `NetworkError` for socket errors that
 * got no response, or `Unknown`.
 */
export function awsErrorCode(error: unknown): string {
  if (error instanceof AwsCallError) {
    return error.code;
  }
  const candidate = error as { name?: unknown; Code?: unknown; code?: unknown; $metadata?: unknown } | undefined;
  if (candidate === undefined || candidate === null) {
    return 'Unknown';
  }
  if (candidate.$metadata === undefined && typeof candidate.code === 'string' && /^E[A-Z]+$/.test(candidate.code)) {
    // Node's socket errors (ECONNREFUSED, ECONNRESET, ETIMEDOUT) never reached the service.
    return 'NetworkError';
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
  const status = (error as { $metadata?: { httpStatusCode?: unknown } } | undefined)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Wraps an SDK error as `<operation> failed: <code>: <message>`, adding `subject` (such as the
 * resource name) when given. The original error stays in `cause`.
 */
export function wrapAwsError(operation: string, error: unknown, subject?: string): AwsCallError {
  if (error instanceof AwsCallError) {
    return error;
  }
  const code = awsErrorCode(error);
  const status = awsHttpStatus(error);
  const detail = (error as Error | undefined)?.message ?? String(error);
  const on = subject !== undefined ? ` for ${subject}` : '';
  return new AwsCallError(operation, code, status, `${operation} failed${on}: ${code}: ${detail}`, { cause: error });
}

/** Runs one AWS call and wraps its error with the operation name. */
export async function callAws<T>(operation: string, call: () => Promise<T>, subject?: string): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw wrapAwsError(operation, error, subject);
  }
}
