/** An ObjectStore on the local file system, rooted at one folder. */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import type { LineWriter, ObjectStore } from './ports.js';

/**
 * Stores objects as files under `root`. Keys are relative paths with `/`; `s3://` URIs are read
 * through `resolveUri`, which maps them into the local store. Keys that leave the root are refused.
 */
export class FileObjectStore implements ObjectStore {
  constructor(
    readonly root: string,
    private readonly resolveUri?: (uri: string) => string,
  ) {}

  async put(key: string, body: string | Uint8Array): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body);
  }

  async openLineWriter(key: string): Promise<LineWriter> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const stream = createWriteStream(path, { encoding: 'utf8' });
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    return {
      write: (line) =>
        new Promise<void>((resolve, reject) => {
          stream.write(`${line}\n`, (error) => (error ? reject(error) : resolve()));
        }),
      close: () => new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve()))),
    };
  }

  async *read(key: string): AsyncIterable<Uint8Array> {
    const path = key.startsWith('s3://') ? this.uriPath(key) : this.pathOf(key);
    for await (const chunk of createReadStream(path)) {
      yield chunk as Uint8Array;
    }
  }

  private uriPath(uri: string): string {
    if (this.resolveUri === undefined) {
      throw new Error(`this local object store cannot read '${uri}': it has no mapping for s3:// URIs`);
    }
    return this.resolveUri(uri);
  }

  private pathOf(key: string): string {
    const normalized = normalize(key);
    if (key === '' || isAbsolute(key) || normalized === '..' || normalized.startsWith(`..${sep}`)) {
      throw new Error(`object key '${key}' is invalid: use a relative path inside the store`);
    }
    return join(this.root, normalized);
  }
}
