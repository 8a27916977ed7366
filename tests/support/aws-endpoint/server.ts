/**
 * A local AWS endpoint for tests: one HTTP server on 127.0.0.1 that serves the SageMaker,
 * Athena, Feature Store runtime, SNS and S3 operations sagepipe calls, in each service's wire
 * protocol and error shape, so the real AWS SDK v3 clients can talk to it over HTTP.
 *
 * It records every call, and a test can inject latency and errors through `faults`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AthenaService } from './athena.js';
import { FaultPlan } from './faults.js';
import { FeatureStoreRuntimeService } from './feature-store-runtime.js';
import { routeRequest } from './router.js';
import { S3Service } from './s3.js';
import { SageMakerService } from './sagemaker.js';
import { SnsService } from './sns.js';
import type { EndpointRequest, EndpointResponse, Protocol, ServiceName } from './wire.js';
import { errorResponse, ServiceError } from './wire.js';

/** A call the endpoint received, with the parsed input and the outcome. */
export interface RecordedCall {
  readonly service: ServiceName;
  readonly operation: string;
  /** JSON body, form fields, or for S3 the bucket, key and size. */
  readonly input: Record<string, unknown>;
  readonly status: number;
  /** The error code sent back, when the call failed. */
  readonly errorCode?: string;
  /** Access key id and Region of the request's SigV4 credential scope. */
  readonly accessKeyId: string;
  readonly region: string;
}

export interface AwsEndpoint {
  /** Base URL for the SDK's `endpoint` option or AWS_ENDPOINT_URL. */
  readonly url: string;
  readonly s3: S3Service;
  readonly sagemaker: SageMakerService;
  readonly athena: AthenaService;
  readonly featureStore: FeatureStoreRuntimeService;
  readonly sns: SnsService;
  readonly faults: FaultPlan;
  /** Every call received, in arrival order. */
  readonly calls: readonly RecordedCall[];
  /** Errors the endpoint itself raised (bugs in it), answered as HTTP 500. */
  readonly internalErrors: readonly Error[];
  /** Calls of one operation. */
  callsTo(operation: string): RecordedCall[];
  /** Most requests of one operation that were being handled at the same time. */
  maxInFlight(operation: string): number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Starts an endpoint on 127.0.0.1 on a free port. */
export async function startAwsEndpoint(): Promise<AwsEndpoint> {
  const s3 = new S3Service();
  const sagemaker = new SageMakerService(s3);
  const athena = new AthenaService(s3);
  const featureStore = new FeatureStoreRuntimeService(sagemaker.featureGroups);
  const sns = new SnsService();
  const faults = new FaultPlan();
  const calls: RecordedCall[] = [];
  const internalErrors: Error[] = [];
  const inFlight = new Map<string, number>();
  const peaks = new Map<string, number>();

  const dispatch = (request: EndpointRequest): EndpointResponse => {
    switch (request.service) {
      case 's3':
        return s3.handle(request);
      case 'sagemaker':
        return sagemaker.handle(request);
      case 'athena':
        return athena.handle(request);
      case 'featurestore':
        return featureStore.handle(request);
      case 'sns':
        return sns.handle(request);
    }
  };

  const server = createServer((incoming, outgoing) => {
    void (async () => {
      const body = await readBody(incoming);
      const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
      const raw = { method: incoming.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: incoming.headers, body };
      let protocol: Protocol = guessProtocol(raw.headers);
      let request: EndpointRequest | undefined;
      let response: EndpointResponse;
      try {
        const route = routeRequest(raw);
        protocol = route.protocol;
        request = { ...raw, ...route };
        const key = route.operation;
        inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
        peaks.set(key, Math.max(peaks.get(key) ?? 0, inFlight.get(key) ?? 0));
        try {
          const latency = faults.latencyFor(request);
          if (latency > 0) {
            await new Promise((resolve) => setTimeout(resolve, latency));
          }
          const injected = faults.errorFor(request);
          if (injected !== undefined) {
            throw injected;
          }
          response = dispatch(request);
        } finally {
          inFlight.set(key, (inFlight.get(key) ?? 1) - 1);
        }
      } catch (error) {
        if (!(error instanceof ServiceError)) {
          internalErrors.push(error as Error);
          process.stderr.write(`local AWS endpoint failed on ${raw.method} ${raw.path}: ${(error as Error).stack ?? String(error)}\n`);
        }
        const serviceError = error instanceof ServiceError ? error : new ServiceError(500, protocol === 'restXml' ? 'InternalError' : 'InternalFailure', 'internal error');
        response = errorResponse(protocol, serviceError, raw.method);
      }
      if (request !== undefined) {
        calls.push(recordCall(request, response));
      }
      writeResponse(outgoing, response, raw.method);
    })().catch((error: unknown) => {
      internalErrors.push(error as Error);
      outgoing.statusCode = 500;
      outgoing.end();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    s3,
    sagemaker,
    athena,
    featureStore,
    sns,
    faults,
    calls,
    internalErrors,
    callsTo: (operation) => calls.filter((call) => call.operation === operation),
    maxInFlight: (operation) => peaks.get(operation) ?? 0,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function readBody(incoming: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming) {
    size += (chunk as Buffer).byteLength;
    if (size > MAX_BODY_BYTES) {
      throw new Error(`request body over ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function guessProtocol(headers: Readonly<Record<string, string | string[] | undefined>>): Protocol {
  if (headers['x-amz-target'] !== undefined) {
    return 'awsJson1_1';
  }
  return String(headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') ? 'awsQuery' : 'restJson1';
}

function recordCall(request: EndpointRequest, response: EndpointResponse): RecordedCall {
  let input: Record<string, unknown>;
  if (request.protocol === 'awsQuery') {
    input = Object.fromEntries(new URLSearchParams(request.body.toString('utf8')));
  } else if (request.protocol === 'restXml') {
    const segments = request.path.split('/').slice(1);
    input = { Bucket: decodeURIComponent(segments[0] ?? ''), Key: segments.slice(1).map(decodeURIComponent).join('/'), bytes: request.body.byteLength };
  } else {
    try {
      input = request.body.byteLength === 0 ? {} : (JSON.parse(request.body.toString('utf8')) as Record<string, unknown>);
    } catch {
      input = {};
    }
    if (request.service === 'featurestore') {
      input = { ...input, FeatureGroupName: decodeURIComponent(request.path.slice('/FeatureGroup/'.length)) };
    }
  }
  const errorCode = response.status >= 300 ? errorCodeOf(response) : undefined;
  return {
    service: request.service,
    operation: request.operation,
    input,
    status: response.status,
    ...(errorCode !== undefined ? { errorCode } : {}),
    accessKeyId: request.accessKeyId,
    region: request.region,
  };
}

function errorCodeOf(response: EndpointResponse): string | undefined {
  const header = response.headers?.['x-amzn-errortype'];
  if (header !== undefined) {
    return header;
  }
  const match = /<Code>([^<]+)<\/Code>/.exec(String(response.body ?? ''));
  return match?.[1] ?? (response.status === 404 ? 'NotFound' : undefined);
}

function writeResponse(outgoing: ServerResponse, response: EndpointResponse, method: string): void {
  const body = response.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(response.body) ? response.body : Buffer.from(response.body, 'utf8');
  outgoing.statusCode = response.status;
  for (const [name, value] of Object.entries(response.headers ?? {})) {
    outgoing.setHeader(name, value);
  }
  if (!outgoing.hasHeader('content-length')) {
    outgoing.setHeader('content-length', String(body.byteLength));
  }
  outgoing.end(method === 'HEAD' ? undefined : body);
}
