/** Parsing of the options that the local commands share. */
import { resolve } from 'node:path';
import type { LocalTable } from '../../runtime/local/duckdb-source.js';
import { resolveStoreDirectory } from '../../runtime/local/store-layout.js';
import { UsageError } from '../output.js';

/** Returns the store folder chosen by `--store`, SAGEPIPE_STORE or the default `.sagepipe`. */
export function storeFolder(option: string | undefined): string {
  return resolveStoreDirectory(option);
}

/** A `--table` mapping with the option value as the user wrote it, for messages. */
export interface TableOption extends LocalTable {
  readonly option: string;
}

/** Parses `--table database.table=PATH` values; the path is taken relative to the working folder. */
export function parseTables(values: readonly string[] | undefined): TableOption[] {
  return (values ?? []).map((value) => {
    const match = /^([A-Za-z0-9_]{1,255})\.([A-Za-z0-9_]{1,255})=(.+)$/.exec(value);
    if (match === null) {
      throw new UsageError(`--table '${value}' is invalid: write it as database.table=PATH, such as ml_metrics.churn_prediction_data=data.csv`);
    }
    return { database: match[1] as string, table: match[2] as string, path: resolve(match[3] as string), option: value };
  });
}

/** Parses a whole number option, such as `--n-samples 5000`, within bounds. */
export function parseCount(name: string, value: string | undefined, fallback: number, bounds: { min: number; max: number }): number {
  if (value === undefined) {
    return fallback;
  }
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number < bounds.min || number > bounds.max) {
    throw new UsageError(`--${name} '${value}' is invalid: use a whole number from ${bounds.min} to ${bounds.max}`);
  }
  return number;
}
