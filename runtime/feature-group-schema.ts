/**
 * Compares a deployed feature group with the compiled CreateFeatureGroup request. Feature Store
 * can add features to a group but never remove or retype them, so each difference records
 * whether UpdateFeatureGroup could resolve it.
 */
import type { FeatureDefinition, FeatureGroupDescription } from './ports.js';

export type FeatureGroupDifferenceKind =
  | 'record-identifier'
  | 'event-time'
  | 'feature-missing'
  | 'feature-unexpected'
  | 'feature-type'
  | 'collection-type'
  | 'vector-dimension'
  | 'online-store'
  | 'offline-store';

/** One way the deployed group differs from the compiled request. */
export interface FeatureGroupDifference {
  readonly kind: FeatureGroupDifferenceKind;
  /** Location of the difference, such as `FeatureDefinitions[age].FeatureType`. */
  readonly path: string;
  /** The compiled value; undefined when the compiled request lacks it. */
  readonly expected: unknown;
  /** The deployed value; undefined when the deployed group lacks it. */
  readonly actual: unknown;
  /** True only for a compiled feature the deployed group lacks: UpdateFeatureGroup can add it. */
  readonly additive: boolean;
}

/** Lists every difference, in a stable order: group settings first, then features by compiled order. */
export function compareFeatureGroup(deployed: FeatureGroupDescription, request: Readonly<Record<string, unknown>>): FeatureGroupDifference[] {
  const differences: FeatureGroupDifference[] = [];
  const push = (kind: FeatureGroupDifferenceKind, path: string, expected: unknown, actual: unknown, additive = false): void => {
    differences.push({ kind, path, expected, actual, additive });
  };

  if (request['RecordIdentifierFeatureName'] !== deployed.recordIdentifierFeatureName) {
    push('record-identifier', 'RecordIdentifierFeatureName', request['RecordIdentifierFeatureName'], deployed.recordIdentifierFeatureName);
  }
  if (request['EventTimeFeatureName'] !== deployed.eventTimeFeatureName) {
    push('event-time', 'EventTimeFeatureName', request['EventTimeFeatureName'], deployed.eventTimeFeatureName);
  }
  const onlineExpected = (request['OnlineStoreConfig'] as { EnableOnlineStore?: unknown } | undefined)?.EnableOnlineStore === true;
  if (onlineExpected !== deployed.onlineStoreEnabled) {
    push('online-store', 'OnlineStoreConfig.EnableOnlineStore', onlineExpected, deployed.onlineStoreEnabled);
  }
  const offlineExpected = request['OfflineStoreConfig'] !== undefined;
  if (offlineExpected !== deployed.offlineStoreEnabled) {
    push('offline-store', 'OfflineStoreConfig', offlineExpected ? 'configured' : 'absent', deployed.offlineStoreEnabled ? 'configured' : 'absent');
  }

  const compiled = (request['FeatureDefinitions'] ?? []) as readonly FeatureDefinition[];
  const deployedByName = new Map(deployed.featureDefinitions.map((definition) => [definition.FeatureName, definition]));
  const compiledNames = new Set<string>();
  for (const expected of compiled) {
    compiledNames.add(expected.FeatureName);
    const path = `FeatureDefinitions[${expected.FeatureName}]`;
    const actual = deployedByName.get(expected.FeatureName);
    if (actual === undefined) {
      push('feature-missing', path, describeDefinition(expected), undefined, true);
      continue;
    }
    if (actual.FeatureType !== expected.FeatureType) {
      push('feature-type', `${path}.FeatureType`, expected.FeatureType, actual.FeatureType);
    }
    if (actual.CollectionType !== expected.CollectionType) {
      push('collection-type', `${path}.CollectionType`, expected.CollectionType, actual.CollectionType);
    }
    const expectedDimension = expected.CollectionConfig?.VectorConfig?.Dimension;
    const actualDimension = actual.CollectionConfig?.VectorConfig?.Dimension;
    if (expectedDimension !== actualDimension) {
      push('vector-dimension', `${path}.CollectionConfig.VectorConfig.Dimension`, expectedDimension, actualDimension);
    }
  }
  for (const actual of deployed.featureDefinitions) {
    if (!compiledNames.has(actual.FeatureName)) {
      push('feature-unexpected', `FeatureDefinitions[${actual.FeatureName}]`, undefined, describeDefinition(actual));
    }
  }
  return differences;
}

/** Formats a difference for people: `FeatureDefinitions[age].FeatureType: deployed "String", compiled "Integral"`. */
export function formatDifference(difference: FeatureGroupDifference): string {
  const show = (value: unknown): string => (value === undefined ? 'absent' : JSON.stringify(value));
  return `${difference.path}: deployed ${show(difference.actual)}, compiled ${show(difference.expected)}`;
}

function describeDefinition(definition: FeatureDefinition): string {
  const dimension = definition.CollectionConfig?.VectorConfig?.Dimension;
  const collection = definition.CollectionType !== undefined ? ` ${definition.CollectionType}${dimension !== undefined ? `(${dimension})` : ''}` : '';
  return `${definition.FeatureType}${collection}`;
}
