/**
 * Measured child process of the AWS-path benchmarks. It runs sagepipe's real AWS adapters with
 * the AWS SDK v3 clients over HTTP against a local endpoint on 127.0.0.1:
 *
 *   node aws-worker.js write <endpoint-url> <records> <concurrency> <warm-up-records>
 *     writes warm-up records, then times the FeatureStoreRecordWriter over <records> records,
 *     handed over in batches of the runtime's default batch size, as the ingest does.
 *   node aws-worker.js read <endpoint-url> <api|s3-csv> <database> <table> <result-bucket>
 *     times one AthenaQuerySource read of the table through the given result path.
 *
 * The result is printed as one JSON line on stdout.
 */
import { performance } from 'node:perf_hooks';
import { AthenaQuerySource } from '../runtime/aws/athena-source.js';
import { type AwsClients, createAwsClients } from '../runtime/aws/clients.js';
import { FeatureStoreRecordWriter } from '../runtime/aws/record-writer.js';
import { S3ObjectStore } from '../runtime/aws/s3-object-store.js';
import type { AthenaSourceConfig, WriterConfig } from '../runtime/ingest-config.js';
import type { FeatureRecord } from '../runtime/ports.js';
import { BENCH_FEATURE_GROUP, benchIdentifier, churnRecord } from './churn-records.js';

/** The runtime's default batch size, which is how many records each write() call gets. */
const BATCH_SIZE = 5000;
/** The compiled writer defaults apart from concurrency: 8 attempts, backoff from 100 ms to 20 s. */
const WRITER_DEFAULTS: Omit<WriterConfig, 'concurrency'> = { maxAttempts: 8, baseDelayMs: 100, maxDelayMs: 20_000 };
/** Static fake credentials: the endpoint checks that requests are signed, not which key signed them. */
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/** Builds the clients the way the runtime does, pointed at the local endpoint. */
function clientsFor(url: string, recordWriterConcurrency?: number): AwsClients {
  return createAwsClients({
    region: 'us-west-2',
    endpoint: url,
    credentials: CREDENTIALS,
    ...(recordWriterConcurrency !== undefined ? { recordWriterConcurrency } : {}),
  });
}

export interface WriteRun {
  readonly records: number;
  readonly concurrency: number;
  readonly elapsedMs: number;
  readonly written: number;
  readonly failed: number;
  readonly failureCodes: Readonly<Record<string, number>>;
  readonly retries: number;
  /** CPU time of this process (user plus system) during the timed writes, in microseconds. */
  readonly cpuMicros: number;
}

export interface ReadRun {
  readonly resultPath: 'api' | 's3-csv';
  readonly elapsedMs: number;
  readonly rows: number;
  readonly batches: number;
  readonly firstIdentifier: string;
  readonly lastIdentifier: string;
}

/**
 * Writes `count` generated records in write() calls of BATCH_SIZE. Each batch is built just
 * before its call, as the ingest builds its batches, so only one batch is in memory at a time.
 */
async function writeAll(writer: FeatureStoreRecordWriter, count: number, prefix: string): Promise<Omit<WriteRun, 'records' | 'concurrency' | 'elapsedMs' | 'cpuMicros'>> {
  let written = 0;
  let retries = 0;
  const failureCodes: Record<string, number> = {};
  let failed = 0;
  for (let start = 0; start < count; start += BATCH_SIZE) {
    const batch: FeatureRecord[] = [];
    for (let index = start; index < Math.min(count, start + BATCH_SIZE); index += 1) {
      batch.push(churnRecord(benchIdentifier(index, prefix), index));
    }
    const result = await writer.write(BENCH_FEATURE_GROUP, batch);
    written += result.written;
    retries += result.retries;
    failed += result.failures.length;
    for (const failure of result.failures) {
      failureCodes[failure.errorCode] = (failureCodes[failure.errorCode] ?? 0) + 1;
    }
  }
  return { written, retries, failed, failureCodes };
}

async function runWrite(url: string, recordCount: number, concurrency: number, warmUpCount: number): Promise<WriteRun> {
  // The runtime's Feature Store client makes one attempt per call, because the record writer retries by itself.
  const clients = clientsFor(url, concurrency);
  try {
    const writer = new FeatureStoreRecordWriter({
      client: clients.featureStore,
      writer: { ...WRITER_DEFAULTS, concurrency },
      recordIdentifierFeatureName: 'customer_id',
      eventTimeFeatureName: 'event_time',
    });
    await writeAll(writer, warmUpCount, 'WARMUP');

    const cpuAtStart = process.cpuUsage();
    const started = performance.now();
    const outcome = await writeAll(writer, recordCount, 'CUST');
    const elapsedMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuAtStart);
    return { records: recordCount, concurrency, elapsedMs, cpuMicros: cpu.user + cpu.system, ...outcome };
  } finally {
    clients.destroy();
  }
}

async function runRead(url: string, resultPath: 'api' | 's3-csv', database: string, table: string, resultBucket: string): Promise<ReadRun> {
  const clients = clientsFor(url);
  const columns = ['customer_id', 'age', 'tenure_months', 'monthly_charges', 'total_charges', 'contract_type', 'payment_method', 'internet_service', 'phone_service', 'multiple_lines', 'online_security', 'tech_support', 'device_protection', 'churn'];
  const source: AthenaSourceConfig = {
    kind: 'athena',
    catalog: 'AwsDataCatalog',
    database,
    table,
    columns,
    query: `SELECT ${columns.map((column) => `"${column}"`).join(', ')} FROM "${database}"."${table}"`,
    workGroup: 'primary',
    outputLocation: `s3://${resultBucket}/athena-results/`,
    resultPath,
    apiRowLimit: 10_000,
    queryTimeoutSeconds: 600,
  };
  try {
    // A 10 ms first poll keeps the wait for the query out of the figure; the read is what is measured.
    const reader = new AthenaQuerySource({
      athena: clients.athena,
      objects: new S3ObjectStore(clients.s3, `s3://${resultBucket}/athena-results/`),
      initialPollDelayMs: 10,
      maxPollDelayMs: 10,
    });
    const started = performance.now();
    let rows = 0;
    let batches = 0;
    let firstIdentifier = '';
    let lastIdentifier = '';
    for await (const batch of reader.read(source, BATCH_SIZE)) {
      batches += 1;
      rows += batch.rows.length;
      if (firstIdentifier === '') {
        firstIdentifier = String(batch.rows[0]?.[0] ?? '');
      }
      lastIdentifier = String(batch.rows[batch.rows.length - 1]?.[0] ?? '');
    }
    return { resultPath, elapsedMs: performance.now() - started, rows, batches, firstIdentifier, lastIdentifier };
  } finally {
    clients.destroy();
  }
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === 'write' && rest.length === 4) {
  const [url, records, concurrency, warmUp] = rest as [string, string, string, string];
  console.log(JSON.stringify(await runWrite(url, Number(records), Number(concurrency), Number(warmUp))));
} else if (mode === 'read' && rest.length === 5 && (rest[1] === 'api' || rest[1] === 's3-csv')) {
  const [url, resultPath, database, table, bucket] = rest as [string, 'api' | 's3-csv', string, string, string];
  console.log(JSON.stringify(await runRead(url, resultPath, database, table, bucket)));
} else {
  console.error('usage: aws-worker.js write <url> <records> <concurrency> <warm-up> | read <url> <api|s3-csv> <database> <table> <bucket>');
  process.exitCode = 2;
}
