/**
 * The Athena QuerySource: starts the compiled query, waits for it with backoff and an overall
 * timeout, and reads the result either by paging GetQueryResults or by streaming the result
 * CSV from S3. Memory stays bounded by the batch size (and, in `auto` mode, by apiRowLimit),
 * never by the size of the result.
 */
import { Readable } from 'node:stream';
import {
  type AthenaClient,
  type ColumnInfo,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type QueryExecution,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { parse } from 'csv-parse';
import type { AthenaSourceConfig } from '../ingest-config.js';
import type { Clock, Logger, ObjectStore, QuerySource, RawValue, SourceBatch, SourceColumn } from '../ports.js';
import { systemClock } from '../ports.js';
import { convertAthenaValue } from './athena-values.js';
import { pollDelays } from './backoff.js';
import { callAws } from './errors.js';

/** GetQueryResults returns at most 1,000 rows per call. */
export const MAX_RESULTS_PER_PAGE = 1000;

/** A query that ended FAILED or CANCELLED, or did not finish in time. */
export class AthenaQueryError extends Error {
  constructor(
    readonly queryExecutionId: string,
    readonly state: string,
    readonly reason: string,
  ) {
    super(`Athena query ${queryExecutionId} ${state === 'TIMED_OUT' ? 'timed out' : `ended ${state}`}: ${reason}`);
    this.name = 'AthenaQueryError';
  }
}

/** A source setting that is not a safe Athena identifier or location. */
export class InvalidAthenaSourceError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid Athena source: ${problems.join('; ')}`);
    this.name = 'InvalidAthenaSourceError';
  }
}

export interface AthenaQuerySourceOptions {
  readonly athena: AthenaClient;
  /** Reads the result CSV by its `s3://` URI. */
  readonly objects: ObjectStore;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** First GetQueryExecution poll delay in milliseconds; it doubles up to `maxPollDelayMs`. @default 500 */
  readonly initialPollDelayMs?: number;
  /** @default 5000 */
  readonly maxPollDelayMs?: number;
}

interface ResultPage {
  readonly rows: (string | null)[][];
  readonly nextToken: string | undefined;
}

const CATALOG = /^[A-Za-z0-9_-]{1,256}$/;
const IDENTIFIER = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,254}$/;
const WORK_GROUP = /^[a-zA-Z0-9._-]{1,128}$/;
const OUTPUT_LOCATION = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/;

export class AthenaQuerySource implements QuerySource {
  private readonly clock: Clock;

  constructor(private readonly options: AthenaQuerySourceOptions) {
    this.clock = options.clock ?? systemClock;
  }

  async *read(source: AthenaSourceConfig, batchSize: number): AsyncIterable<SourceBatch> {
    checkSource(source);
    const queryExecutionId = await this.start(source);
    const execution = await this.waitForSuccess(queryExecutionId, source.queryTimeoutSeconds);
    const resultUri = execution.ResultConfiguration?.OutputLocation;

    if (source.resultPath === 'api') {
      yield* this.readThroughApi(queryExecutionId, batchSize);
      return;
    }
    if (source.resultPath === 's3-csv') {
      yield* this.readThroughCsv(queryExecutionId, resultUri, batchSize);
      return;
    }
    yield* this.readAuto(queryExecutionId, resultUri, source.apiRowLimit, batchSize);
  }

  private async start(source: AthenaSourceConfig): Promise<string> {
    const response = await callAws('StartQueryExecution', () =>
      this.options.athena.send(
        new StartQueryExecutionCommand({
          QueryString: source.query,
          QueryExecutionContext: { Catalog: source.catalog, Database: source.database },
          WorkGroup: source.workGroup,
          ResultConfiguration: { OutputLocation: source.outputLocation },
        }),
      ),
    );
    const id = response.QueryExecutionId;
    if (id === undefined) {
      throw new Error('StartQueryExecution returned no QueryExecutionId');
    }
    this.options.logger?.info({ queryExecutionId: id, database: source.database, table: source.table, workGroup: source.workGroup }, 'Athena query started');
    return id;
  }

  /**
   * Polls GetQueryExecution until the query succeeds. FAILED and CANCELLED raise with the
   * state-change reason; past the timeout the query is stopped and a timeout raised.
   */
  private async waitForSuccess(queryExecutionId: string, timeoutSeconds: number): Promise<QueryExecution> {
    const started = this.clock.now().getTime();
    const deadline = started + timeoutSeconds * 1000;
    const delays = pollDelays(this.options.initialPollDelayMs ?? 500, this.options.maxPollDelayMs ?? 5000);
    for (;;) {
      const response = await callAws('GetQueryExecution', () => this.options.athena.send(new GetQueryExecutionCommand({ QueryExecutionId: queryExecutionId })), queryExecutionId);
      const execution = response.QueryExecution ?? {};
      const state = execution.Status?.State;
      if (state === 'SUCCEEDED') {
        this.options.logger?.info({ queryExecutionId, elapsedMs: this.clock.now().getTime() - started }, 'Athena query succeeded');
        return execution;
      }
      if (state === 'FAILED' || state === 'CANCELLED') {
        const reason = execution.Status?.StateChangeReason ?? execution.Status?.AthenaError?.ErrorMessage ?? 'no reason given';
        throw new AthenaQueryError(queryExecutionId, state, reason);
      }
      const delay = delays.next().value;
      if (this.clock.now().getTime() + delay > deadline) {
        await this.stop(queryExecutionId);
        throw new AthenaQueryError(queryExecutionId, 'TIMED_OUT', `still ${state ?? 'UNKNOWN'} after ${timeoutSeconds} s (source.queryTimeoutSeconds); the query was stopped`);
      }
      await this.clock.sleep(delay);
    }
  }

  private async stop(queryExecutionId: string): Promise<void> {
    try {
      await callAws('StopQueryExecution', () => this.options.athena.send(new StopQueryExecutionCommand({ QueryExecutionId: queryExecutionId })), queryExecutionId);
      this.options.logger?.warn({ queryExecutionId }, 'Athena query stopped after the timeout');
    } catch (error) {
      // The timeout error that follows is the one to report; a failed stop only gets logged.
      this.options.logger?.error({ queryExecutionId, err: error }, 'stopping the Athena query failed');
    }
  }

  /** Pages GetQueryResults from the first page and yields typed batches. */
  private async *readThroughApi(queryExecutionId: string, batchSize: number): AsyncIterable<SourceBatch> {
    const first = await this.firstPage(queryExecutionId, MAX_RESULTS_PER_PAGE);
    yield* this.batchesFromPages(first.columns, this.pagesFrom(queryExecutionId, first.page), batchSize);
  }

  /** Streams the result CSV. Column names and types still come from ResultSetMetadata. */
  private async *readThroughCsv(queryExecutionId: string, resultUri: string | undefined, batchSize: number): AsyncIterable<SourceBatch> {
    const { columns } = await this.firstPage(queryExecutionId, 1);
    yield* this.batchesFromCsv(columns, resultUri, queryExecutionId, batchSize);
  }

  /**
   * Reads through the API while the result has at most apiRowLimit rows. Rows are bufferedRows until
   * that is known; a larger result drops them and streams the CSV from its start instead.
   */
  private async *readAuto(queryExecutionId: string, resultUri: string | undefined, apiRowLimit: number, batchSize: number): AsyncIterable<SourceBatch> {
    const first = await this.firstPage(queryExecutionId, MAX_RESULTS_PER_PAGE);
    const bufferedRows: (string | null)[][] = [...first.page.rows];
    let nextToken = first.page.nextToken;
    while (nextToken !== undefined && bufferedRows.length <= apiRowLimit) {
      const page = await this.page(queryExecutionId, nextToken);
      bufferedRows.push(...page.rows);
      nextToken = page.nextToken;
    }
    if (nextToken === undefined && bufferedRows.length <= apiRowLimit) {
      this.options.logger?.info({ queryExecutionId, rows: bufferedRows.length, apiRowLimit }, 'reading the Athena result through GetQueryResults');
      yield* this.batchesFromPages(first.columns, singlePage(bufferedRows), batchSize);
      return;
    }
    this.options.logger?.info({ queryExecutionId, rowsSeen: bufferedRows.length, apiRowLimit }, 'the Athena result exceeds apiRowLimit; streaming the result CSV from S3');
    bufferedRows.length = 0;
    yield* this.batchesFromCsv(first.columns, resultUri, queryExecutionId, batchSize);
  }

  /**
   * Fetches the first page and its column metadata. The first row of the first page of a
   * SELECT is the header; it is checked against the column names and dropped, once.
   */
  private async firstPage(queryExecutionId: string, maxResults: number): Promise<{ columns: SourceColumn[]; page: ResultPage }> {
    const response = await callAws(
      'GetQueryResults',
      () => this.options.athena.send(new GetQueryResultsCommand({ QueryExecutionId: queryExecutionId, MaxResults: maxResults })),
      queryExecutionId,
    );
    const columns = (response.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((info: ColumnInfo) => ({ name: info.Name ?? '', type: info.Type ?? 'varchar' }));
    const rows = rowsOf(response.ResultSet?.Rows);
    const header = rows.shift();
    if (header !== undefined && !sameNames(header, columns)) {
      throw new Error(`the first row of Athena query ${queryExecutionId} is not the header: expected ${JSON.stringify(columns.map((column) => column.name))}`);
    }
    return { columns, page: { rows, nextToken: response.NextToken } };
  }

  private async page(queryExecutionId: string, nextToken: string): Promise<ResultPage> {
    const response = await callAws(
      'GetQueryResults',
      () => this.options.athena.send(new GetQueryResultsCommand({ QueryExecutionId: queryExecutionId, NextToken: nextToken, MaxResults: MAX_RESULTS_PER_PAGE })),
      queryExecutionId,
    );
    return { rows: rowsOf(response.ResultSet?.Rows), nextToken: response.NextToken };
  }

  private async *pagesFrom(queryExecutionId: string, first: ResultPage): AsyncIterable<(string | null)[][]> {
    yield first.rows;
    let nextToken = first.nextToken;
    while (nextToken !== undefined) {
      const page = await this.page(queryExecutionId, nextToken);
      yield page.rows;
      nextToken = page.nextToken;
    }
  }

  private async *batchesFromPages(columns: readonly SourceColumn[], pages: AsyncIterable<(string | null)[][]>, batchSize: number): AsyncIterable<SourceBatch> {
    let batch: RawValue[][] = [];
    for await (const rows of pages) {
      for (const row of rows) {
        batch.push(convertRow(row, columns));
        if (batch.length >= batchSize) {
          yield { columns, rows: batch };
          batch = [];
        }
      }
    }
    if (batch.length > 0) {
      yield { columns, rows: batch };
    }
  }

  /**
   * Streams the result CSV: an unquoted empty field is NULL and `""` is an empty string. The
   * CSV's first record is its header, checked against the column names and skipped.
   */
  private async *batchesFromCsv(columns: readonly SourceColumn[], resultUri: string | undefined, queryExecutionId: string, batchSize: number): AsyncIterable<SourceBatch> {
    if (resultUri === undefined) {
      throw new Error(`GetQueryExecution returned no result location for Athena query ${queryExecutionId}`);
    }
    this.options.logger?.info({ queryExecutionId, resultUri }, 'streaming the Athena result CSV');
    const parser = Readable.from(this.options.objects.read(resultUri)).pipe(
      parse({ cast: csvCell, relax_column_count: false }),
    );
    let header = true;
    let batch: RawValue[][] = [];
    for await (const record of parser as AsyncIterable<(string | null)[]>) {
      if (header) {
        header = false;
        if (!sameNames(record, columns)) {
          throw new Error(`the header of ${resultUri} does not match the query's columns ${JSON.stringify(columns.map((column) => column.name))}`);
        }
        continue;
      }
      batch.push(convertRow(record, columns));
      if (batch.length >= batchSize) {
        yield { columns, rows: batch };
        batch = [];
      }
    }
    if (batch.length > 0) {
      yield { columns, rows: batch };
    }
  }
}

/** Checks every identifier and location before it goes to Athena, reporting all problems. */
export function checkSource(source: AthenaSourceConfig): void {
  const problems: string[] = [];
  const check = (name: string, value: string, pattern: RegExp): void => {
    if (!pattern.test(value)) {
      problems.push(`source.${name} '${value}' does not match ${pattern.source}`);
    }
  };
  check('catalog', source.catalog, CATALOG);
  check('database', source.database, IDENTIFIER);
  check('table', source.table, IDENTIFIER);
  check('workGroup', source.workGroup, WORK_GROUP);
  check('outputLocation', source.outputLocation, OUTPUT_LOCATION);
  if (!Number.isFinite(source.queryTimeoutSeconds) || source.queryTimeoutSeconds <= 0) {
    problems.push(`source.queryTimeoutSeconds must be a positive number of seconds, got ${source.queryTimeoutSeconds}`);
  }
  if (problems.length > 0) {
    throw new InvalidAthenaSourceError(problems);
  }
}

/** Reads a CSV field: only an unquoted empty field is NULL, so `""` stays an empty string. */
function csvCell(value: string, context: { readonly quoting: boolean }): string | null {
  if (context.quoting) {
    return value;
  }
  return value === '' ? null : value;
}

function rowsOf(rows: readonly { Data?: readonly { VarCharValue?: string }[] }[] | undefined): (string | null)[][] {
  // A datum without VarCharValue is SQL NULL; an empty string arrives as VarCharValue "".
  return (rows ?? []).map((row) => (row.Data ?? []).map((datum) => datum.VarCharValue ?? null));
}

function convertRow(row: readonly (string | null)[], columns: readonly SourceColumn[]): RawValue[] {
  if (row.length !== columns.length) {
    throw new Error(`an Athena result row has ${row.length} values for ${columns.length} columns`);
  }
  return row.map((value, index) => convertAthenaValue(value, (columns[index] as SourceColumn).type));
}

function sameNames(row: readonly (string | null)[], columns: readonly SourceColumn[]): boolean {
  return row.length === columns.length && row.every((value, index) => value === (columns[index] as SourceColumn).name);
}

async function* singlePage(rows: (string | null)[][]): AsyncIterable<(string | null)[][]> {
  yield rows;
}
