/**
 * Athena of the local endpoint (awsJson1_1): StartQueryExecution, GetQueryExecution,
 * GetQueryResults and StopQueryExecution over tables a test defines.
 *
 * It runs one query shape, the one sagepipe's compiler writes:
 * `SELECT "col", ... FROM "database"."table"`, with an optional catalog in front. A query moves
 * QUEUED → RUNNING → SUCCEEDED across GetQueryExecution calls, or ends as the test planned.
 * On success the result CSV is written to the output location in the endpoint's S3, quoted the
 * way Athena writes it (every value in double quotes, NULL as an empty unquoted field).
 */
import { randomUUID } from 'node:crypto';
import type { S3Service } from './s3.js';
import type { EndpointRequest, EndpointResponse } from './wire.js';
import { checkString, epochSeconds, jsonResponse, parseJsonBody, requiredString, optionalString, ServiceError } from './wire.js';

export interface AthenaColumn {
  readonly name: string;
  /** Athena type name as ColumnInfo reports it, such as `varchar`, `integer`, `double`. */
  readonly type: string;
}

/** A table the endpoint can query; values are the text Athena would return, null for NULL. */
export interface AthenaTable {
  readonly catalog?: string;
  readonly database: string;
  readonly name: string;
  readonly columns: readonly AthenaColumn[];
  readonly rows: readonly (readonly (string | null)[])[];
}

/** How the next query started behaves. */
export interface QueryBehavior {
  /** GetQueryExecution calls that return RUNNING before the query ends. @default 1 */
  readonly runningPolls?: number;
  /** `RUNNING` keeps the query running until it is stopped. @default 'SUCCEEDED' */
  readonly outcome?: 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'RUNNING';
  readonly stateChangeReason?: string;
}

type QueryState = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

interface QueryExecution {
  readonly id: string;
  readonly query: string;
  readonly token: string;
  readonly database: string | undefined;
  readonly catalog: string | undefined;
  readonly workGroup: string;
  readonly outputLocation: string;
  readonly submitted: Date;
  readonly behavior: Required<Omit<QueryBehavior, 'stateChangeReason'>> & { stateChangeReason?: string };
  state: QueryState;
  stateChangeReason?: string;
  completed?: Date;
  runningPollsLeft: number;
  columns?: readonly AthenaColumn[];
  rows?: readonly (readonly (string | null)[])[];
  resultBytes?: number;
}

/** GetQueryResults returns at most this many rows per call. */
export const MAX_RESULTS_PER_PAGE = 1000;

const DEFAULT_CATALOG = 'AwsDataCatalog';

export class AthenaService {
  private readonly tables = new Map<string, AthenaTable>();
  private readonly executions = new Map<string, QueryExecution>();
  private readonly pendingBehaviors: QueryBehavior[] = [];
  private readonly workGroups = new Set(['primary']);

  constructor(private readonly s3: S3Service) {}

  defineTable(table: AthenaTable): void {
    this.tables.set(tableKey(table.catalog ?? DEFAULT_CATALOG, table.database, table.name), table);
  }

  createWorkGroup(name: string): void {
    this.workGroups.add(name);
  }

  /** Sets how the next started query behaves; behaviors queue up in order. */
  nextQuery(behavior: QueryBehavior): void {
    this.pendingBehaviors.push(behavior);
  }

  /** Id of the query started last, for assertions. */
  lastQueryExecutionId(): string | undefined {
    return [...this.executions.keys()].pop();
  }

  /** Returns the state of a query, for assertions. */
  stateOf(id: string): QueryState | undefined {
    return this.executions.get(id)?.state;
  }

  handle(request: EndpointRequest): EndpointResponse {
    const input = parseJsonBody(request.body);
    switch (request.operation) {
      case 'StartQueryExecution':
        return jsonResponse('awsJson1_1', this.start(input));
      case 'GetQueryExecution':
        return jsonResponse('awsJson1_1', { QueryExecution: this.describe(this.execution(input)) });
      case 'GetQueryResults':
        return jsonResponse('awsJson1_1', this.results(input));
      case 'StopQueryExecution': {
        const execution = this.execution(input);
        if (execution.state === 'QUEUED' || execution.state === 'RUNNING') {
          execution.state = 'CANCELLED';
          execution.stateChangeReason = 'Query cancelled by user';
          execution.completed = new Date();
        }
        return jsonResponse('awsJson1_1', {});
      }
      default:
        throw new ServiceError(400, 'UnknownOperationException', `Athena ${request.operation} is not implemented by the local endpoint`);
    }
  }

  private start(input: Record<string, unknown>): { QueryExecutionId: string } {
    const query = requiredString(input, 'QueryString', 'InvalidRequestException');
    if (Buffer.byteLength(query, 'utf8') > 262_144 || query === '') {
      throw new ServiceError(400, 'InvalidRequestException', 'QueryString must have 1 to 262,144 bytes');
    }
    const token = requiredString(input, 'ClientRequestToken', 'InvalidRequestException');
    checkString('ClientRequestToken', token, { min: 32, max: 128 }, 'InvalidRequestException');
    for (const existing of this.executions.values()) {
      if (existing.token === token) {
        return { QueryExecutionId: existing.id };
      }
    }

    const workGroup = optionalString(input, 'WorkGroup') ?? 'primary';
    checkString('WorkGroup', workGroup, { pattern: /^[a-zA-Z0-9._-]{1,128}$/ }, 'InvalidRequestException');
    if (!this.workGroups.has(workGroup)) {
      throw new ServiceError(400, 'InvalidRequestException', `WorkGroup ${workGroup} is not found`);
    }
    const context = (input['QueryExecutionContext'] ?? {}) as Record<string, unknown>;
    const database = optionalString(context, 'Database');
    const catalog = optionalString(context, 'Catalog');
    if (database !== undefined) {
      checkString('Database', database, { min: 1, max: 255 }, 'InvalidRequestException');
    }
    if (catalog !== undefined) {
      checkString('Catalog', catalog, { min: 1, max: 256 }, 'InvalidRequestException');
    }

    const resultConfiguration = (input['ResultConfiguration'] ?? {}) as Record<string, unknown>;
    const outputLocation = optionalString(resultConfiguration, 'OutputLocation');
    if (outputLocation === undefined) {
      throw new ServiceError(400, 'InvalidRequestException', 'no output location: set ResultConfiguration.OutputLocation or a workgroup output location');
    }
    if (!/^s3:\/\/[^/]+(\/.*)?$/.test(outputLocation)) {
      throw new ServiceError(400, 'InvalidRequestException', `OutputLocation '${outputLocation}' is not an s3:// URI`);
    }

    const behavior = this.pendingBehaviors.shift() ?? {};
    const id = randomUUID();
    const execution: QueryExecution = {
      id,
      query,
      token,
      database,
      catalog,
      workGroup,
      outputLocation: outputLocation.endsWith('/') ? outputLocation : `${outputLocation}/`,
      submitted: new Date(),
      behavior: {
        runningPolls: behavior.runningPolls ?? 1,
        outcome: behavior.outcome ?? 'SUCCEEDED',
        ...(behavior.stateChangeReason !== undefined ? { stateChangeReason: behavior.stateChangeReason } : {}),
      },
      state: 'QUEUED',
      runningPollsLeft: behavior.runningPolls ?? 1,
    };
    this.executions.set(id, execution);
    return { QueryExecutionId: id };
  }

  private execution(input: Record<string, unknown>): QueryExecution {
    const id = requiredString(input, 'QueryExecutionId', 'InvalidRequestException');
    const execution = this.executions.get(id);
    if (execution === undefined) {
      throw new ServiceError(400, 'InvalidRequestException', `QueryExecution ${id} was not found`);
    }
    return execution;
  }

  /** Advances the query one step per poll, then returns its description. */
  private describe(execution: QueryExecution): Record<string, unknown> {
    this.advance(execution);
    const status: Record<string, unknown> = { State: execution.state, SubmissionDateTime: epochSeconds(execution.submitted) };
    if (execution.stateChangeReason !== undefined) {
      status['StateChangeReason'] = execution.stateChangeReason;
    }
    if (execution.completed !== undefined) {
      status['CompletionDateTime'] = epochSeconds(execution.completed);
    }
    if (execution.state === 'FAILED') {
      status['AthenaError'] = { ErrorCategory: 2, ErrorType: 1006, Retryable: false, ErrorMessage: execution.stateChangeReason ?? 'query failed' };
    }
    return {
      QueryExecutionId: execution.id,
      Query: execution.query,
      StatementType: 'DML',
      ResultConfiguration: { OutputLocation: `${execution.outputLocation}${execution.id}.csv` },
      QueryExecutionContext: {
        ...(execution.database !== undefined ? { Database: execution.database } : {}),
        ...(execution.catalog !== undefined ? { Catalog: execution.catalog } : {}),
      },
      Status: status,
      Statistics: {
        EngineExecutionTimeInMillis: 120,
        DataScannedInBytes: execution.resultBytes ?? 0,
        TotalExecutionTimeInMillis: 150,
        QueryQueueTimeInMillis: 10,
      },
      WorkGroup: execution.workGroup,
    };
  }

  private advance(execution: QueryExecution): void {
    if (execution.state === 'QUEUED') {
      execution.state = 'RUNNING';
      return;
    }
    if (execution.state !== 'RUNNING' || execution.behavior.outcome === 'RUNNING') {
      return;
    }
    if (execution.runningPollsLeft > 0) {
      execution.runningPollsLeft -= 1;
      return;
    }
    execution.completed = new Date();
    if (execution.behavior.outcome !== 'SUCCEEDED') {
      execution.state = execution.behavior.outcome;
      execution.stateChangeReason = execution.behavior.stateChangeReason ?? `query ${execution.behavior.outcome.toLowerCase()}`;
      return;
    }
    try {
      this.run(execution);
      execution.state = 'SUCCEEDED';
    } catch (error) {
      execution.state = 'FAILED';
      execution.stateChangeReason = (error as Error).message;
    }
  }

  /** Evaluates the query and writes the result CSV; a failure becomes the FAILED reason. */
  private run(execution: QueryExecution): void {
    const parsed = parseSelect(execution.query);
    const catalog = parsed.catalog ?? execution.catalog ?? DEFAULT_CATALOG;
    const database = parsed.database ?? execution.database;
    if (database === undefined) {
      throw new Error(`SCHEMA_NOT_FOUND: no database given for table ${parsed.table}`);
    }
    const table = this.tables.get(tableKey(catalog, database, parsed.table));
    if (table === undefined) {
      throw new Error(`TABLE_NOT_FOUND: line 1:${execution.query.indexOf(' FROM ') + 7}: Table '${catalog.toLowerCase()}.${database}.${parsed.table}' does not exist`);
    }
    const indexes = parsed.columns.map((name) => {
      const index = table.columns.findIndex((column) => column.name === name);
      if (index < 0) {
        throw new Error(`COLUMN_NOT_FOUND: line 1:8: Column '${name}' cannot be resolved`);
      }
      return index;
    });
    execution.columns = indexes.map((index) => table.columns[index] as AthenaColumn);
    execution.rows = table.rows.map((row) => indexes.map((index) => row[index] ?? null));

    const csv = toAthenaCsv(execution.columns, execution.rows);
    execution.resultBytes = Buffer.byteLength(csv, 'utf8');
    const location = /^s3:\/\/([^/]+)\/(.*)$/.exec(execution.outputLocation) as RegExpExecArray;
    const bucket = location[1] as string;
    const prefix = location[2] as string;
    try {
      this.s3.putObject(bucket, `${prefix}${execution.id}.csv`, csv, 'text/csv');
      // Athena writes a binary metadata file beside the CSV; readers must not mistake it for data.
      this.s3.putObject(bucket, `${prefix}${execution.id}.csv.metadata`, Buffer.from([0x0a, 0x00, 0x12, 0x00]));
    } catch {
      throw new Error(`Unable to write the query results to ${execution.outputLocation}: the bucket does not exist`);
    }
  }

  private results(input: Record<string, unknown>): Record<string, unknown> {
    const execution = this.execution(input);
    if (execution.state !== 'SUCCEEDED') {
      throw new ServiceError(400, 'InvalidRequestException', `Query has not yet finished. Current state: ${execution.state}`);
    }
    const maxResults = input['MaxResults'] === undefined ? MAX_RESULTS_PER_PAGE : Number(input['MaxResults']);
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_RESULTS_PER_PAGE) {
      throw new ServiceError(400, 'InvalidRequestException', `MaxResults must be between 1 and ${MAX_RESULTS_PER_PAGE}, got ${String(input['MaxResults'])}`);
    }
    const offset = decodeToken(optionalString(input, 'NextToken'), execution.id);
    const columns = execution.columns ?? [];
    // The header row exists only once, as the first row of the first page of a SELECT.
    const allRows: (readonly (string | null)[])[] = [columns.map((column) => column.name), ...(execution.rows ?? [])];
    const page = allRows.slice(offset, offset + maxResults);
    const next = offset + maxResults < allRows.length ? encodeToken(execution.id, offset + maxResults) : undefined;
    return {
      UpdateCount: 0,
      ResultSet: {
        Rows: page.map((row) => ({ Data: row.map((value) => (value === null ? {} : { VarCharValue: value })) })),
        ResultSetMetadata: {
          ColumnInfo: columns.map((column) => ({
            CatalogName: 'hive',
            SchemaName: '',
            TableName: '',
            Name: column.name,
            Label: column.name,
            Type: column.type,
            Precision: column.type === 'varchar' ? 2147483647 : 10,
            Scale: 0,
            Nullable: 'UNKNOWN',
            CaseSensitive: column.type === 'varchar',
          })),
        },
      },
      ...(next !== undefined ? { NextToken: next } : {}),
    };
  }
}

function tableKey(catalog: string, database: string, table: string): string {
  return `${catalog.toLowerCase()}\u0000${database.toLowerCase()}\u0000${table.toLowerCase()}`;
}

/** Parses `SELECT "a", "b" FROM ["catalog".]["database".]"table"`; anything else fails the query. */
function parseSelect(query: string): { columns: string[]; catalog?: string; database?: string; table: string } {
  const identifier = '"(?:[^"]|"")+"';
  const shape = new RegExp(`^\\s*SELECT\\s+(${identifier}(?:\\s*,\\s*${identifier})*)\\s+FROM\\s+(${identifier}(?:\\.${identifier}){0,2})\\s*;?\\s*$`, 'i');
  const match = shape.exec(query);
  if (match === null) {
    throw new Error('NOT_SUPPORTED: the local endpoint runs only SELECT of quoted columns FROM a quoted table');
  }
  const unquote = (text: string): string => text.slice(1, -1).replace(/""/g, '"');
  const columns = (match[1] as string).match(new RegExp(identifier, 'g'))?.map(unquote) ?? [];
  const names = (match[2] as string).match(new RegExp(identifier, 'g'))?.map(unquote) ?? [];
  const table = names.pop() as string;
  const database = names.pop();
  const catalog = names.pop();
  return { columns, table, ...(database !== undefined ? { database } : {}), ...(catalog !== undefined ? { catalog } : {}) };
}

/** Athena's result CSV: header and values in double quotes, NULL as an empty unquoted field. */
export function toAthenaCsv(columns: readonly AthenaColumn[], rows: readonly (readonly (string | null)[])[]): string {
  const quote = (value: string): string => `"${value.replace(/"/g, '""')}"`;
  const lines = [columns.map((column) => quote(column.name)).join(',')];
  for (const row of rows) {
    lines.push(row.map((value) => (value === null ? '' : quote(value))).join(','));
  }
  return `${lines.join('\n')}\n`;
}

function encodeToken(id: string, offset: number): string {
  return Buffer.from(JSON.stringify({ id, offset }), 'utf8').toString('base64');
}

function decodeToken(token: string | undefined, id: string): number {
  if (token === undefined) {
    return 0;
  }
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { id?: unknown; offset?: unknown };
    if (parsed.id === id && typeof parsed.offset === 'number') {
      return parsed.offset;
    }
  } catch {
    // Falls through to the error below.
  }
  throw new ServiceError(400, 'InvalidRequestException', 'NextToken is invalid for this query');
}
