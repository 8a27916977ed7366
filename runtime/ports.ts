/**
 * The ingest runtime talks to the outside world only through these ports. Local adapters
 * (DuckDB, the file system, a local feature store) and AWS adapters (Athena, S3, SageMaker,
 * Feature Store runtime, SNS through the AWS SDK v3) implement them.
 */
import type { AthenaSourceConfig } from './ingest-config.js';

/** A raw value as a source delivers it: text, a typed scalar, a list, or null for SQL NULL. */
export type RawValue = string | number | bigint | boolean | Date | null | readonly RawValue[];

/** A column of the source result, with the source's type name (such as `varchar` or `integer`). */
export interface SourceColumn {
  readonly name: string;
  readonly type: string;
}

/** Rows of the source in source order, each aligned with `columns`. */
export interface SourceBatch {
  readonly columns: readonly SourceColumn[];
  readonly rows: readonly (readonly RawValue[])[];
}

/** A line of a source file that the source could not parse into a row, such as a CSV line with an extra field. */
export interface UnparsedSourceLine {
  /** The table the line belongs to, as `database.table`. */
  readonly table: string;
  /** 1-based line number in the file, counting the header and every line break. */
  readonly line: number;
  /** The raw text of the line; a record whose quoted value spans lines keeps its line breaks. */
  readonly text: string;
  /** The problems of the line, one message each. */
  readonly problems: readonly string[];
}

/** Runs the source query and streams its rows. */
export interface QuerySource {
  /** Yields the result in batches of at most `batchSize` rows; memory must not grow with the result. */
  read(source: AthenaSourceConfig, batchSize: number): AsyncIterable<SourceBatch>;
  /**
   * Yields the lines that the last `read` skipped because they could not be parsed into rows.
   * Call it after `read` has finished and before `close`. Sources that never skip a line leave
   * it out.
   */
  unparsedLines?(): AsyncIterable<UnparsedSourceLine>;
  close?(): Promise<void>;
}

/** Raised by a QuerySource when the source table lacks columns that the query selects. */
export class SourceColumnsNotFoundError extends Error {
  constructor(
    /** The table, as `database.table`. */
    readonly table: string,
    readonly missingColumns: readonly string[],
    /** Every column the table has, in table order. */
    readonly tableColumns: readonly string[],
  ) {
    super(`the source table ${table} has no column ${missingColumns.map((column) => `'${column}'`).join(', ')}`);
    this.name = 'SourceColumnsNotFoundError';
  }
}

/** Appends lines to one object, such as `rejects.jsonl`. */
export interface LineWriter {
  /** Appends `line` and a line break; `line` itself holds no line break. */
  write(line: string): Promise<void>;
  close(): Promise<void>;
}

/** Where the runtime writes its report, rejects and failures files, and reads objects from. */
export interface ObjectStore {
  put(key: string, body: string | Uint8Array): Promise<void>;
  openLineWriter(key: string): Promise<LineWriter>;
  /** Streams an object; `key` is relative to the store or an `s3://` URI the adapter understands. */
  read(key: string): AsyncIterable<Uint8Array>;
}

export type FeatureGroupStatus = 'Creating' | 'Created' | 'CreateFailed' | 'Deleting' | 'DeleteFailed';

/** A feature definition as DescribeFeatureGroup returns it. */
export interface FeatureDefinition {
  readonly FeatureName: string;
  readonly FeatureType: 'Integral' | 'Fractional' | 'String';
  readonly CollectionType?: 'List' | 'Set' | 'Vector';
  readonly CollectionConfig?: { readonly VectorConfig?: { readonly Dimension: number } };
}

/** The parts of DescribeFeatureGroup the runtime uses. */
export interface FeatureGroupDescription {
  readonly name: string;
  readonly status: FeatureGroupStatus;
  readonly failureReason?: string;
  readonly recordIdentifierFeatureName: string;
  readonly eventTimeFeatureName: string;
  readonly featureDefinitions: readonly FeatureDefinition[];
  readonly onlineStoreEnabled: boolean;
  readonly offlineStoreEnabled: boolean;
  /** Status of the last UpdateFeatureGroup, when there was one. */
  readonly lastUpdateStatus?: 'Successful' | 'Failed' | 'InProgress';
  readonly lastUpdateFailureReason?: string;
}

/** Raised by `create` when a group of that name already exists (ResourceInUse). */
export class FeatureGroupExistsError extends Error {
  constructor(readonly featureGroupName: string) {
    super(`feature group '${featureGroupName}' already exists`);
    this.name = 'FeatureGroupExistsError';
  }
}

/** Creates, describes and extends feature groups. */
export interface FeatureGroupControl {
  /** Returns undefined when the group does not exist (ResourceNotFound). */
  describe(name: string): Promise<FeatureGroupDescription | undefined>;
  /** Sends the compiled CreateFeatureGroup request; throws FeatureGroupExistsError on a race. */
  create(request: Record<string, unknown>): Promise<void>;
  /** Adds features (at most 100 per call, as UpdateFeatureGroup allows). */
  addFeatures(name: string, definitions: readonly FeatureDefinition[]): Promise<void>;
}

/** One value of a record; exactly one of the two fields is set. Missing features are left out. */
export interface FeatureValue {
  readonly featureName: string;
  readonly valueAsString?: string;
  readonly valueAsStringList?: readonly string[];
}

/** A cleaned record, ready for PutRecord. */
export interface FeatureRecord {
  readonly identifier: string;
  /** The event time exactly as sent, such as `2024-05-01T12:00:00Z` or epoch seconds text. */
  readonly eventTime: string;
  /** The event time in epoch milliseconds, for ordering. */
  readonly eventTimeMs: number;
  readonly values: readonly FeatureValue[];
}

/** A record that could not be written after every retry. */
export interface RecordFailure {
  readonly identifier: string;
  readonly errorCode: string;
  readonly message: string;
  readonly attempts: number;
}

export interface WriteResult {
  readonly written: number;
  readonly failures: readonly RecordFailure[];
  /** Retries made (attempts beyond the first), for the report. */
  readonly retries: number;
}

/** Writes records to a feature group. */
export interface RecordWriter {
  write(featureGroupName: string, records: readonly FeatureRecord[]): Promise<WriteResult>;
  close?(): Promise<void>;
}

/** A failure notification. */
export interface Notification {
  readonly subject: string;
  readonly body: string;
}

/** Sends failure notifications; a failed send is the caller's to log, never to rethrow. */
export interface Notifier {
  notify(notification: Notification): Promise<void>;
}

/** Time, injectable so that polling and backoff can be tested without waiting. */
export interface Clock {
  now(): Date;
  sleep(milliseconds: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds)),
};

/** The logging calls the runtime makes; pino loggers satisfy it. */
export interface Logger {
  debug(data: object, message: string): void;
  info(data: object, message: string): void;
  warn(data: object, message: string): void;
  error(data: object, message: string): void;
}

/** Everything the ingest pipeline needs from the outside. */
export interface IngestPorts {
  readonly source: QuerySource;
  /** Where report.json, rejects.jsonl, duplicates.jsonl and failures.jsonl go. */
  readonly output: ObjectStore;
  readonly featureGroups: FeatureGroupControl;
  readonly writer: RecordWriter;
  readonly notifier: Notifier;
  readonly logger: Logger;
  readonly clock: Clock;
}
