import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runIngest } from '../../runtime/ingest.js';
import { createLocalPorts } from '../../runtime/local/local-ports.js';
import { createOfflineViews, readOnlineStore } from '../../runtime/local/offline-views.js';
import { StoreLayout } from '../../runtime/local/store-layout.js';
import type { IngestConfig } from '../../runtime/ingest-config.js';
import type { RecordWriter } from '../../runtime/ports.js';
import { silentLogger, tempFolder, testConfig, writeCsv } from '../support/ingest-fixtures.js';

const HEADER = ['id', 'ts', 'age', 'charges', 'plan', 'churn'];

interface Run {
  readonly store: string;
  readonly output: string;
  readonly succeeded: boolean;
  readonly report: Awaited<ReturnType<typeof runIngest>>['report'];
  readonly notifications: number;
}

/** Writes `rows` as table db.raw in a store and ingests it with the local adapters. */
async function ingest(rows: readonly (readonly (string | null)[])[], options: { store?: string; config?: IngestConfig; memory?: number; startTime?: Date } = {}): Promise<Run> {
  const store = options.store ?? tempFolder('ingest');
  const layout = new StoreLayout(store);
  const table = layout.tableFile('db', 'raw', 'csv');
  mkdirSync(join(store, 'tables', 'db'), { recursive: true });
  writeCsv(table, HEADER, rows);
  const output = tempFolder('ingest-output');
  const ports = createLocalPorts({ store, outputDirectory: output, logger: silentLogger });
  const outcome = await runIngest(options.config ?? testConfig(), ports, {
    ...(options.memory !== undefined ? { dedupeMemoryRecords: options.memory } : {}),
    ...(options.startTime !== undefined ? { startTime: options.startTime } : {}),
  });
  return { store, output, succeeded: outcome.succeeded, report: outcome.report, notifications: ports.notifier.sent.length };
}

function readLines(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function queryOffline(store: string, sql: string): Promise<unknown[][]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await createOfflineViews(connection, new StoreLayout(store));
    return (await connection.runAndReadAll(sql)).getRowsJS() as unknown[][];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const MESSY_ROWS: (string | null)[][] = [
  ['A1', '2024-05-01T10:00:00Z', ' 34 ', '29.850', ' basic ', 'Yes'],
  ['A2', '2024-05-01 11:30:00', '2.5', '10', 'Satellite', 'no'],
  [null, '2024-05-01T10:00:00Z', '40', '1', 'Basic', '1'],
  ['A3', '11/01/2021', '40', 'inf', 'FIBER OPTIC', 'maybe'],
  ['A4', '1714557600', 'NA', '', 'fiber optic', '0'],
];

test('ingest cleans and writes rows', async () => {
  const run = await ingest(MESSY_ROWS);
  try {
    assert.is(run.report.counts.read, 5);
    assert.is(run.report.counts.written, 2);
    assert.is(run.report.counts.rejected, 3);
    assert.is(run.report.counts.duplicatesDropped, 0);
    assert.is(run.report.counts.failed, 0);
    assert.equal(run.report.rejectReasons, {
      AMBIGUOUS_EVENT_TIME: 1,
      MISSING_RECORD_IDENTIFIER: 1,
      NOT_AN_INTEGER: 1,
      NOT_FINITE: 1,
      UNKNOWN_BOOLEAN_WORD: 1,
      UNKNOWN_CATEGORY: 1,
    });
    assert.is(run.report.missingPerFeature['age'], 1);
    assert.is(run.report.missingPerFeature['charges'], 1);
    assert.is(run.report.missingPerFeature['plan'], 0);

    const rows = await queryOffline(run.store, 'SELECT id, ts, age, charges, plan, churn, is_deleted FROM test_group ORDER BY id');
    assert.equal(rows, [
      ['A1', '2024-05-01T10:00:00Z', 34n, 29.85, 'Basic', 1n, false],
      ['A4', '2024-05-01T10:00:00Z', null, null, 'Fiber optic', 0n, false],
    ]);
  } finally {
    rmSync(run.store, { recursive: true, force: true });
    rmSync(run.output, { recursive: true, force: true });
  }
});

test('rejects file lists every reason', async () => {
  const run = await ingest(MESSY_ROWS);
  try {
    const rejects = readLines(join(run.output, 'rejects.jsonl'));
    assert.equal(
      rejects.map((line) => line['row']),
      [2, 3, 4],
    );
    assert.is(rejects[0]?.['recordIdentifier'], 'A2');
    assert.equal(
      (rejects[0]?.['reasons'] as { code: string; feature: string }[]).map((reason) => [reason.code, reason.feature]),
      [
        ['NOT_AN_INTEGER', 'age'],
        ['UNKNOWN_CATEGORY', 'plan'],
      ],
    );
    assert.equal(rejects[0]?.['raw'], { id: 'A2', ts: '2024-05-01 11:30:00', age: '2.5', charges: '10', plan: 'Satellite', churn: 'no' });
    assert.is(rejects[1]?.['recordIdentifier'], undefined);
    assert.equal(
      (rejects[2]?.['reasons'] as { code: string }[]).map((reason) => reason.code),
      ['AMBIGUOUS_EVENT_TIME', 'NOT_FINITE', 'UNKNOWN_BOOLEAN_WORD'],
    );
  } finally {
    rmSync(run.store, { recursive: true, force: true });
    rmSync(run.output, { recursive: true, force: true });
  }
});

test('rejects above threshold fail run', async () => {
  const run = await ingest(MESSY_ROWS);
  try {
    assert.is(run.succeeded, false);
    assert.is(run.report.status, 'failed');
    assert.match(run.report.error ?? '', '3 rows were rejected, more than maxRejectedRows (0)');
    assert.is(run.notifications, 1);
    const written = JSON.parse(readFileSync(join(run.output, 'report.json'), 'utf8')) as { status: string; counts: { written: number } };
    assert.is(written.status, 'failed');
    assert.is(written.counts.written, 2);
    assert.is(readFileSync(join(run.output, 'failures.jsonl'), 'utf8'), '');
    assert.is(readFileSync(join(run.output, 'duplicates.jsonl'), 'utf8'), '');
  } finally {
    rmSync(run.store, { recursive: true, force: true });
    rmSync(run.output, { recursive: true, force: true });
  }
});

test('threshold tolerates rejects', async () => {
  const run = await ingest(MESSY_ROWS, { config: testConfig({ maxRejectedRows: 3 }) });
  try {
    assert.is(run.succeeded, true);
    assert.is(run.report.error, null);
    assert.is(run.notifications, 0);
  } finally {
    rmSync(run.store, { recursive: true, force: true });
    rmSync(run.output, { recursive: true, force: true });
  }
});

const DUPLICATE_ROWS: (string | null)[][] = [
  ['B', '2024-05-01T12:00:00Z', '1', '1', 'Basic', 'no'],
  ['A', '2024-05-01T10:00:00Z', '1', '1', 'Basic', 'no'],
  ['A', '2024-05-01T11:00:00Z', '2', '1', 'Basic', 'no'],
  ['B', '2024-05-01T09:00:00Z', '3', '1', 'Basic', 'no'],
  ['A', '2024-05-01T11:00:00Z', '4', '1', 'Basic', 'no'],
  ['C', '2024-05-01T08:00:00Z', '5', '1', 'Basic', 'no'],
  ['A', '2024-05-01T09:00:00Z', '6', '1', 'Basic', 'no'],
];

for (const [name, memory] of [
  ['duplicates resolved in memory', undefined],
  ['duplicates resolved after spilling', 1],
] as const) {
  test(name, async () => {
    const run = await ingest(DUPLICATE_ROWS, memory === undefined ? {} : { memory });
    try {
      assert.is(run.succeeded, true, run.report.error ?? '');
      assert.is(run.report.counts.read, 7);
      assert.is(run.report.counts.written, 3);
      assert.is(run.report.counts.duplicatesDropped, 4);
      const rows = await queryOffline(run.store, 'SELECT id, ts, age FROM test_group ORDER BY id');
      // A: 11:00 is the latest, and of its two rows the later one (age 4) wins; B: 12:00 wins.
      assert.equal(rows, [
        ['A', '2024-05-01T11:00:00Z', 4n],
        ['B', '2024-05-01T12:00:00Z', 1n],
        ['C', '2024-05-01T08:00:00Z', 5n],
      ]);
      // Grouped by identifier, from the latest event time down; each names the row that won.
      assert.equal(readLines(join(run.output, 'duplicates.jsonl')), [
        { row: 3, recordIdentifier: 'A', eventTime: '2024-05-01T11:00:00Z', winningRow: 5 },
        { row: 2, recordIdentifier: 'A', eventTime: '2024-05-01T10:00:00Z', winningRow: 5 },
        { row: 7, recordIdentifier: 'A', eventTime: '2024-05-01T09:00:00Z', winningRow: 5 },
        { row: 4, recordIdentifier: 'B', eventTime: '2024-05-01T09:00:00Z', winningRow: 1 },
      ]);
    } finally {
      rmSync(run.store, { recursive: true, force: true });
      rmSync(run.output, { recursive: true, force: true });
    }
  });
}

test('online store keeps latest', async () => {
  const first = await ingest([
    ['A', '2024-05-01T12:00:00Z', '1', '1', 'Basic', 'no'],
    ['B', '2024-05-01T12:00:00Z', '2', '1', 'Basic', 'no'],
  ]);
  const second = await ingest(
    [
      ['A', '2024-05-01T10:00:00Z', '10', '1', 'Basic', 'no'],
      ['B', '2024-05-01T13:00:00Z', '20', '1', 'Basic', 'no'],
    ],
    { store: first.store },
  );
  try {
    assert.is(second.succeeded, true, second.report.error ?? '');
    const online = await readOnlineStore(new StoreLayout(first.store), 'test_group');
    const age = (identifier: string): string | undefined =>
      online.find((record) => record.identifier === identifier)?.values.find((item) => item.featureName === 'age')?.valueAsString;
    assert.is(online.length, 2);
    assert.is(age('A'), '1', 'an older event time replaced a newer one');
    assert.is(age('B'), '20');
    const offline = await queryOffline(first.store, 'SELECT id, age FROM test_group ORDER BY id, age');
    assert.equal(offline, [
      ['A', 1n],
      ['A', 10n],
      ['B', 2n],
      ['B', 20n],
    ]);
  } finally {
    rmSync(first.store, { recursive: true, force: true });
    rmSync(first.output, { recursive: true, force: true });
    rmSync(second.output, { recursive: true, force: true });
  }
});

test('offline layout follows the service', async () => {
  const run = await ingest([
    ['A', '2024-05-01T10:15:00Z', '1', '1', 'Basic', 'no'],
    ['B', '2024-05-01T11:45:30Z', '2', '1', 'Basic', 'no'],
  ]);
  try {
    const group = JSON.parse(readFileSync(join(run.store, 'feature-groups', 'test_group.json'), 'utf8')) as { creationEpochSeconds: number };
    const data = join(run.store, 'offline-store', `test_group-${group.creationEpochSeconds}`, 'data', 'year=2024', 'month=05', 'day=01');
    assert.equal(readdirSync(data).sort(), ['hour=10', 'hour=11']);
    const files = readdirSync(join(data, 'hour=11'));
    assert.is(files.length, 1);
    assert.match(files[0] as string, /^20240501T114530Z_[A-Za-z0-9]{16}\.parquet$/);
    const types = await queryOffline(run.store, 'SELECT column_name, column_type FROM (DESCRIBE test_group)');
    assert.equal(types, [
      ['id', 'VARCHAR'],
      ['ts', 'VARCHAR'],
      ['age', 'BIGINT'],
      ['charges', 'DOUBLE'],
      ['plan', 'VARCHAR'],
      ['churn', 'BIGINT'],
      ['write_time', 'TIMESTAMP'],
      ['api_invocation_time', 'TIMESTAMP'],
      ['is_deleted', 'BOOLEAN'],
    ]);
  } finally {
    rmSync(run.store, { recursive: true, force: true });
    rmSync(run.output, { recursive: true, force: true });
  }
});

test('ingest time stamps every row', async () => {
  const config = testConfig({ eventTime: { from: 'ingest-time' } });
  const startTime = new Date(Date.UTC(2024, 4, 1, 10, 0, 0, 250));
  const run = await ingest(
    [
      ['A', 'ignored', '1', '1', 'Basic', 'no'],
      ['B', 'ignored', '2', '1', 'Basic', 'no'],
    ],
    { config, startTime },
  );
  try {
    assert.is(run.succeeded, true, run.report.error ?? '');
    const rows = await queryOffline(run.store, 'SELECT DISTINCT ts FROM test_group');
    assert.equal(rows, [['2024-05-01T10:00:00.250Z']]);
  } finally {
    rmSync(run.store, { recursive: true, force: true });
    rmSync(run.output, { recursive: true, force: true });
  }
});

test('missing source column fails run', async () => {
  const base = testConfig();
  const config = testConfig({ source: { ...base.source, query: 'SELECT "id", "ts" FROM "db"."raw"' } });
  const run = await ingest([['A', '2024-05-01T10:00:00Z', '1', '1', 'Basic', 'no']], { config });
  try {
    assert.is(run.succeeded, false);
    assert.match(run.report.error ?? '', "no column 'age' (feature 'age')");
    assert.ok(existsSync(join(run.output, 'report.json')));
    assert.is(run.notifications, 1);
  } finally {
    rmSync(run.store, { recursive: true, force: true });
    rmSync(run.output, { recursive: true, force: true });
  }
});

test('mismatched group blocks writes', async () => {
  const first = await ingest([['A', '2024-05-01T10:00:00Z', '1', '1', 'Basic', 'no']]);
  const changed = testConfig();
  const definitions = (changed.featureGroup.createRequest['FeatureDefinitions'] as { FeatureName: string; FeatureType: string }[]).map((definition) =>
    definition.FeatureName === 'age' ? { ...definition, FeatureType: 'String' } : definition,
  );
  const config = testConfig({
    features: changed.features.map((feature) => (feature.name === 'age' ? { ...feature, type: 'String' as const } : feature)),
    featureGroup: { ...changed.featureGroup, createRequest: { ...changed.featureGroup.createRequest, FeatureDefinitions: definitions } },
  });
  const second = await ingest([['B', '2024-05-01T10:00:00Z', '1', '1', 'Basic', 'no']], { store: first.store, config });
  try {
    assert.is(second.succeeded, false);
    assert.match(second.report.error ?? '', 'FeatureDefinitions[age].FeatureType: deployed "Integral", compiled "String"');
    assert.is(second.report.counts.written, 0);
    const offline = await queryOffline(first.store, 'SELECT id FROM test_group');
    assert.equal(offline, [['A']]);
  } finally {
    rmSync(first.store, { recursive: true, force: true });
    rmSync(first.output, { recursive: true, force: true });
    rmSync(second.output, { recursive: true, force: true });
  }
});

test('writer failure mid-run fails cleanly', async () => {
  const store = tempFolder('ingest');
  const output = tempFolder('ingest-output');
  const runFiles = tempFolder('ingest-runs');
  const layout = new StoreLayout(store);
  mkdirSync(join(store, 'tables', 'db'), { recursive: true });
  const rows = Array.from({ length: 12 }, (_, index) => [`C${String(index).padStart(2, '0')}`, '2024-05-01T10:00:00Z', String(index), '1', 'Basic', 'no']);
  writeCsv(layout.tableFile('db', 'raw', 'csv'), HEADER, rows);
  const ports = createLocalPorts({ store, outputDirectory: output, logger: silentLogger });
  let writes = 0;
  const writer: RecordWriter = {
    write: async (groupName, records) => {
      writes += 1;
      if (writes === 2) {
        throw new Error('disk full while writing the second batch');
      }
      return ports.writer.write(groupName, records);
    },
    close: () => ports.writer.close?.() ?? Promise.resolve(),
  };
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };
  process.on('unhandledRejection', onUnhandled);
  try {
    const outcome = await runIngest(testConfig(), { ...ports, writer }, { dedupeMemoryRecords: 2, tempDirectory: runFiles });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.is(outcome.succeeded, false);
    assert.match(outcome.report.error ?? '', 'disk full while writing the second batch');
    assert.is(outcome.report.counts.written, 3);
    assert.is(writes, 2, 'the writer was called after it failed');
    assert.equal(unhandled, []);
    assert.equal(readdirSync(runFiles), [], 'run files were left behind');
  } finally {
    process.off('unhandledRejection', onUnhandled);
    for (const folder of [store, output, runFiles]) {
      rmSync(folder, { recursive: true, force: true });
    }
  }
});

test.run();
