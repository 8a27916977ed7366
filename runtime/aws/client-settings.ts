/**
 * Settings that every AWS SDK v3 client of sagepipe shares: bounded timeouts on the SDK's Node
 * HTTP handler and a bounded number of attempts. Without them, an endpoint that accepts the
 * connection and never responds keeps a call waiting forever.
 */

/** Timeouts of one AWS request, in milliseconds. */
export interface AwsTimeouts {
  /** Maximum wait for the TCP (and TLS) connection to open. */
  readonly connectionMs: number;
  /**
   * Maximum wait from the start of the request to the response headers, upload included, and
   * the maximum pause while a response body streams in.
   */
  readonly requestMs: number;
}

/**
 * Default timeouts, sized by estimate: SageMaker, Athena, SNS and Feature Store API calls
 * usually respond within seconds, and uploading the 1.4 MiB runtime bundle within 60 s needs
 * about 24 KiB/s.
 */
export const DEFAULT_AWS_TIMEOUTS: AwsTimeouts = { connectionMs: 10_000, requestMs: 60_000 };

/**
 * SDK attempts per call: the first one and two retries, the SDK's own default. Clients whose
 * caller retries by itself are built with one attempt instead.
 */
export const DEFAULT_MAX_ATTEMPTS = 3;

/** Options of the SDK's Node HTTP handler, as the clients' `requestHandler` setting takes them. */
export interface HttpHandlerSettings {
  readonly connectionTimeout: number;
  readonly requestTimeout: number;
  readonly throwOnRequestTimeout: true;
  readonly socketTimeout: number;
}

/**
 * Returns the HTTP handler options for `timeouts`. Throws a RangeError when a timeout is not a
 * positive, finite number of milliseconds, because the handler reads 0 as "no timeout".
 */
export function httpHandlerSettings(timeouts: AwsTimeouts): HttpHandlerSettings {
  for (const [name, value] of Object.entries(timeouts)) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new RangeError(`AWS timeout ${name} must be a positive number of milliseconds, got ${value}`);
    }
  }
  return {
    connectionTimeout: timeouts.connectionMs,
    requestTimeout: timeouts.requestMs,
    // Without this flag the handler only logs a warning when requestTimeout passes, and waits on.
    throwOnRequestTimeout: true,
    // requestTimeout ends at the response headers, so this one bounds a stalled response body.
    socketTimeout: timeouts.requestMs,
  };
}
