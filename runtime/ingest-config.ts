/**
 * The ingest config: the file `sagepipe compile` writes for each feature-store ingest step and
 * the ingest runtime reads. It is the only contract between the two, so the runtime never
 * reads TypeScript. `schemas/ingest-config.schema.json` describes the same shape.
 */

export type FeatureType = 'Integral' | 'Fractional' | 'String';
export type CollectionType = 'List' | 'Set' | 'Vector';
export type CaseRule = 'title' | 'lower' | 'upper';

/** Null tokens used when a feature declares none: they mean "missing", compared case-insensitively. */
export const DEFAULT_NULL_TOKENS: readonly string[] = ['', 'NA', 'N/A', 'NaN', 'nan', 'None', 'null', 'NULL', 'NaT'];

/** Words mapped to 1 and 0 by a feature that declares boolean words without listing them. */
export const DEFAULT_BOOLEAN_WORDS = { true: ['yes', 'true', '1'], false: ['no', 'false', '0'] } as const;

/** Cleaning rules the runtime applies to one feature's raw value. */
export interface FeatureCleaning {
  /** Trim leading and trailing whitespace of String values. */
  readonly trim: boolean;
  /** Values meaning "missing" after trimming, compared case-insensitively. */
  readonly nullTokens: readonly string[];
  /** Canonical spellings; any casing or padding of one maps to it. */
  readonly allowedValues?: {
    readonly values: readonly string[];
    /** Policy for a value that matches none: reject the row, or keep the cleaned value. */
    readonly onUnknown: 'reject' | 'keep';
  };
  /** Case rule for String values without allowed values. */
  readonly caseRule?: CaseRule;
  /** Words mapped to 1 (true) and 0 (false), compared case-insensitively after trimming. */
  readonly booleanWords?: { readonly true: readonly string[]; readonly false: readonly string[] };
  /** Parse numeric text for Integral and Fractional features; when false, only typed numbers pass. */
  readonly coerceNumbers: boolean;
}

/** One feature of the feature group as the runtime needs it. */
export interface IngestFeature {
  readonly name: string;
  readonly type: FeatureType;
  readonly collectionType?: CollectionType;
  readonly vectorDimension?: number;
  /** Column of the source query that contains the raw value. */
  readonly sourceColumn: string;
  readonly cleaning: FeatureCleaning;
}

/** Source of the rows: an Athena table, read with a query built from validated identifiers. */
export interface AthenaSourceConfig {
  readonly kind: 'athena';
  readonly catalog: string;
  readonly database: string;
  readonly table: string;
  /** Source columns in the order the query selects them. */
  readonly columns: readonly string[];
  /** The query, built by the compiler from the quoted identifiers above. */
  readonly query: string;
  readonly workGroup: string;
  /** S3 folder for Athena's result files. */
  readonly outputLocation: string;
  /**
   * Result reading mode: page GetQueryResults (`api`), stream the result CSV from S3 (`s3-csv`),
   * or pick by result size (`auto`).
   */
  readonly resultPath: 'auto' | 'api' | 's3-csv';
  /** In `auto` mode, results with more rows than this are read from the S3 CSV. */
  readonly apiRowLimit: number;
  /** Overall time limit for the query to finish, in seconds. */
  readonly queryTimeoutSeconds: number;
}

/** The feature group the step writes to. */
export interface IngestFeatureGroupConfig {
  readonly name: string;
  readonly recordIdentifierFeatureName: string;
  readonly eventTimeFeatureName: string;
  /** The compiled CreateFeatureGroup request, used when the group does not exist yet. */
  readonly createRequest: Record<string, unknown>;
  /** Allow adding new features to an existing group (never removing or retyping). */
  readonly allowFeatureAdditions: boolean;
  /** How long to wait for a new group to reach `Created`, in seconds. */
  readonly createTimeoutSeconds: number;
}

/** Failure notification by SNS. */
export interface NotificationConfig {
  readonly topicArn: string;
  /** Appended to the subject prefix, such as `Feature Store Ingestion - Churn Classification`. */
  readonly title: string;
}

/** Bounds of the record writer. */
export interface WriterConfig {
  /** PutRecord calls in flight at once. */
  readonly concurrency: number;
  /** Attempts per record, the first included. */
  readonly maxAttempts: number;
  /** First retry delay in milliseconds; later delays grow exponentially, with full jitter. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export interface IngestConfig {
  readonly schemaVersion: 1;
  /** Name of the pipeline step, used in reports and notifications. */
  readonly stepName: string;
  readonly pipelineName: string;
  readonly region: string;
  readonly source: AthenaSourceConfig;
  readonly featureGroup: IngestFeatureGroupConfig;
  readonly features: readonly IngestFeature[];
  /** `column`: read from the source and reject rows without it; `ingest-time`: the run's start time for every row. */
  readonly eventTime: { readonly from: 'column' | 'ingest-time' };
  /** More rejected rows (or failed records) than this fails the step; valid rows are written either way. */
  readonly maxRejectedRows: number;
  readonly batchSize: number;
  readonly writer: WriterConfig;
  /** Container folder for the report, rejects and failures files. */
  readonly outputPath: string;
  readonly notification?: NotificationConfig;
}
