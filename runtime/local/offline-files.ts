/**
 * Names and column types of the local offline store, which follows the layout Feature Store
 * uses in S3 for Glue-format tables: hourly partitions by event time, and Parquet files named
 * after the latest event time they contain plus 16 random letters and digits.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { FeatureDefinition } from '../ports.js';

/** Columns the service adds to every offline row, after the features. */
export const OFFLINE_EXTRA_COLUMNS = ['write_time', 'api_invocation_time', 'is_deleted'] as const;

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Returns the partition folder of an event time: `data/year=YYYY/month=MM/day=DD/hour=HH`. */
export function partitionPath(eventTimeMs: number): string {
  const iso = new Date(eventTimeMs).toISOString();
  return join('data', `year=${iso.slice(0, 4)}`, `month=${iso.slice(5, 7)}`, `day=${iso.slice(8, 10)}`, `hour=${iso.slice(11, 13)}`);
}

/** Returns a file name such as `20210111T100000Z_A1b2C3d4E5f6G7h8.parquet`, for the latest event time in the file. */
export function offlineFileName(latestEventTimeMs: number): string {
  const stamp = new Date(latestEventTimeMs).toISOString().slice(0, 19).replace(/[-:]/g, '');
  return `${stamp}Z_${randomAlphanumeric(16)}.parquet`;
}

function randomAlphanumeric(length: number): string {
  // 62 does not divide 256, so bytes of 248 and above are skipped to keep every character equally likely.
  let text = '';
  while (text.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && text.length < length) {
        text += ALPHANUMERIC[byte % 62];
      }
    }
  }
  return text;
}

/** DuckDB column type of a feature: Integral → BIGINT, Fractional → DOUBLE, String → VARCHAR, collections as lists. */
export function duckDbType(definition: FeatureDefinition): string {
  const scalar = definition.FeatureType === 'Integral' ? 'BIGINT' : definition.FeatureType === 'Fractional' ? 'DOUBLE' : 'VARCHAR';
  return definition.CollectionType === undefined ? scalar : `${scalar}[]`;
}

/** Quotes a feature name for SQL; feature names are checked against the service's pattern first. */
export function quoteColumn(name: string): string {
  if (!/^[a-zA-Z0-9]([-_]*[a-zA-Z0-9]){0,63}$/.test(name)) {
    throw new Error(`feature name '${name}' is invalid: it must match [a-zA-Z0-9]([-_]*[a-zA-Z0-9]){0,63}`);
  }
  return `"${name}"`;
}
