/**
 * Turns source rows into feature records or rejections. Every feature of a row is cleaned, so a
 * rejected row lists every reason at once, not only the first.
 */
import type { IngestConfig, IngestFeature } from '../ingest-config.js';
import type { FeatureRecord, FeatureValue, RawValue, SourceColumn } from '../ports.js';
import { type EventTime, parseEventTime } from './event-time.js';
import { cleanFeatureValue, isMissing } from './feature-value.js';
import type { RejectReason } from './outcome.js';
import { toJsonValue } from './text.js';

/** One line of rejects.jsonl. */
export interface RejectedRow {
  /** 1-based row number in source order. */
  readonly row: number;
  readonly recordIdentifier?: string;
  readonly reasons: readonly RejectReason[];
  /** The raw values keyed by source column, as JSON (bigints and dates as text). */
  readonly raw: Readonly<Record<string, unknown>>;
}

export type CleanedRow =
  | { readonly kind: 'record'; readonly record: FeatureRecord; readonly missingFeatures: readonly string[] }
  | { readonly kind: 'rejected'; readonly rejected: RejectedRow };

/** Raised when the source result lacks a column that a feature reads; no row can be cleaned then. */
export class SourceColumnsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceColumnsError';
  }
}

interface BoundFeature {
  readonly feature: IngestFeature;
  /** Index of the source column, or undefined for an event time supplied at ingest. */
  readonly columnIndex: number | undefined;
}

/** Cleans rows of one source result, whose columns are fixed when the cleaner is built. */
export class RowCleaner {
  private readonly bound: readonly BoundFeature[];
  private readonly columnNames: readonly string[];

  /**
   * Binds each feature to its source column by name, case-insensitively, because Athena returns
   * lower-case column names. Throws SourceColumnsError naming every column that is missing.
   * `ingestTime` is the event time of every row when the config sets `ingest-time`.
   */
  constructor(
    private readonly config: IngestConfig,
    columns: readonly SourceColumn[],
    private readonly ingestTime: EventTime | undefined,
  ) {
    this.columnNames = columns.map((column) => column.name);
    const byFoldedName = new Map<string, number>();
    columns.forEach((column, index) => {
      const folded = column.name.toLowerCase();
      if (byFoldedName.has(folded)) {
        throw new SourceColumnsError(`the source returns two columns named '${column.name}' when case is ignored; rename one in the source table`);
      }
      byFoldedName.set(folded, index);
    });

    const missing: string[] = [];
    this.bound = config.features.map((feature) => {
      if (this.suppliesEventTime(feature)) {
        return { feature, columnIndex: undefined };
      }
      const columnIndex = byFoldedName.get(feature.sourceColumn.toLowerCase());
      if (columnIndex === undefined) {
        missing.push(`'${feature.sourceColumn}' (feature '${feature.name}')`);
      }
      return { feature, columnIndex };
    });
    if (missing.length > 0) {
      throw new SourceColumnsError(
        `the source result has no column ${missing.join(', ')}; it returned ${this.columnNames.map((name) => `'${name}'`).join(', ') || 'no columns'}. ` +
          'Add the column to the source table, or map the feature to an existing column with .from("column")',
      );
    }
  }

  /** Cleans one row; `rowNumber` is its 1-based position in the source. */
  clean(row: readonly RawValue[], rowNumber: number): CleanedRow {
    const group = this.config.featureGroup;
    const reasons: RejectReason[] = [];
    const values: FeatureValue[] = [];
    const missingFeatures: string[] = [];
    let identifier: string | undefined;
    let eventTime: EventTime | undefined;

    for (const { feature, columnIndex } of this.bound) {
      const raw = columnIndex === undefined ? null : (row[columnIndex] ?? null);
      if (feature.name === group.eventTimeFeatureName) {
        eventTime = this.cleanEventTime(feature, raw, reasons);
        if (eventTime !== undefined) {
          values.push({ featureName: feature.name, valueAsString: eventTime.text });
        }
        continue;
      }

      const outcome = cleanFeatureValue(feature, raw);
      if (outcome.kind === 'reject') {
        reasons.push({ code: outcome.code, feature: feature.name, message: outcome.message });
      } else if (outcome.kind === 'missing') {
        if (feature.name === group.recordIdentifierFeatureName) {
          reasons.push({ code: 'MISSING_RECORD_IDENTIFIER', feature: feature.name, message: 'the record identifier is missing' });
        } else {
          missingFeatures.push(feature.name);
        }
      } else if (outcome.kind === 'value') {
        values.push({ featureName: feature.name, valueAsString: outcome.text });
        if (feature.name === group.recordIdentifierFeatureName) {
          identifier = outcome.text;
        }
      } else {
        values.push({ featureName: feature.name, valueAsStringList: outcome.values });
      }
    }

    if (reasons.length > 0 || identifier === undefined || eventTime === undefined) {
      return {
        kind: 'rejected',
        rejected: { row: rowNumber, ...(identifier !== undefined ? { recordIdentifier: identifier } : {}), reasons, raw: this.rawObject(row) },
      };
    }
    return { kind: 'record', record: { identifier, eventTime: eventTime.text, eventTimeMs: eventTime.epochMs, values }, missingFeatures };
  }

  private cleanEventTime(feature: IngestFeature, raw: RawValue, reasons: RejectReason[]): EventTime | undefined {
    if (this.ingestTime !== undefined) {
      return this.ingestTime;
    }
    if (isMissing(raw, feature.cleaning)) {
      reasons.push({ code: 'MISSING_EVENT_TIME', feature: feature.name, message: 'the event time is missing' });
      return undefined;
    }
    const outcome = parseEventTime(raw, feature.type);
    if (outcome.kind === 'reject') {
      reasons.push({ code: outcome.code, feature: feature.name, message: outcome.message });
      return undefined;
    }
    return outcome.time;
  }

  private suppliesEventTime(feature: IngestFeature): boolean {
    return this.ingestTime !== undefined && feature.name === this.config.featureGroup.eventTimeFeatureName;
  }

  private rawObject(row: readonly RawValue[]): Record<string, unknown> {
    const raw: Record<string, unknown> = {};
    this.columnNames.forEach((name, index) => {
      raw[name] = toJsonValue(row[index] ?? null);
    });
    return raw;
  }
}
