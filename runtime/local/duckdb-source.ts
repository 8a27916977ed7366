/**
 * A QuerySource on DuckDB: the config's Athena SQL runs on local tables registered as views in a
 * schema named like the Athena database. CSV files are read as VARCHAR, so raw text (padding,
 * `1.0`, `NA`) reaches the cleaning rules as it is; Parquet files keep their column types.
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
import type { Logger, QuerySource, RawValue, SourceBatch, SourceColumn } from '../ports.js';
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

export class DuckDbQuerySource implements QuerySource {
  /**
   * `tables` are explicit mappings (from `--table db.table=PATH`); a table without one is looked
   * up in the store at `tables/<database>/<table>.csv` or `.parquet`.
   */
  constructor(
    private readonly layout: StoreLayout,
    private readonly tables: readonly LocalTable[],
    private readonly logger: Logger,
  ) {}

  async *read(source: AthenaSourceConfig, batchSize: number): AsyncIterable<SourceBatch> {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      await this.registerTables(connection, source);
      this.logger.info({ database: source.database, table: source.table }, 'running the source query on DuckDB');
      const result = await connection.stream(source.query);
      const columns: SourceColumn[] = result.columnNames().map((name, index) => ({ name, type: result.columnType(index).toString().toLowerCase() }));
      let rows: RawValue[][] = [];
      for (;;) {
        const chunk = await result.fetchChunk();
        if (chunk === null || chunk.rowCount === 0) {
          break;
        }
        for (const row of chunk.getRows()) {
          rows.push(row.map(toRawValue));
          if (rows.length >= batchSize) {
            yield { columns, rows };
            rows = [];
          }
        }
      }
      if (rows.length > 0) {
        yield { columns, rows };
      }
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  }

  private async registerTables(connection: DuckDBConnection, source: AthenaSourceConfig): Promise<void> {
    const tables = [...this.tables];
    const configured = tables.some((table) => sameTable(table, source));
    if (!configured) {
      tables.push(this.storeTable(source.database, source.table));
    }
    const schemas = new Set<string>();
    for (const table of tables) {
      assertTableName(table.database, 'database');
      assertTableName(table.table, 'table');
      if (!existsSync(table.path)) {
        throw new LocalTableNotFoundError(`the file ${table.path} for table ${table.database}.${table.table} does not exist`);
      }
      if (!schemas.has(table.database.toLowerCase())) {
        await connection.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(table.database)}`);
        schemas.add(table.database.toLowerCase());
      }
      await connection.run(`CREATE OR REPLACE VIEW ${quoteIdentifier(table.database)}.${quoteIdentifier(table.table)} AS SELECT * FROM ${fileReader(table.path)}`);
    }
  }

  private storeTable(database: string, table: string): LocalTable {
    for (const extension of ['csv', 'parquet'] as const) {
      const path = this.layout.tableFile(database, table, extension);
      if (existsSync(path)) {
        return { database, table, path };
      }
    }
    throw new LocalTableNotFoundError(
      `no local table ${database}.${table}: expected ${this.layout.tableFile(database, table, 'csv')} (or .parquet). ` +
        `Run \`sagepipe generate-data --database ${database} --table ${table}\`, or pass --table ${database}.${table}=PATH`,
    );
  }
}

function sameTable(table: LocalTable, source: AthenaSourceConfig): boolean {
  return table.database.toLowerCase() === source.database.toLowerCase() && table.table.toLowerCase() === source.table.toLowerCase();
}

/** The table function that reads a file, with the path as an escaped SQL string literal. */
function fileReader(path: string): string {
  const literal = `'${path.replaceAll("'", "''")}'`;
  const extension = extname(path).toLowerCase();
  if (extension === '.parquet') {
    return `read_parquet(${literal})`;
  }
  if (extension === '.csv') {
    return `read_csv(${literal}, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"')`;
  }
  throw new Error(`table file ${path} is neither .csv nor .parquet`);
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
