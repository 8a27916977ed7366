import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readOnlineStore } from '../../runtime/local/offline-views.js';
import { StoreLayout } from '../../runtime/local/store-layout.js';
import { runCli } from '../support/cli.js';
import { TELCO_CSV } from '../support/paths.js';

const GROUP = 'telco_customer_churn';

test('telco example lands every row', async () => {
  assert.ok(existsSync(TELCO_CSV), `the Telco data set is missing at ${TELCO_CSV}; set SAGEPIPE_TELCO_CSV to its path`);
  const store = mkdtempSync(join(tmpdir(), 'sagepipe-telco-'));
  try {
    const compiled = runCli(['compile', 'examples/telco-churn/pipeline.ts', '--out', join(store, 'artifacts'), '--no-type-check']);
    assert.is(compiled.status, 0, compiled.stderr);
    const run = runCli(['run', join(store, 'artifacts'), '--local', '--json', '--store', store, '--table', `telco.customer_churn=${TELCO_CSV}`]);
    assert.is(run.status, 0, run.stderr);
    const step = (JSON.parse(run.stdout) as { steps: { outputDirectory: string; report: { counts: Record<string, number>; missingPerFeature: Record<string, number> } }[] }).steps[0];
    assert.equal(step?.report.counts, { read: 7043, rejected: 0, duplicatesDropped: 0, written: 7043, failed: 0 });
    assert.is(step?.report.missingPerFeature['TotalCharges'], 11);
    assert.is(readFileSync(join(step?.outputDirectory ?? '', 'rejects.jsonl'), 'utf8'), '');

    const query = runCli([
      'query',
      '--local',
      '--json',
      '--store',
      store,
      `SELECT count(*), count(TotalCharges), count(*) FILTER (WHERE TotalCharges IS NULL AND tenure = 0), sum(Churn), sum(SeniorCitizen), count(DISTINCT PaymentMethod) FROM ${GROUP}`,
    ]);
    assert.is(query.status, 0, query.stderr);
    assert.equal((JSON.parse(query.stdout) as { rows: unknown[][] }).rows, [[7043, 7032, 11, 1869, 1142, 4]]);

    const online = await readOnlineStore(new StoreLayout(store), GROUP);
    assert.is(online.length, 7043);
    const first = online.find((record) => record.identifier === '7590-VHVEG');
    assert.equal(
      first?.values.filter((item) => ['Partner', 'PhoneService', 'MultipleLines', 'TotalCharges'].includes(item.featureName)),
      [
        { featureName: 'Partner', valueAsString: '1' },
        { featureName: 'PhoneService', valueAsString: '0' },
        { featureName: 'MultipleLines', valueAsString: 'No phone service' },
        { featureName: 'TotalCharges', valueAsString: '29.85' },
      ],
    );
  } finally {
    rmSync(store, { recursive: true, force: true });
  }
});

test.run();
