/**
 * CSV source tables on DuckDB. sagepipe reads the header itself and hands DuckDB the column
 * names with automatic detection off, because DuckDB's dialect sniffer fails the whole file
 * when one line is malformed (as of DuckDB 1.5). With `store_rejects`, DuckDB skips a line that
 * it cannot parse and records it in a reject table, and `unparsedCsvLines` turns those records
 * into rejected source lines.
 */
import { createReadStream } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { parse } from 'csv-parse';
import type { UnparsedSourceLine } from '../ports.js';

/** Temporary DuckDB tables where the CSV reader records the lines it skipped. */
const REJECT_ERRORS_TABLE = 'sagepipe_reject_errors';
const REJECT_SCANS_TABLE = 'sagepipe_reject_scans';

/** Delimiters that a header read with ',' may reveal, with their names for messages. */
const OTHER_DELIMITERS: readonly (readonly [string, string])[] = [
  [';', "';'"],
  ['\t', 'a tab'],
  ['|', "'|'"],
];

/** Raised when a local table file cannot be read as a table, such as a CSV file without a header. */
export class LocalTableFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalTableFormatError';
  }
}

/**
 * Reads the column names from the first record of a CSV file (`,` delimiter, `"` quote and
 * escape, a UTF-8 byte order mark skipped). An empty name becomes `column<N>`, N its 1-based
 * position. Throws LocalTableFormatError for an empty file, a header that is not valid CSV, or
 * two names that are equal when case is ignored, because DuckDB matches names ignoring case.
 */
export async function readCsvHeader(path: string, table: string): Promise<string[]> {
  const parser = createReadStream(path).pipe(parse({ bom: true, delimiter: ',', quote: '"', escape: '"', to: 1 }));
  let header: string[] | undefined;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      header = record;
      break;
    }
  } catch (error) {
    // csv-parse error codes start with CSV_; anything else, such as a read error, passes through.
    if (String((error as { code?: unknown }).code).startsWith('CSV_')) {
      throw new LocalTableFormatError(`the header row of ${path} (table ${table}) is not valid CSV: ${(error as Error).message}`);
    }
    throw error;
  } finally {
    parser.destroy();
  }
  if (header === undefined) {
    throw new LocalTableFormatError(`the CSV file ${path} (table ${table}) is empty; it needs a header row with the column names`);
  }

  const names = header.map((name, index) => (name === '' ? `column${index + 1}` : name));
  const firstField = new Map<string, number>();
  for (const [index, name] of names.entries()) {
    const earlier = firstField.get(name.toLowerCase());
    if (earlier !== undefined) {
      throw new LocalTableFormatError(
        `the header of ${path} (table ${table}) names the column '${name}' twice, in fields ${earlier + 1} and ${index + 1}; ` +
          'rename one, because column names must differ when case is ignored',
      );
    }
    firstField.set(name.toLowerCase(), index);
  }
  return names;
}

/**
 * Returns the DuckDB table function that reads a CSV file as text with the given header.
 * Values and names are escaped SQL string literals.
 */
export function csvReader(path: string, columns: readonly string[]): string {
  const struct = columns.map((column) => `${literal(column)}: 'VARCHAR'`).join(', ');
  return (
    `read_csv(${literal(path)}, header = true, auto_detect = false, columns = {${struct}}, ` +
    `delim = ',', quote = '"', escape = '"', store_rejects = true, ` +
    `rejects_table = ${literal(REJECT_ERRORS_TABLE)}, rejects_scan = ${literal(REJECT_SCANS_TABLE)})`
  );
}

/**
 * Returns a message when a header read with ',' looks like it uses another delimiter: it is
 * one column whose name contains `;`, a tab or `|`. Returns undefined otherwise.
 */
export function otherDelimiterMessage(path: string, table: string, columns: readonly string[]): string | undefined {
  if (columns.length !== 1) {
    return undefined;
  }
  const header = columns[0] as string;
  const counted = OTHER_DELIMITERS.map(([delimiter, name]) => ({ name, count: header.split(delimiter).length - 1 })).filter((item) => item.count > 0);
  if (counted.length === 0) {
    return undefined;
  }
  const likely = counted.reduce((best, item) => (item.count > best.count ? item : best));
  return (
    `the CSV file ${path} (table ${table}) is not comma-separated: its header reads as the single column ${JSON.stringify(header)}, ` +
    `which contains ${likely.name}. sagepipe reads CSV files with ',' as the delimiter; save the file with commas between the fields, or convert it to Parquet`
  );
}

/**
 * Yields the lines that the CSV reader skipped, sorted by file and position, one per line with
 * every distinct problem. `tables` maps each file path as given to `csvReader` to its
 * `database.table`. Line numbers are counted in the file itself, because DuckDB counts a
 * record whose quoted value spans lines as one line.
 */
export async function* unparsedCsvLines(connection: DuckDBConnection, tables: ReadonlyMap<string, string>): AsyncGenerator<UnparsedSourceLine> {
  const existing = await connection.runAndReadAll(`SELECT count(*) FROM duckdb_tables() WHERE table_name = ${literal(REJECT_ERRORS_TABLE)}`);
  if (Number(existing.getRowsJS()[0]?.[0] ?? 0) === 0) {
    // No CSV scan ran, so nothing was skipped.
    return;
  }

  // A line can have several errors, and a view scanned twice records each of them twice.
  const result = await connection.stream(`
    WITH errors AS (
      SELECT s.file_path AS file, e.line, e.error_type,
             min(e.line_byte_position) AS start, arg_min(e.error_message, e.byte_position) AS message, min(e.csv_line) AS text
      FROM ${REJECT_ERRORS_TABLE} e JOIN ${REJECT_SCANS_TABLE} s ON e.scan_id = s.scan_id AND e.file_id = s.file_id
      GROUP BY s.file_path, e.line, e.error_type
    )
    SELECT file, min(start) AS start, min(text) AS text,
           list(error_type ORDER BY error_type) AS types, list(message ORDER BY error_type) AS messages
    FROM errors GROUP BY file, line ORDER BY file, start`);

  let counter: LineCounter | undefined;
  try {
    for await (const rows of result.yieldRowsJs()) {
      for (const [file, start, text, types, messages] of rows as [string, bigint, string, string[], string[]][]) {
        if (counter?.path !== file) {
          await counter?.close();
          counter = await LineCounter.open(file);
        }
        yield {
          table: tables.get(file) ?? file,
          line: await counter.lineAt(Number(start)),
          text: text.replace(/^[\r\n]+|[\r\n]+$/g, ''),
          problems: types.map((type, index) => describeProblem(type, messages[index] ?? '')),
        };
      }
    }
  } finally {
    await counter?.close();
  }
}

/** Rewords DuckDB's reject error types, which name options that sagepipe does not expose. */
function describeProblem(type: string, message: string): string {
  const counts = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(message);
  if ((type === 'MISSING COLUMNS' || type === 'TOO MANY COLUMNS') && counts !== null) {
    return `the line has ${counts[2]} fields, but the header has ${counts[1]}`;
  }
  switch (type) {
    case 'UNQUOTED VALUE':
      return 'a quoted value is not closed, or text follows its closing quote';
    case 'INVALID ENCODING':
    case 'INVALID UNICODE':
      return 'the line is not valid UTF-8';
    case 'LINE SIZE OVER MAXIMUM':
      return `the line is longer than DuckDB's CSV reader accepts: ${message}`;
    default:
      return message;
  }
}

/** Counts line breaks in a file from the start, for positions that never decrease. */
class LineCounter {
  private readonly buffer = Buffer.alloc(64 * 1024);
  private position = 0;
  private lineBreaks = 0;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  static async open(path: string): Promise<LineCounter> {
    return new LineCounter(path, await open(path, 'r'));
  }

  /**
   * Returns the 1-based number of the line that starts at byte `offset`. Blank lines at the
   * offset are skipped, because DuckDB reports a record after a blank line at the blank line.
   */
  async lineAt(offset: number): Promise<number> {
    while (this.position < offset) {
      const { bytesRead } = await this.handle.read(this.buffer, 0, Math.min(this.buffer.length, offset - this.position), this.position);
      if (bytesRead === 0) {
        break;
      }
      this.lineBreaks += countLineBreaks(this.buffer.subarray(0, bytesRead));
      this.position += bytesRead;
    }
    for (;;) {
      const { bytesRead } = await this.handle.read(this.buffer, 0, 1, this.position);
      const byte = this.buffer[0];
      if (bytesRead === 0 || (byte !== 0x0a && byte !== 0x0d)) {
        break;
      }
      this.lineBreaks += byte === 0x0a ? 1 : 0;
      this.position += 1;
    }
    return this.lineBreaks + 1;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

function countLineBreaks(bytes: Buffer): number {
  let count = 0;
  for (let index = bytes.indexOf(0x0a); index !== -1; index = bytes.indexOf(0x0a, index + 1)) {
    count += 1;
  }
  return count;
}

/** Quotes text as a SQL string literal. */
function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
