/** Runs SQL over the local offline store, with one view per feature group. */
import { DuckDBInstance } from '@duckdb/node-api';
import { createOfflineViews } from '../../runtime/local/offline-views.js';
import { StoreLayout } from '../../runtime/local/store-layout.js';
import { UsageError, UserError } from '../output.js';

/** Prefix of the node API's error for SQL that does not parse. */
const PARSE_ERROR_PREFIX = 'Failed to extract statements: ';

export interface QueryResult {
  readonly columns: readonly string[];
  /** Rows as JSON-safe values: bigints within the safe range become numbers, larger ones text, timestamps ISO text. */
  readonly rows: readonly (readonly unknown[])[];
}

/**
 * Runs one SQL statement. Throws UsageError when `sql` contains no statement or more than one,
 * and UserError when DuckDB rejects it (syntax, unknown table).
 */
export async function queryOfflineStore(store: string, sql: string): Promise<QueryResult> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const groups = await createOfflineViews(connection, new StoreLayout(store));
    const failed = (message: string): UserError => {
      const known = groups.map((group) => group.name).join(', ') || 'none yet';
      return new UserError(`the query failed: ${message.split('\n')[0]}\nfeature groups in ${store}: ${known}`);
    };

    let statements;
    try {
      statements = await connection.extractStatements(sql);
    } catch (error) {
      const message = (error as Error).message;
      if (message.startsWith(PARSE_ERROR_PREFIX)) {
        throw failed(message.slice(PARSE_ERROR_PREFIX.length));
      }
      // NOTE: DuckDB's node API (1.5) raises an error without a message when the text contains no statement.
      throw new UsageError('the query contains no SQL statement; pass one, such as "SELECT count(*) FROM <feature group>"');
    }
    if (statements.count > 1) {
      throw new UsageError(`the query contains ${statements.count} SQL statements, but query runs exactly one; run each statement with its own \`sagepipe query\``);
    }

    let reader;
    try {
      reader = await connection.runAndReadAll(sql);
    } catch (error) {
      throw failed((error as Error).message);
    }
    return { columns: reader.columnNames(), rows: reader.getRowsJS().map((row) => row.map(toJsonSafe)) };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function toJsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  }
  if (value instanceof Date) {
    return value.toISOString();
  }
  if (Array.isArray(value)) {
    return value.map(toJsonSafe);
  }
  return value;
}

/** Formats a result as an aligned text table with a row count. */
export function formatTable(result: QueryResult): string {
  const cells = result.rows.map((row) => row.map(cellText));
  const widths = result.columns.map((column, index) => Math.max(column.length, ...cells.map((row) => (row[index] as string).length)));
  const line = (values: readonly string[]): string => values.map((value, index) => value.padEnd(widths[index] as number)).join('  ').trimEnd();
  const lines = [line(result.columns), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)];
  lines.push(`(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})`);
  return lines.join('\n');
}

function cellText(value: unknown): string {
  if (value === null) {
    return 'NULL';
  }
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
