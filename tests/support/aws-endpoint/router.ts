/**
 * Decides which service and operation a request is for, the way AWS front ends do: the SigV4
 * credential scope names the service, then the X-Amz-Target header (awsJson), the form Action
 * (awsQuery) or the method and path (restJson, restXml) name the operation.
 */
import type { Protocol, ServiceName } from './wire.js';
import { ServiceError } from './wire.js';

export interface Route {
  readonly service: ServiceName;
  readonly operation: string;
  readonly protocol: Protocol;
  readonly region: string;
  /** Access key id of the SigV4 credential scope, which tells the tests whose credentials signed. */
  readonly accessKeyId: string;
}

export interface RawRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

const SIGV4_CREDENTIAL = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request, ?SignedHeaders=[^,]+, ?Signature=[0-9a-f]{64}$/;

/** Routes a request or throws the error AWS would return for it. */
export function routeRequest(request: RawRequest): Route {
  const authorization = header(request, 'authorization');
  if (authorization === undefined) {
    throw new ServiceError(403, 'MissingAuthenticationTokenException', 'the request is not signed: the Authorization header is missing');
  }
  const match = SIGV4_CREDENTIAL.exec(authorization);
  if (match === null) {
    throw new ServiceError(403, 'IncompleteSignatureException', 'the Authorization header is not a SigV4 signature');
  }
  const accessKeyId = match[1] as string;
  const region = match[3] as string;
  const signingService = match[4] as string;
  const target = header(request, 'x-amz-target');

  switch (signingService) {
    case 'sagemaker':
      if (target !== undefined) {
        return { service: 'sagemaker', operation: targetOperation(target, 'SageMaker.'), protocol: 'awsJson1_1', region, accessKeyId };
      }
      return { service: 'featurestore', operation: featureStoreOperation(request), protocol: 'restJson1', region, accessKeyId };
    case 'athena':
      return { service: 'athena', operation: targetOperation(target, 'AmazonAthena.'), protocol: 'awsJson1_1', region, accessKeyId };
    case 'sns':
      return { service: 'sns', operation: formAction(request), protocol: 'awsQuery', region, accessKeyId };
    case 's3':
      return { service: 's3', operation: s3Operation(request), protocol: 'restXml', region, accessKeyId };
    default:
      throw new ServiceError(400, 'UnrecognizedClientException', `the local endpoint does not implement the service '${signingService}'`);
  }
}

function header(request: RawRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function targetOperation(target: string | undefined, prefix: string): string {
  if (target === undefined || !target.startsWith(prefix)) {
    throw new ServiceError(400, 'UnknownOperationException', `X-Amz-Target must start with '${prefix}', got '${target ?? ''}'`);
  }
  return target.slice(prefix.length);
}

function featureStoreOperation(request: RawRequest): string {
  if (!/^\/FeatureGroup\/[^/]+$/.test(request.path)) {
    throw new ServiceError(404, 'UnknownOperationException', `no Feature Store runtime operation at ${request.method} ${request.path}`);
  }
  switch (request.method) {
    case 'PUT':
      return 'PutRecord';
    case 'GET':
      return 'GetRecord';
    case 'DELETE':
      return 'DeleteRecord';
    default:
      throw new ServiceError(405, 'UnknownOperationException', `no Feature Store runtime operation for ${request.method}`);
  }
}

function formAction(request: RawRequest): string {
  const contentType = header(request, 'content-type') ?? '';
  if (!contentType.startsWith('application/x-www-form-urlencoded')) {
    throw new ServiceError(400, 'InvalidParameter', `awsQuery requests are form-encoded, got content type '${contentType}'`);
  }
  const action = new URLSearchParams(request.body.toString('utf8')).get('Action');
  if (action === null) {
    throw new ServiceError(400, 'MissingAction', 'the form has no Action field');
  }
  return action;
}

function s3Operation(request: RawRequest): string {
  const segments = request.path.split('/').filter((segment) => segment !== '');
  if (segments.length === 0) {
    throw new ServiceError(400, 'NotImplemented', 'ListBuckets is not implemented by the local endpoint');
  }
  const hasKey = segments.length > 1;
  switch (request.method) {
    case 'PUT':
      if (hasKey && !request.query.has('uploads') && !request.query.has('uploadId')) {
        return 'PutObject';
      }
      break;
    case 'HEAD':
      if (hasKey) {
        return 'HeadObject';
      }
      break;
    case 'GET':
      if (hasKey) {
        return 'GetObject';
      }
      break;
  }
  throw new ServiceError(501, 'NotImplemented', `the local endpoint does not implement S3 ${request.method} ${request.path}?${request.query.toString()}`);
}
