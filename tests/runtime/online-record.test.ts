import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ONLINE_TABLE, onlineRecordText, parseOnlineRecord } from '../../runtime/local/local-record-writer.js';
import { readOnlineStore } from '../../runtime/local/offline-views.js';
import { StoreLayout } from '../../runtime/local/store-layout.js';
import type { FeatureValue } from '../../runtime/ports.js';
import { tempFolder } from '../support/ingest-fixtures.js';

const VALUES: FeatureValue[] = [
  { featureName: 'customer_id', valueAsString: 'CUST_000001' },
  { featureName: 'note', valueAsString: 'say "hi"\n' },
  { featureName: 'empty', valueAsString: '' },
  { featureName: 'tags', valueAsStringList: ['a', 'b'] },
];

test('online record is one object', () => {
  const text = onlineRecordText(VALUES);
  assert.equal(JSON.parse(text), { customer_id: 'CUST_000001', note: 'say "hi"\n', empty: '', tags: ['a', 'b'] });
});

test('online record round trip', () => {
  assert.equal(parseOnlineRecord(onlineRecordText(VALUES)), VALUES);
});

test('array-form online store still reads', async () => {
  const store = tempFolder('online-record');
  const layout = new StoreLayout(store);
  const file = layout.onlineStoreFile('old_group');
  mkdirSync(dirname(file), { recursive: true });
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  try {
    await connection.run(
      `CREATE TABLE ${ONLINE_TABLE} (record_identifier VARCHAR PRIMARY KEY, event_time_ms BIGINT NOT NULL, event_time VARCHAR NOT NULL, record VARCHAR NOT NULL, api_invocation_time TIMESTAMP NOT NULL)`,
    );
    const arrayForm = JSON.stringify([{ featureName: 'customer_id', valueAsString: 'CUST_000001' }]);
    await connection.run(`INSERT INTO ${ONLINE_TABLE} VALUES ('CUST_000001', 0, '1970-01-01T00:00:00Z', '${arrayForm}', TIMESTAMP '2026-01-01 00:00:00')`);
    connection.closeSync();
    instance.closeSync();
    const records = await readOnlineStore(layout, 'old_group');
    assert.equal(records, [{ identifier: 'CUST_000001', eventTime: '1970-01-01T00:00:00Z', values: [{ featureName: 'customer_id', valueAsString: 'CUST_000001' }] }]);
  } finally {
    rmSync(store, { recursive: true, force: true });
  }
});

test.run();
