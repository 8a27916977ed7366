/** Counts of one ingest run; `read = written + rejected + duplicatesDropped + failed` when it finishes. */
export interface IngestCounts {
  /** Rows the source returned. */
  readonly read: number;
  /** Rows rejected by cleaning or validation (each is in rejects.jsonl). */
  readonly rejected: number;
  /** Older rows of a record identifier that a later event time replaced within the run. */
  readonly duplicatesDropped: number;
  /** Records the feature store accepted. */
  readonly written: number;
  /** Records that still failed after every retry (each is in failures.jsonl). */
  readonly failed: number;
}

/** report.json: what an ingest run did, written whether it succeeded or failed. */
export interface IngestReport {
  readonly reportVersion: 1;
  readonly pipelineName: string;
  readonly stepName: string;
  readonly featureGroupName: string;
  readonly processingJobName: string | null;
  readonly status: 'succeeded' | 'failed';
  /** One-line reason for the failure, or null when the run succeeded. */
  readonly error: string | null;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly counts: IngestCounts;
  /** Rows in which each feature was missing (left out of the record). */
  readonly missingPerFeature: Readonly<Record<string, number>>;
  /** Rejected rows per reason code; a row with several reasons counts under each. */
  readonly rejectReasons: Readonly<Record<string, number>>;
  /** Failed records per error code. */
  readonly failureCodes: Readonly<Record<string, number>>;
  /** PutRecord attempts beyond the first. */
  readonly retries: number;
  readonly maxRejectedRows: number;
  /** Milliseconds spent per stage and in total. */
  readonly durationsMs: Readonly<Record<string, number>>;
}
