/**
 * Read access to the local store: one DuckDB view per feature group over its offline Parquet
 * files, and lookups in the online store.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { FeatureValue } from '../ports.js';
import { type LocalFeatureGroup, readRegistryEntry } from './feature-group-registry.js';
import { ONLINE_TABLE, parseOnlineRecord, sqlString } from './local-record-writer.js';
import { duckDbType, quoteColumn } from './offline-files.js';
import type { StoreLayout } from './store-layout.js';

/** Lists the feature groups registered in the store, sorted by name. */
export async function listFeatureGroups(layout: StoreLayout): Promise<LocalFeatureGroup[]> {
  if (!existsSync(layout.featureGroupsDirectory)) {
    return [];
  }
  const names = (await readdir(layout.featureGroupsDirectory)).filter((file) => file.endsWith('.json')).map((file) => file.slice(0, -'.json'.length));
  const groups: LocalFeatureGroup[] = [];
  for (const name of names.sort()) {
    const group = await readRegistryEntry(layout, name);
    if (group !== undefined) {
      groups.push(group);
    }
  }
  return groups;
}

/**
 * Creates one view per feature group, named after the group, over every Parquet file of its
 * offline store. A group without files yet gets an empty view with the same columns.
 */
export async function createOfflineViews(connection: DuckDBConnection, layout: StoreLayout): Promise<LocalFeatureGroup[]> {
  const groups = await listFeatureGroups(layout);
  for (const group of groups) {
    const folder = layout.offlineGroupDirectory(group.name, group.creationEpochSeconds);
    const files = await listParquetFiles(join(folder, 'data'));
    const view = `"${group.name}"`;
    if (files.length > 0) {
      // An explicit file list (sorted) keeps the scan order stable; union_by_name tolerates features added later.
      const list = `[${files.map(sqlString).join(', ')}]`;
      await connection.run(`CREATE OR REPLACE VIEW ${view} AS SELECT * FROM read_parquet(${list}, union_by_name = true, hive_partitioning = false)`);
    } else {
      const columns = [
        ...group.featureDefinitions.map((definition) => `NULL::${duckDbType(definition)} AS ${quoteColumn(definition.FeatureName)}`),
        'NULL::TIMESTAMP AS write_time',
        'NULL::TIMESTAMP AS api_invocation_time',
        'NULL::BOOLEAN AS is_deleted',
      ];
      await connection.run(`CREATE OR REPLACE VIEW ${view} AS SELECT ${columns.join(', ')} WHERE false`);
    }
  }
  return groups;
}

async function listParquetFiles(folder: string): Promise<string[]> {
  if (!existsSync(folder)) {
    return [];
  }
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.parquet'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** A record of the online store. */
export interface OnlineRecord {
  readonly identifier: string;
  readonly eventTime: string;
  readonly values: readonly FeatureValue[];
}

/** Reads every record of a group's online store, sorted by identifier; for tests and inspection. */
export async function readOnlineStore(layout: StoreLayout, groupName: string): Promise<OnlineRecord[]> {
  const file = layout.onlineStoreFile(groupName);
  if (!existsSync(file)) {
    return [];
  }
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(`SELECT record_identifier, event_time, record FROM ${ONLINE_TABLE} ORDER BY record_identifier`);
    return reader.getRowsJS().map(([identifier, eventTime, record]) => ({
      identifier: String(identifier),
      eventTime: String(eventTime),
      values: parseOnlineRecord(String(record)),
    }));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
