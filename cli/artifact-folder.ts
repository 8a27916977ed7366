import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Artifacts } from '../compiler/compile.js';
import type { Manifest } from '../compiler/manifest.js';
import { sha256Hex } from '../compiler/manifest.js';
import manifestSchema from '../schemas/manifest.schema.json' with { type: 'json' };
import { schemaIssues, validatorFor } from '../schemas/validate.js';
import { ExitCode, UserError } from './output.js';

/**
 * Writes the artifact folder. The files go to a sibling temporary folder first, which then
 * replaces the target, so a failed write never leaves a half-updated folder and files of an
 * earlier compile never linger. A non-empty target without manifest.json is refused, because it
 * is not an artifact folder and replacing it would delete the user's files.
 */
export function writeArtifactFolder(outDir: string, artifacts: Artifacts): string {
  const target = resolve(outDir);
  if (existsSync(target) && readdirSync(target).length > 0 && !existsSync(join(target, 'manifest.json'))) {
    throw new UserError(`${outDir} is not an artifact folder: it is not empty and contains no manifest.json. Choose another --out`, ExitCode.failed);
  }
  const staging = `${target}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  for (const file of artifacts.files) {
    const path = join(staging, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content);
  }
  writeFileSync(join(staging, 'manifest.json'), artifacts.manifestText);
  writeFileSync(join(staging, MANIFEST_CHECKSUM_FILE), manifestChecksumLine(artifacts.manifestText));
  rmSync(target, { recursive: true, force: true });
  mkdirSync(dirname(target), { recursive: true });
  renameSync(staging, target);
  return target;
}

/**
 * The manifest's own SHA-256, in the format of `sha256sum`, so `sha256sum -c manifest.sha256` also
 * checks it. The manifest lists the hashes of every other file; this file covers the manifest.
 */
export const MANIFEST_CHECKSUM_FILE = 'manifest.sha256';

function manifestChecksumLine(manifestText: string): string {
  return `${sha256Hex(new TextEncoder().encode(manifestText))}  manifest.json\n`;
}

/** An artifact folder read back for deploy or local runs, with every listed file verified. */
export interface ArtifactFolder {
  readonly directory: string;
  readonly manifest: Manifest;
  /** Reads a file listed in the manifest, by its path inside the folder. */
  read(path: string): Buffer;
  readJson<T>(path: string): T;
}

/**
 * Reads and checks an artifact folder: the manifest must match its schema and every file must
 * be present with the listed SHA-256, so a deploy never sends an edited or partial folder.
 */
export function readArtifactFolder(directory: string): ArtifactFolder {
  const root = resolve(directory);
  const manifestPath = join(root, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new UserError(`${directory} is not an artifact folder: manifest.json is missing; run \`sagepipe compile\` first`, ExitCode.failed);
  }

  const manifestText = readFileSync(manifestPath, 'utf8');
  const checksumPath = join(root, MANIFEST_CHECKSUM_FILE);
  if (!existsSync(checksumPath)) {
    throw new UserError(`${directory} has no ${MANIFEST_CHECKSUM_FILE}, so manifest.json cannot be checked; run \`sagepipe compile\` again`, ExitCode.failed);
  }
  if (readFileSync(checksumPath, 'utf8') !== manifestChecksumLine(manifestText)) {
    throw new UserError(
      `manifest.json in ${directory} was changed after compile (its SHA-256 does not match ${MANIFEST_CHECKSUM_FILE}); run \`sagepipe compile\` again`,
      ExitCode.failed,
    );
  }

  let data: unknown;
  try {
    data = JSON.parse(manifestText);
  } catch (error) {
    throw new UserError(`${manifestPath} is not valid JSON: ${(error as Error).message}`, ExitCode.failed);
  }

  const validate = validatorFor(manifestSchema);
  if (!validate(data)) {
    throw new UserError(
      `${manifestPath} does not match the manifest schema`,
      ExitCode.failed,
      schemaIssues(validate.errors, data, manifestSchema, { code: 'INVALID_MANIFEST', root: 'manifest', document: manifestPath }),
    );
  }
  const manifest = data as Manifest;

  const problems: string[] = [];
  for (const file of manifest.files) {
    const path = join(root, file.path);
    if (!existsSync(path)) {
      problems.push(`${file.path} is missing`);
      continue;
    }
    const actual = sha256Hex(readFileSync(path));
    if (actual !== file.sha256) {
      problems.push(`${file.path} has SHA-256 ${actual}, but the manifest lists ${file.sha256}`);
    }
  }
  if (problems.length > 0) {
    throw new UserError(`the artifact folder ${directory} was changed after compile:\n  ${problems.join('\n  ')}\nrun \`sagepipe compile\` again`, ExitCode.failed);
  }

  const listed = new Set(manifest.files.map((file) => file.path));
  const read = (path: string): Buffer => {
    if (!listed.has(path)) {
      throw new Error(`${path} is not listed in the manifest of ${directory}`);
    }
    return readFileSync(join(root, path));
  };
  return { directory: root, manifest, read, readJson: <T>(path: string) => JSON.parse(read(path).toString('utf8')) as T };
}
