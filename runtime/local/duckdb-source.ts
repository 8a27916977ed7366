/**
 * A QuerySource on DuckDB: the config's Athena SQL runs on the source table, registered as a
 * view in a schema named like the Athena database. CSV files are read as VARCHAR, so raw text
 * (padding, `1.0`, `NA`) reaches the cleaning rules as it is, and a CSV line that cannot be
 * parsed is skipped and handed to the core through `unparsedLines`. Parquet files keep their
 * column types.
 */
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import {
  type DuckDBConnection,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBInstance,
  DuckDBListValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { AthenaSourceConfig } from '../ingest-config.js';
import { type Logger, type QuerySource, type RawValue, type SourceBatch, type SourceColumn, SourceColumnsNotFoundError, type UnparsedSourceLine } from '../ports.js';
import { csvReader, LocalTableFormatError, otherDelimiterMessage, readCsvHeader, unparsedCsvLines } from './csv-table.js';
import { assertTableName, type StoreLayout } from './store-layout.js';

/** A local file that replaces an Athena table in local runs. */
export interface LocalTable {
  readonly database: string;
  readonly table: string;
  /** A .csv file (header row, read as text) or a .parquet file. */
  readonly path: string;
}

/** Raised when a table the query needs has no local file. */
export class LocalTableNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalTableNotFoundError';
  }
}

/**
 * Returns more advice for a source table that has no local file, such as a command that writes
 * the table, or undefined when there is none. The text follows "or" in the error message.
 */
export type MissingTableHint = (source: AthenaSourceConfig) => string | undefined;

export interface DuckDbQuerySourceOptions {
  readonly missingTableHint?: MissingTableHint;
}

/** DuckDB's binder error for a column that the query selects and the table lacks. */
const MISSING_COLUMN_ERROR = /^Binder Error: Referenced column "((?:[^"]|"")+)" not found/;

export class DuckDbQuerySource implements QuerySource {
  private instance: DuckDBInstance | undefined;
  private connection: DuckDBConnection | undefined;
  /** `database.table` of each CSV file that the last `read` registered, by path. */
  private csvTables = new Map<string, string>();

  /**
   * `tables` are explicit mappings (from `--table db.table=PATH`); a table without one is looked
   * up in the store at `tables/<database>/<table>.csv` or `.parquet`.
   */
  constructor(
    private readonly layout: StoreLayout,
    private readonly tables: readonly LocalTable[],
    private readonly logger: Logger,
    private readonly options: DuckDbQuerySourceOptions = {},
  ) {}

  /**
   * Streams the query result. Before it runs the query, it checks that the table has every
   * column of `source.columns`, and throws SourceColumnsNotFoundError naming each missing one
   * (or LocalTableFormatError when a CSV header shows another delimiter). The DuckDB connection
   * stays open for `unparsedLines` until `close`.
   */
  async *read(source: AthenaSourceConfig, batchSize: number): AsyncIterable<SourceBatch> {
    await this.close();
    this.instance = await DuckDBInstance.create(':memory:');
    const connection = await this.instance.connect();
    this.connection = connection;

    const table = this.sourceTable(source);
    const columns = await this.registerTable(connection, table);
    this.checkColumns(source, table, columns);
    this.logger.info({ database: source.database, table: source.table, file: table.path }, 'running the source query on DuckDB');
    const result = await connection.stream(source.query).catch((error: unknown) => {
      throw this.queryError(error, table, columns);
    });
    const resultColumns: SourceColumn[] = result.columnNames().map((name, index) => ({ name, type: result.columnType(index).toString().toLowerCase() }));
    let rows: RawValue[][] = [];
    for (;;) {
      const chunk = await result.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) {
        break;
      }
      for (const row of chunk.getRows()) {
        rows.push(row.map(toRawValue));
        if (rows.length >= batchSize) {
          yield { columns: resultColumns, rows };
          rows = [];
        }
      }
    }
    if (rows.length > 0) {
      yield { columns: resultColumns, rows };
    }
  }

  /** Yields the CSV lines that the last `read` skipped because they could not be parsed. */
  async *unparsedLines(): AsyncIterable<UnparsedSourceLine> {
    if (this.connection === undefined || this.csvTables.size === 0) {
      return;
    }
    yield* unparsedCsvLines(this.connection, this.csvTables);
  }

  /** Closes the DuckDB connection and database; safe to call more than once. */
  async close(): Promise<void> {
    this.connection?.closeSync();
    this.instance?.closeSync();
    this.connection = undefined;
    this.instance = undefined;
    this.csvTables = new Map();
  }

  /** Returns the file of the table the query reads: its `--table` mapping, else the store's file. */
  private sourceTable(source: AthenaSourceConfig): LocalTable {
    const mapped = this.tables.find((table) => sameTable(table, source));
    if (mapped === undefined) {
      return this.storeTable(source);
    }
    if (!existsSync(mapped.path)) {
      throw new LocalTableNotFoundError(`the file ${mapped.path} for table ${mapped.database}.${mapped.table} does not exist`);
    }
    return mapped;
  }

  /** Registers the table as a view and returns its column names. */
  private async registerTable(connection: DuckDBConnection, table: LocalTable): Promise<string[]> {
    assertTableName(table.database, 'database');
    assertTableName(table.table, 'table');
    const name = `${table.database}.${table.table}`;
    let reader: string;
    const extension = extname(table.path).toLowerCase();
    if (extension === '.csv') {
      reader = csvReader(table.path, await readCsvHeader(table.path, name));
      this.csvTables.set(table.path, name);
    } else if (extension === '.parquet') {
      reader = `read_parquet('${table.path.replaceAll("'", "''")}')`;
    } else {
      throw new LocalTableFormatError(`the file ${table.path} for table ${name} is neither .csv nor .parquet`);
    }
    await connection.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(table.database)}`);
    const view = `${quoteIdentifier(table.database)}.${quoteIdentifier(table.table)}`;
    await connection.run(`CREATE OR REPLACE VIEW ${view} AS SELECT * FROM ${reader}`);
    const described = await connection.runAndReadAll(`SELECT column_name FROM (DESCRIBE ${view})`);
    return described.getRowsJS().map((row) => String(row[0]));
  }

  /** Throws for columns of the query that the table lacks, compared ignoring case as DuckDB does. */
  private checkColumns(source: AthenaSourceConfig, table: LocalTable, columns: readonly string[]): void {
    const present = new Set(columns.map((column) => column.toLowerCase()));
    const missing = source.columns.filter((column) => !present.has(column.toLowerCase()));
    if (missing.length === 0) {
      return;
    }
    const name = `${table.database}.${table.table}`;
    const delimiter = extname(table.path).toLowerCase() === '.csv' ? otherDelimiterMessage(table.path, name, columns) : undefined;
    if (delimiter !== undefined) {
      throw new LocalTableFormatError(delimiter);
    }
    throw new SourceColumnsNotFoundError(name, missing, columns);
  }

  /** Turns DuckDB's error for a missing column into SourceColumnsNotFoundError; other errors pass through. */
  private queryError(error: unknown, table: LocalTable, columns: readonly string[]): unknown {
    const match = MISSING_COLUMN_ERROR.exec(error instanceof Error ? error.message : '');
    if (match === null) {
      return error;
    }
    return new SourceColumnsNotFoundError(`${table.database}.${table.table}`, [(match[1] as string).replaceAll('""', '"')], columns);
  }

  private storeTable(source: AthenaSourceConfig): LocalTable {
    const { database, table } = source;
    for (const extension of ['csv', 'parquet'] as const) {
      const path = this.layout.tableFile(database, table, extension);
      if (existsSync(path)) {
        return { database, table, path };
      }
    }
    const hint = this.options.missingTableHint?.(source);
    throw new LocalTableNotFoundError(
      `no local table ${database}.${table}: expected ${this.layout.tableFile(database, table, 'csv')} (or .parquet). ` +
        `Pass --table ${database}.${table}=PATH to read it from a .csv or .parquet file${hint === undefined ? '' : `, or ${hint}`}`,
    );
  }
}

function sameTable(table: LocalTable, source: AthenaSourceConfig): boolean {
  return table.database.toLowerCase() === source.database.toLowerCase() && table.table.toLowerCase() === source.table.toLowerCase();
}

/** Quotes an identifier that `assertTableName` has already checked. */
function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Converts a DuckDB value to a RawValue. Decimals become exact text instead of a double,
 * timestamps and dates become Date (to the millisecond), and other types their SQL text.
 */
function toRawValue(value: DuckDBValue): RawValue {
  if (value === null) {
    return null;
  }
  if (value instanceof DuckDBDecimalValue) {
    return value.toString();
  }
  if (value instanceof DuckDBListValue) {
    return value.items.map(toRawValue);
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return value;
  }
  if (value instanceof DuckDBTimestampValue || value instanceof DuckDBTimestampTZValue) {
    return new Date(Number(value.micros / 1000n));
  }
  if (value instanceof DuckDBDateValue) {
    return new Date(value.days * 86_400_000);
  }
  return String(value);
}
