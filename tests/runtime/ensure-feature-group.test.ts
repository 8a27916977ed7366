import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ensureFeatureGroup, FeatureGroupError } from '../../runtime/ensure-feature-group.js';
import type { IngestFeatureGroupConfig } from '../../runtime/ingest-config.js';
import { type Clock, type FeatureDefinition, type FeatureGroupControl, type FeatureGroupDescription, FeatureGroupExistsError } from '../../runtime/ports.js';
import { silentLogger } from '../support/ingest-fixtures.js';

const DEFINITIONS: FeatureDefinition[] = [
  { FeatureName: 'id', FeatureType: 'String' },
  { FeatureName: 'ts', FeatureType: 'String' },
  { FeatureName: 'age', FeatureType: 'Integral' },
];

function groupConfig(overrides: Partial<IngestFeatureGroupConfig> = {}): IngestFeatureGroupConfig {
  return {
    name: 'g',
    recordIdentifierFeatureName: 'id',
    eventTimeFeatureName: 'ts',
    createRequest: {
      FeatureGroupName: 'g',
      RecordIdentifierFeatureName: 'id',
      EventTimeFeatureName: 'ts',
      FeatureDefinitions: DEFINITIONS,
      OfflineStoreConfig: { S3StorageConfig: { S3Uri: 's3://bucket/offline/' } },
    },
    allowFeatureAdditions: false,
    createTimeoutSeconds: 60,
    ...overrides,
  };
}

function description(status: FeatureGroupDescription['status'], definitions = DEFINITIONS, extra: Partial<FeatureGroupDescription> = {}): FeatureGroupDescription {
  return {
    name: 'g',
    status,
    recordIdentifierFeatureName: 'id',
    eventTimeFeatureName: 'ts',
    featureDefinitions: definitions,
    onlineStoreEnabled: false,
    offlineStoreEnabled: true,
    ...extra,
  };
}

/** Creates a clock whose sleep advances time at once and records each delay. */
function manualClock(): Clock & { delays: number[] } {
  let now = 0;
  const delays: number[] = [];
  return {
    delays,
    now: () => new Date(now),
    sleep: async (milliseconds) => {
      delays.push(milliseconds);
      now += milliseconds;
    },
  };
}

/** Creates a feature-group control that returns scripted descriptions, for the state machine of ensureFeatureGroup. */
function scriptedControl(describes: (FeatureGroupDescription | undefined)[], options: { createError?: Error } = {}) {
  const calls: string[] = [];
  const control: FeatureGroupControl = {
    describe: async () => {
      calls.push('describe');
      return describes.length > 1 ? describes.shift() : describes[0];
    },
    create: async () => {
      calls.push('create');
      if (options.createError !== undefined) {
        throw options.createError;
      }
    },
    addFeatures: async (_name, definitions) => {
      calls.push(`add:${definitions.map((definition) => definition.FeatureName).join(',')}`);
    },
  };
  return { control, calls };
}

test('ensure creates and polls', async () => {
  const clock = manualClock();
  const { control, calls } = scriptedControl([undefined, description('Creating'), description('Creating'), description('Created')]);
  const result = await ensureFeatureGroup(groupConfig(), { control, clock, logger: silentLogger });
  assert.is(result.status, 'Created');
  assert.equal(calls, ['describe', 'create', 'describe', 'describe', 'describe']);
  assert.equal(clock.delays, [1000, 2000]);
});

test('ensure treats create race', async () => {
  const { control, calls } = scriptedControl([undefined, description('Created')], { createError: new FeatureGroupExistsError('g') });
  const result = await ensureFeatureGroup(groupConfig(), { control, clock: manualClock(), logger: silentLogger });
  assert.is(result.status, 'Created');
  assert.equal(calls, ['describe', 'create', 'describe']);
});

test('ensure reports create failure', async () => {
  const { control } = scriptedControl([description('CreateFailed', DEFINITIONS, { failureReason: 'role not assumable' })]);
  try {
    await ensureFeatureGroup(groupConfig(), { control, clock: manualClock(), logger: silentLogger });
    assert.unreachable('a failed creation was accepted');
  } catch (error) {
    assert.instance(error, FeatureGroupError);
    assert.match((error as Error).message, "creating feature group 'g' failed: role not assumable");
  }
});

test('ensure times out', async () => {
  const clock = manualClock();
  const { control } = scriptedControl([description('Creating')]);
  try {
    await ensureFeatureGroup(groupConfig({ createTimeoutSeconds: 10 }), { control, clock, logger: silentLogger });
    assert.unreachable('polling never ended');
  } catch (error) {
    assert.match((error as Error).message, "timed out after 10 s waiting for feature group 'g' to be created (status Creating)");
  }
  assert.equal(clock.delays, [1000, 2000, 4000, 3000]);
});

test('ensure lists every difference', async () => {
  const changed: FeatureDefinition[] = [
    { FeatureName: 'id', FeatureType: 'Integral' },
    { FeatureName: 'ts', FeatureType: 'String' },
    { FeatureName: 'age', FeatureType: 'Fractional' },
  ];
  const { control } = scriptedControl([description('Created', changed, { eventTimeFeatureName: 'when' })]);
  try {
    await ensureFeatureGroup(groupConfig(), { control, clock: manualClock(), logger: silentLogger });
    assert.unreachable('a mismatched group was accepted');
  } catch (error) {
    const message = (error as Error).message;
    assert.match(message, 'EventTimeFeatureName: deployed "when", compiled "ts"');
    assert.match(message, 'FeatureDefinitions[id].FeatureType: deployed "Integral", compiled "String"');
    assert.match(message, 'FeatureDefinitions[age].FeatureType: deployed "Fractional", compiled "Integral"');
  }
});

test('ensure refuses missing features', async () => {
  const { control, calls } = scriptedControl([description('Created', DEFINITIONS.slice(0, 2))]);
  try {
    await ensureFeatureGroup(groupConfig(), { control, clock: manualClock(), logger: silentLogger });
    assert.unreachable('missing features were accepted');
  } catch (error) {
    assert.match((error as Error).message, "lacks the features 'age'");
  }
  assert.not.ok(calls.some((call) => call.startsWith('add:')));
});

test('ensure adds allowed features', async () => {
  const { control, calls } = scriptedControl([
    description('Created', DEFINITIONS.slice(0, 2)),
    description('Created', DEFINITIONS, { lastUpdateStatus: 'InProgress' }),
    description('Created', DEFINITIONS, { lastUpdateStatus: 'Successful' }),
  ]);
  const result = await ensureFeatureGroup(groupConfig({ allowFeatureAdditions: true }), { control, clock: manualClock(), logger: silentLogger });
  assert.is(result.lastUpdateStatus, 'Successful');
  assert.equal(calls, ['describe', 'add:age', 'describe', 'describe']);
});

test('ensure refuses another store setup', async () => {
  const { control } = scriptedControl([description('Created', DEFINITIONS, { onlineStoreEnabled: true, offlineStoreEnabled: false })]);
  try {
    await ensureFeatureGroup(groupConfig(), { control, clock: manualClock(), logger: silentLogger });
    assert.unreachable('a group with other stores was accepted');
  } catch (error) {
    const message = (error as Error).message;
    assert.match(message, 'OnlineStoreConfig.EnableOnlineStore: deployed true, compiled false');
    assert.match(message, 'OfflineStoreConfig: deployed "absent", compiled "configured"');
  }
});

test.run();
