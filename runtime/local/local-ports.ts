/**
 * Wires the ingest ports to the local adapters: DuckDB for the source, the file system for
 * outputs, and the local feature store under one store folder.
 */
import { type Clock, type IngestPorts, type Logger, systemClock } from '../ports.js';
import { DuckDbQuerySource, type LocalTable, type MissingTableHint } from './duckdb-source.js';
import { LocalFeatureGroupControl } from './feature-group-registry.js';
import { FileObjectStore } from '../file-object-store.js';
import { LocalRecordWriter } from './local-record-writer.js';
import { LogNotifier } from './log-notifier.js';
import { StoreLayout } from './store-layout.js';

export interface LocalPortsOptions {
  /** Folder of the local store. */
  readonly store: string;
  /** Folder that receives report.json, rejects.jsonl, duplicates.jsonl and failures.jsonl. */
  readonly outputDirectory: string;
  /** Explicit table files; others are looked up in the store. */
  readonly tables?: readonly LocalTable[];
  /** More advice for a source table that has no local file. */
  readonly missingTableHint?: MissingTableHint;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Topic the notification would go to, for the log line. */
  readonly topicArn?: string;
}

/** Ingest ports on embedded engines, plus the notifier so that callers can show what it logged. */
export function createLocalPorts(options: LocalPortsOptions): IngestPorts & { readonly notifier: LogNotifier } {
  const layout = new StoreLayout(options.store);
  const clock = options.clock ?? systemClock;
  return {
    source: new DuckDbQuerySource(layout, options.tables ?? [], options.logger, {
      ...(options.missingTableHint !== undefined ? { missingTableHint: options.missingTableHint } : {}),
    }),
    output: new FileObjectStore(options.outputDirectory, (uri) => layout.s3Path(uri)),
    featureGroups: new LocalFeatureGroupControl(layout, clock),
    writer: new LocalRecordWriter(layout, clock, options.logger),
    notifier: new LogNotifier(options.logger, options.topicArn),
    logger: options.logger,
    clock,
  };
}
