/**
 * Wire-level pieces shared by the services of the local AWS endpoint: the request and response
 * shapes, the service error, and the error bodies of each protocol.
 */
import { randomUUID } from 'node:crypto';

/** The protocols the endpoint speaks, as the AWS SDK names them. */
export type Protocol = 'awsJson1_1' | 'restJson1' | 'awsQuery' | 'restXml';

/** A request after routing: which service and operation it is for, with its raw parts. */
export interface EndpointRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
  readonly service: ServiceName;
  readonly operation: string;
  readonly protocol: Protocol;
  /** Region of the SigV4 credential scope, used for ARNs. */
  readonly region: string;
  readonly accessKeyId: string;
}

export type ServiceName = 'sagemaker' | 'athena' | 'featurestore' | 'sns' | 's3';

/** What a handler returns; the server writes it as is. */
export interface EndpointResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Buffer | string;
}

/**
 * An error the service returns to the client. `code` is the error code the SDK turns into the
 * error's `name`; `status` is the HTTP status; `fault` is the awsQuery `Type` (Sender for client
 * errors, Receiver for service faults).
 */
export class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fault: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

/** ValidationException (HTTP 400), the code SageMaker uses for invalid input. */
export function validationError(message: string): ServiceError {
  return new ServiceError(400, 'ValidationException', message);
}

/** A successful awsJson1_1 or restJson1 response. */
export function jsonResponse(protocol: Protocol, data: unknown, status = 200): EndpointResponse {
  return {
    status,
    headers: {
      'content-type': protocol === 'awsJson1_1' ? 'application/x-amz-json-1.1' : 'application/json',
      'x-amzn-requestid': randomUUID(),
    },
    body: JSON.stringify(data),
  };
}

/** A successful awsQuery or restXml response. */
export function xmlResponse(xml: string, status = 200, headers: Record<string, string> = {}): EndpointResponse {
  return { status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID(), ...headers }, body: xml };
}

/** Renders a service error in the shape of the protocol the client spoke. */
export function errorResponse(protocol: Protocol, error: ServiceError, method = 'POST'): EndpointResponse {
  const requestId = randomUUID();
  switch (protocol) {
    case 'awsJson1_1':
      return {
        status: error.status,
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId, 'x-amzn-errortype': error.code },
        body: JSON.stringify({ __type: error.code, message: error.message }),
      };
    case 'restJson1':
      return {
        status: error.status,
        headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amzn-errortype': error.code },
        body: JSON.stringify({ message: error.message }),
      };
    case 'awsQuery':
      return {
        status: error.status,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
        body:
          `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">` +
          `<Error><Type>${error.fault}</Type><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
          `<RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
    case 'restXml':
      // S3 answers HEAD requests without a body, so the client only sees the status.
      if (method === 'HEAD') {
        return { status: error.status, headers: { 'x-amz-request-id': requestId } };
      }
      return {
        status: error.status,
        headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
        body:
          `<?xml version="1.0" encoding="UTF-8"?>\n` +
          `<Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message><RequestId>${requestId}</RequestId></Error>`,
      };
  }
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Parses a JSON request body; a malformed body is a SerializationException, as AWS returns. */
export function parseJsonBody(body: Buffer): Record<string, unknown> {
  if (body.byteLength === 0) {
    return {};
  }
  try {
    const value = JSON.parse(body.toString('utf8')) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error('not an object');
    }
    return value as Record<string, unknown>;
  } catch {
    throw new ServiceError(400, 'SerializationException', 'the request body is not a JSON object');
  }
}

/** Epoch seconds with milliseconds, the timestamp format of awsJson and restJson bodies. */
export function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}

/** Reads an optional string member, rejecting other types the way the service does. */
export function optionalString(input: Record<string, unknown>, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new ServiceError(400, 'SerializationException', `member ${name} must be a string`);
  }
  return value;
}

/** Reads a required string member; a missing one is a ValidationException naming the member. */
export function requiredString(input: Record<string, unknown>, name: string, code = 'ValidationException'): string {
  const value = optionalString(input, name);
  if (value === undefined) {
    throw new ServiceError(400, code, `${name} is required`);
  }
  return value;
}

/** Checks a string member against a length range and a pattern, as the API models declare them. */
export function checkString(name: string, value: string, rule: { min?: number; max?: number; pattern?: RegExp }, code = 'ValidationException'): void {
  const length = [...value].length;
  if (rule.min !== undefined && length < rule.min) {
    throw new ServiceError(400, code, `${name} has ${length} characters; the minimum is ${rule.min}`);
  }
  if (rule.max !== undefined && length > rule.max) {
    throw new ServiceError(400, code, `${name} has ${length} characters; the maximum is ${rule.max}`);
  }
  if (rule.pattern !== undefined && !rule.pattern.test(value)) {
    throw new ServiceError(400, code, `${name} '${value}' does not match the pattern ${rule.pattern.source}`);
  }
}

/** Account id of every ARN the endpoint makes. */
export const ACCOUNT_ID = '123456789012';
