/**
 * FeatureGroupControl for the local store: each group is a JSON file under
 * `<store>/feature-groups/`, holding what DescribeFeatureGroup would return. A local group is
 * `Created` as soon as it is created, because nothing has to be provisioned.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type Clock, type FeatureDefinition, type FeatureGroupControl, type FeatureGroupDescription, FeatureGroupExistsError } from '../ports.js';
import type { StoreLayout } from './store-layout.js';

/** A registry entry: the description plus the creation time that names the offline folder. */
export interface LocalFeatureGroup extends FeatureGroupDescription {
  readonly creationTime: string;
  readonly creationEpochSeconds: number;
}

export class LocalFeatureGroupControl implements FeatureGroupControl {
  constructor(
    private readonly layout: StoreLayout,
    private readonly clock: Clock,
  ) {}

  async describe(name: string): Promise<LocalFeatureGroup | undefined> {
    return readRegistryEntry(this.layout, name);
  }

  /** Registers the group from a CreateFeatureGroup request; the exclusive create detects a race. */
  async create(request: Record<string, unknown>): Promise<void> {
    const name = String(request['FeatureGroupName'] ?? '');
    const definitions = request['FeatureDefinitions'];
    if (!Array.isArray(definitions) || definitions.length === 0) {
      throw new Error(`the CreateFeatureGroup request for '${name}' has no FeatureDefinitions`);
    }
    const created = this.clock.now();
    const online = request['OnlineStoreConfig'] as { EnableOnlineStore?: boolean } | undefined;
    const entry: LocalFeatureGroup = {
      name,
      status: 'Created',
      recordIdentifierFeatureName: String(request['RecordIdentifierFeatureName']),
      eventTimeFeatureName: String(request['EventTimeFeatureName']),
      featureDefinitions: definitions as FeatureDefinition[],
      onlineStoreEnabled: online?.EnableOnlineStore === true,
      offlineStoreEnabled: request['OfflineStoreConfig'] !== undefined,
      creationTime: created.toISOString(),
      creationEpochSeconds: Math.floor(created.getTime() / 1000),
    };
    const path = this.layout.registryFile(name);
    await mkdir(dirname(path), { recursive: true });
    try {
      await writeFile(path, `${JSON.stringify(entry, null, 2)}\n`, { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new FeatureGroupExistsError(name);
      }
      throw error;
    }
  }

  /** Appends definitions; like UpdateFeatureGroup, it never removes or retypes a feature. */
  async addFeatures(name: string, definitions: readonly FeatureDefinition[]): Promise<void> {
    const entry = await readRegistryEntry(this.layout, name);
    if (entry === undefined) {
      throw new Error(`feature group '${name}' not found in the local store`);
    }
    const existing = new Set(entry.featureDefinitions.map((definition) => definition.FeatureName));
    const added = definitions.filter((definition) => !existing.has(definition.FeatureName));
    const updated: LocalFeatureGroup = { ...entry, featureDefinitions: [...entry.featureDefinitions, ...added], lastUpdateStatus: 'Successful' };
    await writeFile(this.layout.registryFile(name), `${JSON.stringify(updated, null, 2)}\n`);
  }
}

/** Reads a registry entry, or returns undefined when the group does not exist locally. */
export async function readRegistryEntry(layout: StoreLayout, name: string): Promise<LocalFeatureGroup | undefined> {
  let text: string;
  try {
    text = await readFile(layout.registryFile(name), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw error;
  }
  return JSON.parse(text) as LocalFeatureGroup;
}
