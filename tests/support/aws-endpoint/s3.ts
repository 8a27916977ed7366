/**
 * S3 of the local endpoint (restXml, path-style): PutObject, HeadObject and GetObject on buckets
 * a test creates. Bodies sent with the aws-chunked encoding are decoded, and CRC32 and MD5
 * checksums are verified the way S3 does.
 */
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { EndpointRequest, EndpointResponse } from './wire.js';
import { ServiceError } from './wire.js';

/** An object as stored. */
export interface StoredObject {
  readonly body: Buffer;
  readonly etag: string;
  readonly lastModified: Date;
  readonly contentType: string;
  readonly metadata: Readonly<Record<string, string>>;
  /** Base64 CRC32 the client sent, returned when a GetObject asks for checksums. */
  readonly checksumCrc32?: string;
}

/** The buckets and objects of the endpoint's S3. */
export class S3Service {
  private readonly buckets = new Map<string, Map<string, StoredObject>>();

  createBucket(name: string): void {
    if (!this.buckets.has(name)) {
      this.buckets.set(name, new Map());
    }
  }

  /** Stores an object directly, as if another process had uploaded it. */
  putObject(bucket: string, key: string, body: Buffer | string, contentType = 'application/octet-stream'): void {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    this.bucket(bucket).set(key, { body: bytes, etag: etagOf(bytes), lastModified: new Date(), contentType, metadata: {} });
  }

  getObject(bucket: string, key: string): StoredObject | undefined {
    return this.buckets.get(bucket)?.get(key);
  }

  /** Reads `s3://bucket/key`, or undefined when the bucket or the object does not exist. */
  getObjectByUri(uri: string): StoredObject | undefined {
    const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
    return match === null ? undefined : this.getObject(match[1] as string, match[2] as string);
  }

  /** Keys of a bucket, sorted. */
  keys(bucket: string): string[] {
    return [...(this.buckets.get(bucket)?.keys() ?? [])].sort();
  }

  handle(request: EndpointRequest): EndpointResponse {
    const [bucketName, key] = splitPath(request.path);
    switch (request.operation) {
      case 'PutObject':
        return this.handlePut(request, bucketName, key);
      case 'HeadObject':
        return { status: 200, headers: objectHeaders(this.existing(bucketName, key, 'NotFound')) };
      case 'GetObject':
        return this.handleGet(request, bucketName, key);
      default:
        throw new ServiceError(501, 'NotImplemented', `S3 ${request.operation} is not implemented`);
    }
  }

  private handlePut(request: EndpointRequest, bucketName: string, key: string): EndpointResponse {
    const bucket = this.bucket(bucketName);
    const { body, trailers } = decodeBody(request);
    const md5 = headerOf(request, 'content-md5');
    if (md5 !== undefined && createHash('md5').update(body).digest('base64') !== md5) {
      throw new ServiceError(400, 'BadDigest', 'the Content-MD5 you specified did not match what was received');
    }
    const checksum = trailers['x-amz-checksum-crc32'] ?? headerOf(request, 'x-amz-checksum-crc32');
    if (checksum !== undefined && crc32Base64(body) !== checksum) {
      throw new ServiceError(400, 'BadDigest', 'the CRC32 checksum you specified did not match the calculated checksum');
    }
    const metadata: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (name.startsWith('x-amz-meta-') && typeof value === 'string') {
        metadata[name.slice('x-amz-meta-'.length)] = value;
      }
    }
    const stored: StoredObject = {
      body,
      etag: etagOf(body),
      lastModified: new Date(),
      contentType: headerOf(request, 'content-type') ?? 'binary/octet-stream',
      metadata,
      ...(checksum !== undefined ? { checksumCrc32: checksum } : {}),
    };
    bucket.set(key, stored);
    return { status: 200, headers: { etag: stored.etag, ...(checksum !== undefined ? { 'x-amz-checksum-crc32': checksum } : {}) } };
  }

  private handleGet(request: EndpointRequest, bucketName: string, key: string): EndpointResponse {
    const object = this.existing(bucketName, key, 'NoSuchKey');
    const headers: Record<string, string> = objectHeaders(object);
    if (headerOf(request, 'x-amz-checksum-mode') === 'ENABLED' && object.checksumCrc32 !== undefined) {
      headers['x-amz-checksum-crc32'] = object.checksumCrc32;
    }
    return { status: 200, headers, body: object.body };
  }

  private bucket(name: string): Map<string, StoredObject> {
    const bucket = this.buckets.get(name);
    if (bucket === undefined) {
      throw new ServiceError(404, 'NoSuchBucket', 'the specified bucket does not exist');
    }
    return bucket;
  }

  private existing(bucketName: string, key: string, missingCode: 'NoSuchKey' | 'NotFound'): StoredObject {
    const object = this.bucket(bucketName).get(key);
    if (object === undefined) {
      throw new ServiceError(404, missingCode, 'the specified key does not exist');
    }
    return object;
  }
}

function splitPath(path: string): [string, string] {
  const segments = path.split('/').slice(1);
  const bucket = decodeURIComponent(segments[0] ?? '');
  const key = segments.slice(1).map(decodeURIComponent).join('/');
  return [bucket, key];
}

function headerOf(request: EndpointRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Returns the object bytes of a PutObject body. Streaming uploads use the aws-chunked encoding:
 * `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n` repeated, a zero-size chunk, then trailer
 * headers such as the CRC32 checksum.
 */
function decodeBody(request: EndpointRequest): { body: Buffer; trailers: Record<string, string> } {
  const encoding = headerOf(request, 'content-encoding') ?? '';
  const payloadHash = headerOf(request, 'x-amz-content-sha256') ?? '';
  if (!encoding.includes('aws-chunked') && !payloadHash.startsWith('STREAMING-')) {
    return { body: request.body, trailers: {} };
  }
  const chunks: Buffer[] = [];
  const trailers: Record<string, string> = {};
  let offset = 0;
  const raw = request.body;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', offset);
    if (lineEnd < 0) {
      throw new ServiceError(400, 'IncompleteBody', 'the aws-chunked body ended inside a chunk header');
    }
    const size = Number.parseInt((raw.subarray(offset, lineEnd).toString('latin1').split(';')[0] as string).trim(), 16);
    if (!Number.isFinite(size)) {
      throw new ServiceError(400, 'InvalidRequest', 'invalid aws-chunked chunk size');
    }
    offset = lineEnd + 2;
    if (size === 0) {
      break;
    }
    chunks.push(raw.subarray(offset, offset + size));
    offset += size + 2;
  }
  for (const line of raw.subarray(offset).toString('latin1').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) {
      trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
  }
  const body = Buffer.concat(chunks);
  const declared = headerOf(request, 'x-amz-decoded-content-length');
  if (declared !== undefined && Number(declared) !== body.byteLength) {
    throw new ServiceError(400, 'IncompleteBody', `the decoded body has ${body.byteLength} bytes, not the declared ${declared}`);
  }
  return { body, trailers };
}

function crc32Base64(body: Buffer): string {
  const value = Buffer.alloc(4);
  value.writeUInt32BE(crc32(body) >>> 0);
  return value.toString('base64');
}

function etagOf(body: Buffer): string {
  return `"${createHash('md5').update(body).digest('hex')}"`;
}

function objectHeaders(object: StoredObject): Record<string, string> {
  const headers: Record<string, string> = {
    'content-length': String(object.body.byteLength),
    'content-type': object.contentType,
    etag: object.etag,
    'last-modified': object.lastModified.toUTCString(),
  };
  for (const [name, value] of Object.entries(object.metadata)) {
    headers[`x-amz-meta-${name}`] = value;
  }
  return headers;
}
