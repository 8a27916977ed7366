/**
 * Duplicate resolution in bounded memory. Within one run, the record with the latest event time
 * wins for each identifier, and an exact tie keeps the row that came last in source order.
 *
 * Entries are held in memory up to a limit. Past it, the held entries are sorted and spilled to
 * a temporary run file, and the runs are merged at the end. The order is by identifier, then by
 * event time and source row from the latest down. In that order the first entry of each
 * identifier is the winner and every later one lost, so the merge reports each dropped row with
 * its winner while it streams, and memory stays bounded. An entry that is already known to lose
 * keeps only its row, identifier and event time. DuckDB is not used, because this code also runs
 * inside the bundled runtime.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { FeatureRecord, FeatureValue, Logger } from './ports.js';

/** Records held in memory before they are spilled to a run file. NOTE: an estimate, not sized by a benchmark. */
export const DEFAULT_MEMORY_RECORDS = 20_000;

/** Run files merged at once; more runs are merged in several passes. */
export const DEFAULT_MERGE_FAN_IN = 64;

export interface DedupeOptions {
  /** Records held in memory before a spill. @default 20000 */
  readonly memoryRecords?: number;
  /** Run files open at once while merging. @default 64 */
  readonly mergeFanIn?: number;
  /** Parent folder of the temporary run files. @default the operating system's temporary folder */
  readonly tempDirectory?: string;
  readonly logger: Logger;
}

/** A row that lost against another row of the same record identifier, for duplicates.jsonl. */
export interface DroppedDuplicate {
  /** 1-based source row of the dropped row. */
  readonly row: number;
  readonly identifier: string;
  /** The dropped row's event time as it would have been sent. */
  readonly eventTime: string;
  /** 1-based source row of the row that won. */
  readonly winningRow: number;
}

/** Receives each dropped row while `winners` streams. */
export type DuplicateHandler = (duplicate: DroppedDuplicate) => Promise<void>;

/**
 * A record with its 1-based source row, which breaks ties between equal event times. `lost`
 * marks an entry that another entry of its identifier beats; its record keeps no values.
 */
interface Entry {
  readonly row: number;
  readonly record: FeatureRecord;
  readonly lost?: true;
}

/**
 * Orders entries by identifier, then from the latest event time down, then from the last
 * source row up, so the first entry of an identifier is its winner.
 */
function compareEntries(a: Entry, b: Entry): number {
  if (a.record.identifier !== b.record.identifier) {
    return a.record.identifier < b.record.identifier ? -1 : 1;
  }
  if (a.record.eventTimeMs !== b.record.eventTimeMs) {
    return b.record.eventTimeMs - a.record.eventTimeMs;
  }
  return b.row - a.row;
}

/** Keeps what duplicates.jsonl needs of a losing entry and drops its feature values. */
function asLost(entry: Entry): Entry {
  const { identifier, eventTime, eventTimeMs } = entry.record;
  return { row: entry.row, record: { identifier, eventTime, eventTimeMs, values: [] }, lost: true };
}

/** Collects records, then yields one winner per identifier, sorted by identifier. */
export class DuplicateResolver {
  /** The best entry so far of each identifier held in memory. */
  private held = new Map<string, Entry>();
  /** Held entries that lost against an entry of `held`. */
  private lost: Entry[] = [];
  private readonly runs: string[] = [];
  private directory: string | undefined;
  private droppedCount = 0;
  private readonly memoryRecords: number;
  private readonly fanIn: number;

  constructor(private readonly options: DedupeOptions) {
    this.memoryRecords = Math.max(1, options.memoryRecords ?? DEFAULT_MEMORY_RECORDS);
    this.fanIn = Math.max(2, options.mergeFanIn ?? DEFAULT_MERGE_FAN_IN);
  }

  /**
   * Rows dropped because another row of the same identifier won. Rows are counted as `winners`
   * reports them, so the count is final only once `winners` has finished.
   */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Run files written so far. */
  get spilledRuns(): number {
    return this.runs.length;
  }

  /** Adds a record read at 1-based source row `row`. */
  async add(record: FeatureRecord, row: number): Promise<void> {
    const entry = { row, record };
    const current = this.held.get(record.identifier);
    if (current === undefined) {
      this.held.set(record.identifier, entry);
    } else if (compareEntries(entry, current) < 0) {
      this.held.set(record.identifier, entry);
      this.lost.push(asLost(current));
    } else {
      this.lost.push(asLost(entry));
    }
    if (this.held.size + this.lost.length >= this.memoryRecords) {
      await this.spill();
    }
  }

  /**
   * Yields the winning records in batches of at most `batchSize`, then removes the run files.
   * Each dropped row goes to `onDuplicate` as soon as its identifier's winner is known, which
   * is before the batch that contains the winner is yielded.
   */
  async *winners(batchSize: number, onDuplicate?: DuplicateHandler): AsyncGenerator<FeatureRecord[]> {
    try {
      const sorted = this.runs.length === 0 ? this.sortedHeld() : await this.mergedRuns();
      let batch: FeatureRecord[] = [];
      let winner: Entry | undefined;
      for await (const entry of sorted) {
        if (winner !== undefined && winner.record.identifier === entry.record.identifier) {
          this.droppedCount += 1;
          await onDuplicate?.({ row: entry.row, identifier: entry.record.identifier, eventTime: entry.record.eventTime, winningRow: winner.row });
          continue;
        }
        if (entry.lost === true) {
          // Every lost entry has a better entry of its identifier, which sorts before it.
          throw new Error(`duplicate resolution lost the winner of record identifier '${entry.record.identifier}'`);
        }
        winner = entry;
        batch.push(entry.record);
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) {
        yield batch;
      }
    } finally {
      await this.cleanUp();
    }
  }

  /** Removes the temporary run files; safe to call more than once. */
  async cleanUp(): Promise<void> {
    if (this.directory !== undefined) {
      const directory = this.directory;
      this.directory = undefined;
      await rm(directory, { recursive: true, force: true });
    }
  }

  private *sortedHeld(): Generator<Entry> {
    const entries = [...this.held.values(), ...this.lost].sort(compareEntries);
    this.held = new Map();
    this.lost = [];
    yield* entries;
  }

  private async spill(): Promise<void> {
    this.directory ??= await mkdtemp(join(this.options.tempDirectory ?? tmpdir(), 'sagepipe-dedupe-'));
    const path = join(this.directory, `run-${String(this.runs.length).padStart(6, '0')}.jsonl`);
    await writeRun(path, this.sortedHeld());
    this.runs.push(path);
    this.options.logger.debug({ run: path, records: this.memoryRecords }, 'spilled records to a run file');
  }

  private async mergedRuns(): Promise<AsyncIterable<Entry>> {
    if (this.held.size + this.lost.length > 0) {
      await this.spill();
    }
    let runs = [...this.runs];
    let pass = 0;
    // Merge in passes so that no more than `fanIn` files are open at once.
    while (runs.length > this.fanIn) {
      const next: string[] = [];
      for (let start = 0; start < runs.length; start += this.fanIn) {
        const group = runs.slice(start, start + this.fanIn);
        if (group.length === 1) {
          next.push(group[0] as string);
          continue;
        }
        const path = join(this.directory as string, `merge-${pass}-${String(start).padStart(6, '0')}.jsonl`);
        await writeRun(path, markLosers(mergeSorted(group)));
        await Promise.all(group.map((run) => rm(run, { force: true })));
        next.push(path);
      }
      runs = next;
      pass += 1;
    }
    return mergeSorted(runs);
  }
}

/** Merges sorted runs into one sorted stream of every entry. */
async function* mergeSorted(paths: readonly string[]): AsyncGenerator<Entry> {
  const readers = paths.map((path) => readRun(path));
  const heap = new EntryHeap();
  for (const [index, reader] of readers.entries()) {
    const first = await reader.next();
    if (first.done !== true) {
      heap.push({ entry: first.value, source: index });
    }
  }
  while (heap.size > 0) {
    const { entry, source } = heap.pop();
    const following = await (readers[source] as AsyncGenerator<Entry>).next();
    if (following.done !== true) {
      heap.push({ entry: following.value, source });
    }
    yield entry;
  }
}

/** Slims every entry after the first of its identifier, so intermediate runs shrink. */
async function* markLosers(entries: AsyncIterable<Entry>): AsyncGenerator<Entry> {
  let identifier: string | undefined;
  for await (const entry of entries) {
    const first = entry.record.identifier !== identifier;
    identifier = entry.record.identifier;
    yield first || entry.lost === true ? entry : asLost(entry);
  }
}

async function writeRun(path: string, entries: Iterable<Entry> | AsyncIterable<Entry>): Promise<void> {
  const stream = createWriteStream(path, { encoding: 'utf8' });
  try {
    for await (const entry of entries) {
      if (!stream.write(`${encodeEntry(entry)}\n`)) {
        // events.once removes both of its listeners when either event fires, so long runs add none.
        await once(stream, 'drain');
      }
    }
  } finally {
    await new Promise<void>((resolve, reject) => stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
  }
}

async function* readRun(path: string): AsyncGenerator<Entry> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line !== '') {
      yield decodeEntry(line);
    }
  }
}

/**
 * A run file line: one JSON array of row, identifier, event time, event time in milliseconds,
 * 1 for a lost entry or 0, then each feature's name and value (a value list for a collection).
 * This is smaller than the record's objects and faster to parse.
 */
type EncodedEntry = [number, string, string, number, 0 | 1, ...(string | readonly string[])[]];

function encodeEntry(entry: Entry): string {
  const { identifier, eventTime, eventTimeMs, values } = entry.record;
  const line: EncodedEntry = [entry.row, identifier, eventTime, eventTimeMs, entry.lost === true ? 1 : 0];
  for (const featureValue of values) {
    line.push(featureValue.featureName, featureValue.valueAsStringList ?? featureValue.valueAsString ?? '');
  }
  return JSON.stringify(line);
}

function decodeEntry(line: string): Entry {
  const [row, identifier, eventTime, eventTimeMs, lost, ...features] = JSON.parse(line) as EncodedEntry;
  const values: FeatureValue[] = [];
  for (let index = 0; index + 1 < features.length; index += 2) {
    const featureName = features[index] as string;
    const value = features[index + 1] as string | readonly string[];
    values.push(typeof value === 'string' ? { featureName, valueAsString: value } : { featureName, valueAsStringList: value });
  }
  const record = { identifier, eventTime, eventTimeMs, values };
  return lost === 1 ? { row, record, lost: true } : { row, record };
}

interface HeapItem {
  readonly entry: Entry;
  readonly source: number;
}

/** A binary min-heap of run heads, ordered like the runs themselves. */
class EntryHeap {
  private readonly items: HeapItem[] = [];

  get size(): number {
    return this.items.length;
  }

  push(item: HeapItem): void {
    this.items.push(item);
    let index = this.items.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (this.less(parent, index)) {
        break;
      }
      this.swap(index, parent);
      index = parent;
    }
  }

  pop(): HeapItem {
    const top = this.items[0] as HeapItem;
    const last = this.items.pop() as HeapItem;
    if (this.items.length > 0) {
      this.items[0] = last;
      let index = 0;
      for (;;) {
        const left = index * 2 + 1;
        const right = left + 1;
        let smallest = index;
        if (left < this.items.length && this.less(left, smallest)) {
          smallest = left;
        }
        if (right < this.items.length && this.less(right, smallest)) {
          smallest = right;
        }
        if (smallest === index) {
          break;
        }
        this.swap(index, smallest);
        index = smallest;
      }
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    return compareEntries((this.items[a] as HeapItem).entry, (this.items[b] as HeapItem).entry) < 0;
  }

  private swap(a: number, b: number): void {
    const item = this.items[a] as HeapItem;
    this.items[a] = this.items[b] as HeapItem;
    this.items[b] = item;
  }
}
