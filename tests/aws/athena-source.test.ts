import { AthenaClient } from '@aws-sdk/client-athena';
import { S3Client } from '@aws-sdk/client-s3';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AthenaQueryError, AthenaQuerySource, InvalidAthenaSourceError } from '../../runtime/aws/athena-source.js';
import { S3ObjectStore } from '../../runtime/aws/s3-object-store.js';
import type { AthenaSourceConfig } from '../../runtime/ingest-config.js';
import type { RawValue, SourceBatch } from '../../runtime/ports.js';
import { type AthenaColumn, type AwsEndpoint, clientConfig, startAwsEndpoint } from '../support/aws-endpoint/index.js';
import { ManualClock } from '../support/manual-clock.js';
import { MemoryLogger } from '../support/memory-logger.js';

const COLUMNS: AthenaColumn[] = [
  { name: 'customer_id', type: 'varchar' },
  { name: 'age', type: 'integer' },
  { name: 'total_charges', type: 'double' },
];

function source(overrides: Partial<AthenaSourceConfig> = {}): AthenaSourceConfig {
  return {
    kind: 'athena',
    catalog: 'AwsDataCatalog',
    database: 'ml_metrics',
    table: 'churn',
    columns: COLUMNS.map((column) => column.name),
    query: 'SELECT "customer_id", "age", "total_charges" FROM "ml_metrics"."churn"',
    workGroup: 'primary',
    outputLocation: 's3://results-bucket/athena/',
    resultPath: 'api',
    apiRowLimit: 10_000,
    queryTimeoutSeconds: 60,
    ...overrides,
  };
}

function rows(count: number): (string | null)[][] {
  return Array.from({ length: count }, (_, index) => [`C${String(index).padStart(5, '0')}`, String(20 + (index % 50)), `${index}.5`]);
}

async function readAll(reader: AthenaQuerySource, config: AthenaSourceConfig, batchSize = 1000): Promise<{ batches: SourceBatch[]; rows: RawValue[][] }> {
  const batches: SourceBatch[] = [];
  for await (const batch of reader.read(config, batchSize)) {
    batches.push(batch);
  }
  return { batches, rows: batches.flatMap((batch) => batch.rows.map((row) => [...row])) };
}

interface Context {
  endpoint: AwsEndpoint;
  athena: AthenaClient;
  s3: S3Client;
  clock: ManualClock;
  logger: MemoryLogger;
  reader: AthenaQuerySource;
}

const athena = suite<Context>('athena source');

athena.before.each(async (context) => {
  context.endpoint = await startAwsEndpoint();
  context.endpoint.s3.createBucket('results-bucket');
  context.athena = new AthenaClient(clientConfig(context.endpoint));
  context.s3 = new S3Client(clientConfig(context.endpoint));
  context.clock = new ManualClock();
  context.logger = new MemoryLogger();
  context.reader = new AthenaQuerySource({
    athena: context.athena,
    objects: new S3ObjectStore(context.s3, 's3://results-bucket/athena/'),
    clock: context.clock,
    logger: context.logger,
  });
});

athena.after.each(async (context) => {
  context.athena.destroy();
  context.s3.destroy();
  await context.endpoint.close();
  assert.equal(context.endpoint.internalErrors, []);
});

athena('paging skips header on first page only', async ({ endpoint, reader }) => {
  const data = rows(2500);
  // A data row that repeats the column names opens the second page: it is data, not a header.
  data[999] = ['customer_id', 'age', 'total_charges'];
  endpoint.athena.defineTable({ database: 'ml_metrics', name: 'churn', columns: COLUMNS, rows: data });

  const result = await readAll(reader, source());

  assert.is(result.rows.length, 2500);
  assert.equal(result.rows[0], ['C00000', 20, 0.5]);
  assert.equal(result.rows[999], ['customer_id', 'age', 'total_charges']);
  assert.equal(result.rows[2499], ['C02499', 69, 2499.5]);
  const pages = endpoint.callsTo('GetQueryResults');
  assert.is(pages.length, 3);
  assert.is(pages[0]?.input['MaxResults'], 1000);
  assert.is(pages[0]?.input['NextToken'], undefined);
  assert.type(pages[1]?.input['NextToken'], 'string');
  assert.type(pages[2]?.input['NextToken'], 'string');
});

athena('null cells stay null', async ({ endpoint, reader }) => {
  endpoint.athena.defineTable({
    database: 'ml_metrics',
    name: 'churn',
    columns: COLUMNS,
    rows: [
      [null, null, null],
      ['', '0', '0.0'],
    ],
  });

  const result = await readAll(reader, source());

  assert.equal(result.rows[0], [null, null, null]);
  assert.equal(result.rows[1], ['', 0, 0]);
});

athena('values convert by column type', async ({ endpoint, reader }) => {
  const columns: AthenaColumn[] = [
    { name: 'code', type: 'varchar' },
    { name: 'visits', type: 'bigint' },
    { name: 'active', type: 'boolean' },
    { name: 'signup', type: 'date' },
    { name: 'seen', type: 'timestamp' },
    { name: 'price', type: 'decimal(10,2)' },
    { name: 'embedding', type: 'array' },
  ];
  endpoint.athena.defineTable({
    database: 'ml_metrics',
    name: 'typed',
    columns,
    rows: [['00123', '9007199254740993', 'true', '2024-05-01', '2024-05-01 12:30:00.250', '19.99', '[0.5, 1.5]']],
  });

  const result = await readAll(
    reader,
    source({ table: 'typed', columns: columns.map((column) => column.name), query: `SELECT ${columns.map((column) => `"${column.name}"`).join(', ')} FROM "ml_metrics"."typed"` }),
  );

  const [row] = result.rows;
  assert.is(row?.[0], '00123');
  assert.is(row?.[1], 9007199254740993n);
  assert.is(row?.[2], true);
  assert.equal(row?.[3], new Date('2024-05-01T00:00:00Z'));
  assert.equal(row?.[4], new Date('2024-05-01T12:30:00.250Z'));
  assert.is(row?.[5], 19.99);
  assert.equal(row?.[6], ['0.5', '1.5']);
  assert.equal(
    result.batches[0]?.columns.map((column) => column.type),
    columns.map((column) => column.type),
  );
});

athena('start request carries config settings', async ({ endpoint, reader }) => {
  endpoint.athena.createWorkGroup('analytics');
  endpoint.athena.defineTable({ catalog: 'AwsDataCatalog', database: 'ml_metrics', name: 'churn', columns: COLUMNS, rows: rows(1) });

  await readAll(reader, source({ workGroup: 'analytics' }));

  const [start] = endpoint.callsTo('StartQueryExecution');
  assert.is(start?.input['QueryString'], 'SELECT "customer_id", "age", "total_charges" FROM "ml_metrics"."churn"');
  assert.equal(start?.input['QueryExecutionContext'], { Catalog: 'AwsDataCatalog', Database: 'ml_metrics' });
  assert.is(start?.input['WorkGroup'], 'analytics');
  assert.equal(start?.input['ResultConfiguration'], { OutputLocation: 's3://results-bucket/athena/' });
  assert.ok(String(start?.input['ClientRequestToken']).length >= 32);
});

athena('polls with growing backoff', async ({ endpoint, reader, clock }) => {
  endpoint.athena.defineTable({ database: 'ml_metrics', name: 'churn', columns: COLUMNS, rows: rows(3) });
  endpoint.athena.nextQuery({ runningPolls: 5 });

  await readAll(reader, source());

  assert.equal(clock.sleeps, [500, 1000, 2000, 4000, 5000, 5000]);
  assert.is(endpoint.callsTo('GetQueryExecution').length, 7);
});

athena('failed query raises reason and id', async ({ endpoint, reader }) => {
  endpoint.athena.nextQuery({ outcome: 'FAILED', stateChangeReason: 'HIVE_BAD_DATA: malformed number' });

  const error = await readAll(reader, source()).then(
    () => undefined,
    (caught: unknown) => caught,
  );

  assert.instance(error, AthenaQueryError);
  const queryError = error as AthenaQueryError;
  assert.is(queryError.state, 'FAILED');
  assert.is(queryError.reason, 'HIVE_BAD_DATA: malformed number');
  assert.is(queryError.queryExecutionId, endpoint.athena.lastQueryExecutionId());
  assert.match(queryError.message, queryError.queryExecutionId);
  assert.is(endpoint.callsTo('GetQueryResults').length, 0);
});

athena('cancelled query raises', async ({ endpoint, reader }) => {
  endpoint.athena.nextQuery({ outcome: 'CANCELLED', stateChangeReason: 'Query cancelled by user' });

  const error = (await readAll(reader, source()).catch((caught: unknown) => caught)) as AthenaQueryError;

  assert.instance(error, AthenaQueryError);
  assert.is(error.state, 'CANCELLED');
  assert.is(error.reason, 'Query cancelled by user');
});

athena('missing table fails the query', async ({ endpoint, reader }) => {
  endpoint.athena.defineTable({ database: 'ml_metrics', name: 'other', columns: COLUMNS, rows: [] });

  const error = (await readAll(reader, source()).catch((caught: unknown) => caught)) as AthenaQueryError;

  assert.instance(error, AthenaQueryError);
  assert.match(error.reason, /^TABLE_NOT_FOUND/);
});

athena('timeout stops the query', async ({ endpoint, reader, clock }) => {
  endpoint.athena.nextQuery({ outcome: 'RUNNING' });

  const error = (await readAll(reader, source({ queryTimeoutSeconds: 10 })).catch((caught: unknown) => caught)) as AthenaQueryError;

  assert.instance(error, AthenaQueryError);
  assert.is(error.state, 'TIMED_OUT');
  assert.match(error.message, 'timed out');
  assert.match(error.reason, 'after 10 s');
  assert.is(endpoint.callsTo('StopQueryExecution').length, 1);
  assert.is(endpoint.athena.stateOf(error.queryExecutionId), 'CANCELLED');
  assert.ok(clock.sleeps.reduce((sum, delay) => sum + delay, 0) <= 10_000);
});

athena('invalid identifiers rejected before any call', async ({ endpoint, reader }) => {
  const error = (await readAll(reader, source({ database: 'ml; DROP TABLE x', workGroup: 'bad group' })).catch((caught: unknown) => caught)) as InvalidAthenaSourceError;

  assert.instance(error, InvalidAthenaSourceError);
  assert.is(error.problems.length, 2);
  assert.match(error.problems[0] as string, "source.database 'ml; DROP TABLE x'");
  assert.match(error.problems[1] as string, "source.workGroup 'bad group'");
  assert.is(endpoint.calls.length, 0);
});

athena('csv path keeps nulls and empty strings apart', async ({ endpoint, reader }) => {
  endpoint.athena.defineTable({
    database: 'ml_metrics',
    name: 'churn',
    columns: COLUMNS,
    rows: [
      ['a', null, null],
      ['', '5', '1.25'],
      [null, '6', '2'],
      ['say "hi", then\nleave', '7', '3'],
    ],
  });

  const result = await readAll(reader, source({ resultPath: 's3-csv' }));

  assert.equal(result.rows, [
    ['a', null, null],
    ['', 5, 1.25],
    [null, 6, 2],
    ['say "hi", then\nleave', 7, 3],
  ]);
  assert.is(endpoint.callsTo('GetObject').length, 1);
  const metadataCalls = endpoint.callsTo('GetQueryResults');
  assert.is(metadataCalls.length, 1);
  assert.is(metadataCalls[0]?.input['MaxResults'], 1);
});

athena('auto mode reads small results through api', async ({ endpoint, reader }) => {
  endpoint.athena.defineTable({ database: 'ml_metrics', name: 'churn', columns: COLUMNS, rows: rows(1500) });

  const result = await readAll(reader, source({ resultPath: 'auto', apiRowLimit: 2000 }));

  assert.is(result.rows.length, 1500);
  assert.is(endpoint.callsTo('GetObject').length, 0);
  assert.is(endpoint.callsTo('GetQueryResults').length, 2);
});

athena('auto mode streams large results from csv', async ({ endpoint, reader }) => {
  endpoint.athena.defineTable({ database: 'ml_metrics', name: 'churn', columns: COLUMNS, rows: rows(3000) });

  const result = await readAll(reader, source({ resultPath: 'auto', apiRowLimit: 1500 }), 700);

  assert.is(result.rows.length, 3000);
  assert.equal(
    result.rows.map((row) => row[0]),
    rows(3000).map((row) => row[0]),
  );
  assert.is(endpoint.callsTo('GetObject').length, 1);
  assert.ok(result.batches.every((batch) => batch.rows.length <= 700));
});

athena('batches never exceed batch size', async ({ endpoint, reader }) => {
  endpoint.athena.defineTable({ database: 'ml_metrics', name: 'churn', columns: COLUMNS, rows: rows(2345) });

  const result = await readAll(reader, source(), 500);

  assert.equal(
    result.batches.map((batch) => batch.rows.length),
    [500, 500, 500, 500, 345],
  );
});

athena.run();
