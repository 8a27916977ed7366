import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { IngestConfig } from '../../runtime/ingest-config.js';
import { runIngest } from '../../runtime/ingest.js';
import { createLocalPorts } from '../../runtime/local/local-ports.js';
import { StoreLayout } from '../../runtime/local/store-layout.js';
import type { IngestReport } from '../../runtime/report.js';
import { silentLogger, tempFolder, testConfig } from './ingest-fixtures.js';

export interface LocalIngestRun {
  readonly store: string;
  readonly output: string;
  readonly succeeded: boolean;
  readonly report: IngestReport;
  /** Removes the store and the output folder. */
  remove(): void;
}

/**
 * Writes `content` byte for byte (text as UTF-8) as the file of table db.raw (`.csv` unless
 * `extension` is `parquet`) and ingests it with the local adapters and the test config.
 */
export async function ingestTableText(
  content: string | Uint8Array,
  options: { config?: IngestConfig; memory?: number; extension?: 'csv' | 'parquet' } = {},
): Promise<LocalIngestRun> {
  const store = tempFolder('local-ingest');
  const path = new StoreLayout(store).tableFile('db', 'raw', options.extension ?? 'csv');
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  const output = tempFolder('local-ingest-output');
  const ports = createLocalPorts({ store, outputDirectory: output, logger: silentLogger });
  const outcome = await runIngest(options.config ?? testConfig({ maxRejectedRows: 100 }), ports, {
    ...(options.memory !== undefined ? { dedupeMemoryRecords: options.memory } : {}),
  });
  return {
    store,
    output,
    succeeded: outcome.succeeded,
    report: outcome.report,
    remove: () => {
      rmSync(store, { recursive: true, force: true });
      rmSync(output, { recursive: true, force: true });
    },
  };
}

/** Reads a JSON Lines file into one object per line. */
export function readJsonLines(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
