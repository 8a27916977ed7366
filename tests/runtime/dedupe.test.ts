import { existsSync, readdirSync, rmSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type DroppedDuplicate, DuplicateResolver } from '../../runtime/dedupe.js';
import type { FeatureRecord } from '../../runtime/ports.js';
import { silentLogger, tempFolder } from '../support/ingest-fixtures.js';

function record(identifier: string, eventTimeMs: number, tag: string): FeatureRecord {
  return { identifier, eventTime: String(eventTimeMs), eventTimeMs, values: [{ featureName: 'tag', valueAsString: tag }] };
}

/** Feeds records in order and returns `identifier:tag` of each winner, plus the counters. */
async function resolve(records: readonly FeatureRecord[], options: { memoryRecords?: number; mergeFanIn?: number; tempDirectory?: string }) {
  const resolver = new DuplicateResolver({ logger: silentLogger, ...options });
  for (const [index, item] of records.entries()) {
    await resolver.add(item, index + 1);
  }
  const spilled = resolver.spilledRuns;
  const winners: string[] = [];
  for await (const batch of resolver.winners(2)) {
    winners.push(...batch.map((item) => `${item.identifier}:${item.values[0]?.valueAsString}`));
  }
  return { winners, dropped: resolver.dropped, spilled };
}

/** 60 rows over 10 identifiers; each identifier's latest time appears twice, the later copy tagged `last`. */
function manyRecords(): FeatureRecord[] {
  const records: FeatureRecord[] = [];
  for (let round = 0; round < 5; round += 1) {
    for (let id = 0; id < 10; id += 1) {
      records.push(record(`id${id}`, (id * 7 + round * 3) % 11, `r${round}`));
    }
  }
  for (let id = 0; id < 10; id += 1) {
    records.push(record(`id${id}`, 100, id % 2 === 0 ? 'first' : 'x'));
  }
  for (let id = 0; id < 10; id += 2) {
    records.push(record(`id${id}`, 100, 'last'));
  }
  return records;
}

const EXPECTED = ['id0:last', 'id1:x', 'id2:last', 'id3:x', 'id4:last', 'id5:x', 'id6:last', 'id7:x', 'id8:last', 'id9:x'];

test('dedupe in memory', async () => {
  const result = await resolve(manyRecords(), {});
  assert.equal(result.winners, EXPECTED);
  assert.is(result.dropped, 55);
  assert.is(result.spilled, 0);
});

test('dedupe spills and merges', async () => {
  const directory = tempFolder('dedupe');
  try {
    const result = await resolve(manyRecords(), { memoryRecords: 3, tempDirectory: directory });
    assert.equal(result.winners, EXPECTED);
    assert.is(result.dropped, 55);
    assert.ok(result.spilled > 10, `only ${result.spilled} runs were spilled`);
    assert.equal(readdirSync(directory), [], 'run files were left behind');
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('dedupe spill keeps every value', async () => {
  const directory = tempFolder('dedupe');
  const full = (identifier: string, eventTimeMs: number, plan: string): FeatureRecord => ({
    identifier,
    eventTime: new Date(eventTimeMs).toISOString(),
    eventTimeMs,
    values: [
      { featureName: 'plan', valueAsString: plan },
      { featureName: 'empty', valueAsString: '' },
      { featureName: 'tags', valueAsStringList: ['a', 'b "quoted"'] },
    ],
  });
  const records = [full('b', 2000, 'old'), full('a', 1000, 'only'), full('b', 3000, 'new'), full('c', 1000, 'x\ny')];
  try {
    const resolver = new DuplicateResolver({ logger: silentLogger, memoryRecords: 1, tempDirectory: directory });
    for (const [index, item] of records.entries()) {
      await resolver.add(item, index + 1);
    }
    const winners: FeatureRecord[] = [];
    for await (const batch of resolver.winners(10)) {
      winners.push(...batch);
    }
    assert.ok(resolver.spilledRuns > 1);
    assert.equal(winners, [records[1], records[2], records[3]]);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('dedupe merges in passes', async () => {
  const directory = tempFolder('dedupe-passes');
  try {
    const result = await resolve(manyRecords(), { memoryRecords: 2, mergeFanIn: 2, tempDirectory: directory });
    assert.equal(result.winners, EXPECTED);
    assert.is(result.dropped, 55);
    assert.ok(existsSync(directory));
    assert.equal(readdirSync(directory), []);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('dedupe tie keeps last row', async () => {
  const result = await resolve([record('a', 5, 'one'), record('a', 5, 'two'), record('a', 4, 'three')], { memoryRecords: 1 });
  assert.equal(result.winners, ['a:two']);
  assert.is(result.dropped, 2);
});

test('dedupe spill adds no listeners', async () => {
  const directory = tempFolder('dedupe-listeners');
  const warnings: string[] = [];
  const onWarning = (warning: Error): void => {
    warnings.push(warning.name);
  };
  process.on('warning', onWarning);
  try {
    // 3,000 records of about 1 KB fill a run file's write buffer many times, so the spill waits for 'drain' often.
    const padding = 'x'.repeat(1000);
    const records = Array.from({ length: 3000 }, (_, index) => record(`id${String(index).padStart(5, '0')}`, 1, padding));
    const result = await resolve(records, { memoryRecords: 3000, tempDirectory: directory });
    await new Promise((done) => setImmediate(done));

    assert.is(result.winners.length, 3000);
    assert.is(result.spilled, 1);
    assert.equal(warnings.filter((name) => name === 'MaxListenersExceededWarning'), []);
  } finally {
    process.off('warning', onWarning);
    rmSync(directory, { recursive: true, force: true });
  }
});

/** Lists every row that loses, as `row>winningRow`, by comparing all rows of each identifier. */
function expectedLosers(records: readonly FeatureRecord[]): string[] {
  const rows = records.map((item, index) => ({ item, row: index + 1 }));
  return rows
    .flatMap(({ item, row }) => {
      const winner = rows
        .filter((other) => other.item.identifier === item.identifier)
        .reduce((best, other) => (other.item.eventTimeMs > best.item.eventTimeMs || (other.item.eventTimeMs === best.item.eventTimeMs && other.row > best.row) ? other : best));
      return winner.row === row ? [] : [`${row}>${winner.row}`];
    })
    .sort();
}

for (const [name, options] of [
  ['dedupe reports losers in memory', {}],
  ['dedupe reports losers after spilling', { memoryRecords: 3 }],
  ['dedupe reports losers across passes', { memoryRecords: 2, mergeFanIn: 2 }],
] as const) {
  test(name, async () => {
    const records = manyRecords();
    const resolver = new DuplicateResolver({ logger: silentLogger, ...options });
    for (const [index, item] of records.entries()) {
      await resolver.add(item, index + 1);
    }
    const reported: DroppedDuplicate[] = [];
    for await (const _batch of resolver.winners(4, async (duplicate) => {
      reported.push(duplicate);
    })) {
      // Only the reported losers matter here.
    }
    assert.equal(reported.map((duplicate) => `${duplicate.row}>${duplicate.winningRow}`).sort(), expectedLosers(records));
    assert.is(resolver.dropped, 55);
    const first = reported.find((duplicate) => duplicate.row === 1);
    assert.equal(first, { row: 1, identifier: 'id0', eventTime: '0', winningRow: 61 });
  });
}

test.run();
