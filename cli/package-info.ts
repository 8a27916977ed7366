import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of the installed sagepipe package (the folder with its package.json). */
export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The installed sagepipe version, from package.json. */
export const SAGEPIPE_VERSION: string = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** The ingest runtime bundle built by `npm run build`. */
export const RUNTIME_BUNDLE_PATH = join(PACKAGE_ROOT, 'dist', 'runtime-bundle', 'ingest.mjs');

/** Reads the runtime bundle, or returns undefined when it has not been built. */
export function readRuntimeBundle(): Uint8Array | undefined {
  return existsSync(RUNTIME_BUNDLE_PATH) ? readFileSync(RUNTIME_BUNDLE_PATH) : undefined;
}
