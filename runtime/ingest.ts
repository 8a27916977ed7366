import type { IngestConfig } from './ingest-config.js';
import type { IngestPorts } from './ports.js';
import type { IngestReport } from './report.js';

/** Progress of a running ingest, for the CLI's progress line. */
export interface IngestProgress {
  readonly read: number;
  readonly written: number;
  readonly rejected: number;
  readonly elapsedMs: number;
}

export interface IngestOptions {
  /** Name of the processing job, for the report and notifications. */
  readonly processingJobName?: string | null;
  /** The run's start time; the event time of every row when the config says `ingest-time`. */
  readonly startTime?: Date;
  readonly onProgress?: (progress: IngestProgress) => void;
}

export interface IngestOutcome {
  readonly succeeded: boolean;
  readonly report: IngestReport;
}

/**
 * Runs the ingest: read the source, clean, validate, resolve duplicates, ensure the feature
 * group, write the records, write the report, and notify on failure.
 */
export async function runIngest(config: IngestConfig, ports: IngestPorts, options: IngestOptions = {}): Promise<IngestOutcome> {
  // TODO: the ingest pipeline; this placeholder keeps the signature that adapters and main.ts use.
  void config;
  void ports;
  void options;
  throw new Error('runIngest is not implemented yet');
}
