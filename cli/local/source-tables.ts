/** The source tables of a local run: checks of `--table` and advice for a table without a file. */
import { statSync } from 'node:fs';
import { extname } from 'node:path';
import type { AthenaSourceConfig } from '../../runtime/ingest-config.js';
import type { MissingTableHint } from '../../runtime/local/duckdb-source.js';
import { displayPath, shellPath } from '../display-path.js';
import { UsageError } from '../output.js';
import { CHURN_COLUMNS } from './churn-generator.js';
import type { TableOption } from './options.js';

/** A table that an ingest step reads, as the ingest config names it. */
export interface SourceTable {
  readonly database: string;
  readonly table: string;
}

/**
 * Checks every `--table` before any step runs: its file exists and ends in .csv or .parquet,
 * some ingest step reads its table, and no other `--table` maps the same table. Throws one
 * UsageError that lists every problem, with the tables the pipeline reads.
 */
export function checkTableOptions(options: readonly TableOption[], readTables: readonly SourceTable[]): void {
  const read = new Set(readTables.map(tableKey));
  const readList = [...new Set(readTables.map((table) => `${table.database}.${table.table}`))].sort();
  const problems: string[] = [];
  const mapped = new Map<string, TableOption>();

  for (const option of options) {
    const invalid = (rule: string): void => {
      problems.push(`--table '${option.option}' is invalid: ${rule}`);
    };
    const earlier = mapped.get(tableKey(option));
    if (earlier !== undefined) {
      invalid(`--table '${earlier.option}' already maps table ${option.database}.${option.table}; give each table once`);
      continue;
    }
    mapped.set(tableKey(option), option);

    if (!read.has(tableKey(option))) {
      const reads = readList.length === 0 ? 'the pipeline has no ingest step, so it reads no table' : `the pipeline reads ${readList.join(', ')}`;
      invalid(`no ingest step reads table ${option.database}.${option.table}; ${reads}`);
    }
    const extension = extname(option.path).toLowerCase();
    if (extension !== '.csv' && extension !== '.parquet') {
      invalid(`the file ${displayPath(option.path)} is neither .csv nor .parquet; give a CSV file with a header row or a Parquet file`);
      continue;
    }
    const stats = statSync(option.path, { throwIfNoEntry: false });
    if (stats === undefined) {
      invalid(`the file ${displayPath(option.path)} does not exist`);
    } else if (!stats.isFile()) {
      invalid(`${displayPath(option.path)} is not a file`);
    }
  }
  if (problems.length > 0) {
    throw new UsageError(problems.join('\n'));
  }
}

/**
 * Returns the advice for a missing source table: `sagepipe generate-data` when every column the
 * query reads is a column of the generated churn table, and nothing for other tables. Only in
 * the first case can generated data stand in for the table.
 */
export function churnTableHint(store: string): MissingTableHint {
  const churnColumns = new Set<string>(CHURN_COLUMNS);
  return (source: AthenaSourceConfig) => {
    if (source.columns.length === 0 || !source.columns.every((column) => churnColumns.has(column.toLowerCase()))) {
      return undefined;
    }
    return (
      `run \`sagepipe generate-data --database ${source.database} --table ${source.table} --store ${shellPath(displayPath(store))}\` ` +
      'to write synthetic churn data there'
    );
  };
}

function tableKey(table: SourceTable): string {
  return `${table.database.toLowerCase()}.${table.table.toLowerCase()}`;
}
