/**
 * Folder layout of the local store that `run --local`, `query --local` and `generate-data` share:
 *
 *   <store>/tables/<database>/<table>.csv|.parquet     source tables for the DuckDB query source
 *   <store>/feature-groups/<group>.json                registry: definitions, status, creation time
 *   <store>/offline-store/<group>-<creation epoch>/data/year=YYYY/month=MM/day=DD/hour=HH/*.parquet
 *   <store>/online-store/<group>.duckdb                latest record per identifier
 *   <store>/s3/<bucket>/<key>                          objects of s3:// URIs, such as step reports
 */
import { isAbsolute, join, resolve } from 'node:path';

/** Store folder used when neither `--store` nor the environment variable names one. */
export const DEFAULT_STORE_DIRECTORY = '.sagepipe';

/** Environment variable that overrides the default store folder. */
export const STORE_ENVIRONMENT_VARIABLE = 'SAGEPIPE_STORE';

/** Glue database and table names, which become DuckDB schema and view names. */
const TABLE_NAME = /^[A-Za-z0-9_]{1,255}$/;

/** Feature group names, as CreateFeatureGroup accepts them; safe as file names. */
export const FEATURE_GROUP_NAME = /^[a-zA-Z0-9]([_-]*[a-zA-Z0-9]){0,63}$/;

/** Picks the store folder: the option, then SAGEPIPE_STORE, then `.sagepipe` in `cwd`. */
export function resolveStoreDirectory(option: string | undefined, environment: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  const chosen = option ?? environment[STORE_ENVIRONMENT_VARIABLE] ?? DEFAULT_STORE_DIRECTORY;
  return isAbsolute(chosen) ? chosen : resolve(cwd, chosen);
}

/** Paths inside one store folder; it creates nothing. */
export class StoreLayout {
  constructor(readonly root: string) {}

  /** Default location of a source table written by `generate-data`. */
  tableFile(database: string, table: string, extension: 'csv' | 'parquet'): string {
    assertTableName(database, 'database');
    assertTableName(table, 'table');
    return join(this.root, 'tables', database, `${table}.${extension}`);
  }

  get featureGroupsDirectory(): string {
    return join(this.root, 'feature-groups');
  }

  registryFile(groupName: string): string {
    assertGroupName(groupName);
    return join(this.featureGroupsDirectory, `${groupName}.json`);
  }

  /** Folder of one group's offline store, named like the service names it: `<group>-<creation epoch seconds>`. */
  offlineGroupDirectory(groupName: string, creationEpochSeconds: number): string {
    assertGroupName(groupName);
    return join(this.root, 'offline-store', `${groupName}-${creationEpochSeconds}`);
  }

  onlineStoreFile(groupName: string): string {
    assertGroupName(groupName);
    return join(this.root, 'online-store', `${groupName}.duckdb`);
  }

  /** Local path of an `s3://bucket/key` URI; throws for anything else. */
  s3Path(uri: string): string {
    const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(uri);
    if (match === null) {
      throw new Error(`'${uri}' is not an s3:// URI of the form s3://bucket/key`);
    }
    const key = match[2] ?? '';
    const parts = key.split('/').filter((part) => part !== '');
    if (parts.some((part) => part === '..' || part === '.')) {
      throw new Error(`'${uri}' has '.' or '..' in its key, which the local store does not map`);
    }
    return join(this.root, 's3', match[1] as string, ...parts);
  }
}

/** Throws unless `name` is a plain Glue name that can be a DuckDB identifier and a file name. */
export function assertTableName(name: string, kind: 'database' | 'table'): void {
  if (!TABLE_NAME.test(name)) {
    throw new Error(`${kind} name '${name}' is invalid: use letters, digits and underscores only`);
  }
}

function assertGroupName(name: string): void {
  if (!FEATURE_GROUP_NAME.test(name)) {
    throw new Error(`feature group name '${name}' is invalid: it must match ${FEATURE_GROUP_NAME.source}`);
  }
}
