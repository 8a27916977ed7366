/**
 * RecordWriter for the local feature store. Each write appends Parquet files to the offline
 * store (one per hourly partition) and, when the group has an online store, upserts the latest
 * record per identifier into a DuckDB file, where an older event time never replaces a newer one.
 * The online table keeps each record as one JSON object of feature name to value text, with a
 * list for a collection. That text is smaller than the PutRecord shape, and the upsert time grows
 * with its size.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  BIGINT,
  DOUBLE,
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBInstance,
  DuckDBTimestampValue,
  type DuckDBType,
  LIST,
  VARCHAR,
} from '@duckdb/node-api';
import { INTEGRAL_MAX, INTEGRAL_MIN } from '../clean/numbers.js';
import type { Clock, FeatureDefinition, FeatureRecord, FeatureValue, Logger, RecordFailure, RecordWriter, WriteResult } from '../ports.js';
import { type LocalFeatureGroup, readRegistryEntry } from './feature-group-registry.js';
import { duckDbType, offlineFileName, partitionPath, quoteColumn } from './offline-files.js';
import type { StoreLayout } from './store-layout.js';

/** Name of the online table inside each group's DuckDB file. */
export const ONLINE_TABLE = 'records';

export class LocalRecordWriter implements RecordWriter {
  private instance: DuckDBInstance | undefined;
  private connection: DuckDBConnection | undefined;
  private readonly attached = new Map<string, string>();
  private stagingCount = 0;

  constructor(
    private readonly layout: StoreLayout,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async write(featureGroupName: string, records: readonly FeatureRecord[]): Promise<WriteResult> {
    const group = await readRegistryEntry(this.layout, featureGroupName);
    if (group === undefined || group.status !== 'Created') {
      throw new Error(`feature group '${featureGroupName}' is not Created in the local store, so no record can be written`);
    }
    const failures: RecordFailure[] = [];
    const definitions = new Map(group.featureDefinitions.map((definition) => [definition.FeatureName, definition]));
    const valid = records.filter((record) => {
      const problem = validateRecord(group, definitions, record);
      if (problem !== undefined) {
        failures.push({ identifier: record.identifier, errorCode: 'ValidationError', message: problem, attempts: 1 });
      }
      return problem === undefined;
    });
    if (valid.length > 0) {
      const invocationTime = this.clock.now();
      const connection = await this.open();
      if (group.offlineStoreEnabled) {
        await this.appendOffline(connection, group, valid, invocationTime);
      }
      if (group.onlineStoreEnabled) {
        await this.upsertOnline(connection, group, valid, invocationTime);
      }
    }
    return { written: valid.length, failures, retries: 0 };
  }

  async close(): Promise<void> {
    this.connection?.closeSync();
    this.instance?.closeSync();
    this.connection = undefined;
    this.instance = undefined;
    this.attached.clear();
  }

  private async open(): Promise<DuckDBConnection> {
    if (this.connection === undefined) {
      this.instance = await DuckDBInstance.create(':memory:');
      this.connection = await this.instance.connect();
    }
    return this.connection;
  }

  private async appendOffline(connection: DuckDBConnection, group: LocalFeatureGroup, records: readonly FeatureRecord[], invocationTime: Date): Promise<void> {
    const definitions = group.featureDefinitions;
    const staging = `offline_staging_${(this.stagingCount += 1)}`;
    const columns = [
      ...definitions.map((definition) => `${quoteColumn(definition.FeatureName)} ${duckDbType(definition)}`),
      'write_time TIMESTAMP',
      'api_invocation_time TIMESTAMP',
      'is_deleted BOOLEAN',
      'sagepipe_partition VARCHAR',
    ];
    await connection.run(`CREATE TABLE ${staging} (${columns.join(', ')})`);
    try {
      const latestPerPartition = new Map<string, number>();
      const appender = await connection.createAppender(staging);
      const timestamp = new DuckDBTimestampValue(BigInt(invocationTime.getTime()) * 1000n);
      for (const record of records) {
        const partition = partitionPath(record.eventTimeMs);
        latestPerPartition.set(partition, Math.max(latestPerPartition.get(partition) ?? Number.NEGATIVE_INFINITY, record.eventTimeMs));
        appendFeatures(appender, definitions, record);
        // write_time and api_invocation_time are one instant locally: nothing buffers between them.
        appender.appendTimestamp(timestamp);
        appender.appendTimestamp(timestamp);
        appender.appendBoolean(false);
        appender.appendVarchar(partition);
        appender.endRow();
      }
      appender.closeSync();

      const folder = this.layout.offlineGroupDirectory(group.name, group.creationEpochSeconds);
      const selected = [...definitions.map((definition) => quoteColumn(definition.FeatureName)), 'write_time', 'api_invocation_time', 'is_deleted'].join(', ');
      for (const [partition, latest] of [...latestPerPartition].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const file = join(folder, partition, offlineFileName(latest));
        await mkdir(dirname(file), { recursive: true });
        await connection.run(
          `COPY (SELECT ${selected} FROM ${staging} WHERE sagepipe_partition = ${sqlString(partition)}) TO ${sqlString(file)} (FORMAT PARQUET)`,
        );
        this.logger.debug({ file }, 'wrote an offline store file');
      }
    } finally {
      await connection.run(`DROP TABLE IF EXISTS ${staging}`);
    }
  }

  private async upsertOnline(connection: DuckDBConnection, group: LocalFeatureGroup, records: readonly FeatureRecord[], invocationTime: Date): Promise<void> {
    const alias = await this.attachOnline(connection, group.name);
    const staging = `online_staging_${(this.stagingCount += 1)}`;
    await connection.run(`CREATE TABLE ${staging} (sequence BIGINT, record_identifier VARCHAR, event_time_ms BIGINT, event_time VARCHAR, record VARCHAR, api_invocation_time TIMESTAMP)`);
    try {
      const appender = await connection.createAppender(staging);
      const timestamp = new DuckDBTimestampValue(BigInt(invocationTime.getTime()) * 1000n);
      records.forEach((record, index) => {
        appender.appendBigInt(BigInt(index));
        appender.appendVarchar(record.identifier);
        appender.appendBigInt(BigInt(record.eventTimeMs));
        appender.appendVarchar(record.eventTime);
        appender.appendVarchar(onlineRecordText(record.values));
        appender.appendTimestamp(timestamp);
        appender.endRow();
      });
      appender.closeSync();
      // Within one write, the last record of the latest event time is kept. Against stored rows,
      // an equal event time replaces the stored record (the later put wins), and an older one is ignored.
      // NOTE: the equal-time case follows the assumption that a later PutRecord with the same event
      // time overwrites the online record; the service documentation read here covers only older and newer.
      await connection.run(
        `INSERT INTO ${alias}.${ONLINE_TABLE} ` +
          `SELECT record_identifier, event_time_ms, event_time, record, api_invocation_time FROM ${staging} ` +
          'QUALIFY row_number() OVER (PARTITION BY record_identifier ORDER BY event_time_ms DESC, sequence DESC) = 1 ' +
          'ON CONFLICT (record_identifier) DO UPDATE SET event_time_ms = excluded.event_time_ms, event_time = excluded.event_time, ' +
          'record = excluded.record, api_invocation_time = excluded.api_invocation_time ' +
          `WHERE excluded.event_time_ms >= ${ONLINE_TABLE}.event_time_ms`,
      );
    } finally {
      await connection.run(`DROP TABLE IF EXISTS ${staging}`);
    }
  }

  private async attachOnline(connection: DuckDBConnection, groupName: string): Promise<string> {
    const existing = this.attached.get(groupName);
    if (existing !== undefined) {
      return existing;
    }
    const file = this.layout.onlineStoreFile(groupName);
    await mkdir(dirname(file), { recursive: true });
    const alias = `online_store_${this.attached.size + 1}`;
    await connection.run(`ATTACH ${sqlString(file)} AS ${alias}`);
    await connection.run(
      `CREATE TABLE IF NOT EXISTS ${alias}.${ONLINE_TABLE} (record_identifier VARCHAR PRIMARY KEY, event_time_ms BIGINT NOT NULL, ` +
        'event_time VARCHAR NOT NULL, record VARCHAR NOT NULL, api_invocation_time TIMESTAMP NOT NULL)',
    );
    this.attached.set(groupName, alias);
    return alias;
  }
}

/** Checks a record the way PutRecord would; returns the problem, or undefined when it is valid. */
function validateRecord(group: LocalFeatureGroup, definitions: ReadonlyMap<string, FeatureDefinition>, record: FeatureRecord): string | undefined {
  const names = new Set<string>();
  for (const featureValue of record.values) {
    const definition = definitions.get(featureValue.featureName);
    if (definition === undefined) {
      return `feature '${featureValue.featureName}' is not defined in feature group '${group.name}'`;
    }
    if (names.has(featureValue.featureName)) {
      return `feature '${featureValue.featureName}' appears twice in the record`;
    }
    names.add(featureValue.featureName);
    const texts = featureValue.valueAsStringList ?? (featureValue.valueAsString !== undefined ? [featureValue.valueAsString] : []);
    if ((definition.CollectionType === undefined) !== (featureValue.valueAsString !== undefined)) {
      return `feature '${featureValue.featureName}' needs ${definition.CollectionType === undefined ? 'ValueAsString' : 'ValueAsStringList'}`;
    }
    const bad = texts.find((text) => !fitsType(text, definition));
    if (bad !== undefined) {
      return `value ${JSON.stringify(bad)} of feature '${featureValue.featureName}' is not a valid ${definition.FeatureType}`;
    }
  }
  for (const required of [group.recordIdentifierFeatureName, group.eventTimeFeatureName]) {
    if (!names.has(required)) {
      return `the record lacks the required feature '${required}'`;
    }
  }
  return undefined;
}

function fitsType(text: string, definition: FeatureDefinition): boolean {
  if (definition.FeatureType === 'Integral') {
    return /^-?\d+$/.test(text) && BigInt(text) >= INTEGRAL_MIN && BigInt(text) <= INTEGRAL_MAX;
  }
  if (definition.FeatureType === 'Fractional') {
    return text.trim() !== '' && Number.isFinite(Number(text));
  }
  return true;
}

function appendFeatures(appender: DuckDBAppender, definitions: readonly FeatureDefinition[], record: FeatureRecord): void {
  const byName = new Map(record.values.map((featureValue) => [featureValue.featureName, featureValue]));
  for (const definition of definitions) {
    const featureValue = byName.get(definition.FeatureName);
    if (featureValue === undefined) {
      appender.appendNull();
    } else if (featureValue.valueAsStringList !== undefined) {
      const scalar = scalarType(definition);
      appender.appendList(featureValue.valueAsStringList.map((text) => typedValue(text, definition)), LIST(scalar));
    } else {
      const text = featureValue.valueAsString as string;
      if (definition.FeatureType === 'Integral') {
        appender.appendBigInt(BigInt(text));
      } else if (definition.FeatureType === 'Fractional') {
        appender.appendDouble(Number(text));
      } else {
        appender.appendVarchar(text);
      }
    }
  }
}

function scalarType(definition: FeatureDefinition): DuckDBType {
  if (definition.FeatureType === 'Integral') {
    return BIGINT;
  }
  return definition.FeatureType === 'Fractional' ? DOUBLE : VARCHAR;
}

function typedValue(text: string, definition: FeatureDefinition): bigint | number | string {
  if (definition.FeatureType === 'Integral') {
    return BigInt(text);
  }
  return definition.FeatureType === 'Fractional' ? Number(text) : text;
}

/** Converts record values to the online table's JSON object of feature name to value text. */
export function onlineRecordText(values: readonly FeatureValue[]): string {
  const byName: Record<string, string | readonly string[]> = {};
  for (const featureValue of values) {
    byName[featureValue.featureName] = featureValue.valueAsStringList ?? featureValue.valueAsString ?? '';
  }
  return JSON.stringify(byName);
}

/**
 * Converts the online table's record text back to record values. A store written before the
 * compact form contains the PutRecord shape, an array of values, which is returned unchanged.
 */
export function parseOnlineRecord(text: string): FeatureValue[] {
  const parsed = JSON.parse(text) as FeatureValue[] | Record<string, string | string[]>;
  if (Array.isArray(parsed)) {
    return parsed;
  }
  return Object.entries(parsed).map(([featureName, value]) => (Array.isArray(value) ? { featureName, valueAsStringList: value } : { featureName, valueAsString: value }));
}

/** Quotes text as a SQL string literal, with single quotes doubled. */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
