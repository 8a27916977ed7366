/**
 * An ObjectStore on S3: keys are relative to a base `s3://bucket/prefix`, and `read` also takes
 * full `s3://` URIs such as Athena's result file.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { LineWriter, Logger, ObjectStore } from '../ports.js';
import { callAws } from './errors.js';
import { joinKey, parseS3Uri, type S3Location } from './s3-uri.js';

export class S3ObjectStore implements ObjectStore {
  private readonly base: S3Location;

  /** `baseUri` is the folder keys are relative to, such as `s3://bucket/reports/run-1`. */
  constructor(
    private readonly s3: S3Client,
    baseUri: string,
    private readonly logger?: Logger,
  ) {
    this.base = parseS3Uri(baseUri);
  }

  async put(key: string, body: string | Uint8Array): Promise<void> {
    const location = this.locate(key);
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    await callAws('PutObject', () => this.s3.send(new PutObjectCommand({ Bucket: location.bucket, Key: location.key, Body: bytes })), uriOf(location));
  }

  /**
   * Opens a writer whose lines go to a temporary file and are uploaded in one PutObject on
   * close, so memory does not grow with the number of lines.
   */
  async openLineWriter(key: string): Promise<LineWriter> {
    const location = this.locate(key);
    const folder = mkdtempSync(join(tmpdir(), 'sagepipe-lines-'));
    const path = join(folder, 'lines');
    const file: WriteStream = createWriteStream(path);
    const s3 = this.s3;
    const logger = this.logger;
    return {
      write: (line) =>
        new Promise<void>((resolve, reject) => {
          file.write(`${line}\n`, (error) => (error ? reject(error) : resolve()));
        }),
      close: async () => {
        await new Promise<void>((resolve, reject) => file.end((error?: Error | null) => (error ? reject(error) : resolve())));
        try {
          const size = statSync(path).size;
          await callAws(
            'PutObject',
            () => s3.send(new PutObjectCommand({ Bucket: location.bucket, Key: location.key, Body: createReadStream(path), ContentLength: size })),
            uriOf(location),
          );
          logger?.debug({ uri: uriOf(location), bytes: size }, 'uploaded line file');
        } finally {
          rmSync(folder, { recursive: true, force: true });
        }
      },
    };
  }

  async *read(key: string): AsyncIterable<Uint8Array> {
    const location = key.startsWith('s3://') ? parseS3Uri(key) : this.locate(key);
    const response = await callAws('GetObject', () => this.s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key })), uriOf(location));
    const body = response.Body as AsyncIterable<Uint8Array> | undefined;
    if (body === undefined) {
      return;
    }
    yield* body;
  }

  private locate(key: string): S3Location {
    return { bucket: this.base.bucket, key: joinKey(this.base.key, key) };
  }
}

function uriOf(location: S3Location): string {
  return `s3://${location.bucket}/${location.key}`;
}
