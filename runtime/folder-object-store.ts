/**
 * An ObjectStore on a local folder, such as the processing container's output folder that
 * SageMaker uploads to S3 when the job ends.
 */
import { createReadStream, createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import type { LineWriter, ObjectStore } from './ports.js';

export class FolderObjectStore implements ObjectStore {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async put(key: string, body: string | Uint8Array): Promise<void> {
    const path = this.pathOf(key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, body);
  }

  async openLineWriter(key: string): Promise<LineWriter> {
    const path = this.pathOf(key);
    mkdirSync(dirname(path), { recursive: true });
    const file = createWriteStream(path);
    return {
      write: (line) => new Promise<void>((done, fail) => file.write(line.endsWith('\n') ? line : `${line}\n`, (error) => (error ? fail(error) : done()))),
      close: () => new Promise<void>((done, fail) => file.end((error?: Error | null) => (error ? fail(error) : done()))),
    };
  }

  async *read(key: string): AsyncIterable<Uint8Array> {
    yield* createReadStream(this.pathOf(key)) as AsyncIterable<Uint8Array>;
  }

  /** Resolves a key inside the folder; a key that would leave it is rejected. */
  private pathOf(key: string): string {
    if (key.startsWith('s3://')) {
      throw new TypeError(`the folder store at ${this.root} cannot read the S3 URI ${key}`);
    }
    const path = resolve(this.root, key);
    if (path !== this.root && !path.startsWith(`${this.root}${sep}`)) {
      throw new TypeError(`the key '${key}' points outside ${this.root}`);
    }
    return path;
  }
}
