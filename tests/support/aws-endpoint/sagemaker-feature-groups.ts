/**
 * SageMaker feature groups of the local endpoint: CreateFeatureGroup, DescribeFeatureGroup (with
 * FeatureDefinitions paged by NextToken) and UpdateFeatureGroup (FeatureAdditions only).
 *
 * A new group is `Creating` and becomes `Created` after a DescribeFeatureGroup call, unless the
 * test planned `CreateFailed` or a group that stays `Creating`.
 */
import type { Tag } from './sagemaker-pipelines.js';
import { readTags } from './sagemaker-pipelines.js';
import { ACCOUNT_ID, checkString, epochSeconds, optionalString, requiredString, ServiceError, validationError } from './wire.js';

const GROUP_NAME = /^[a-zA-Z0-9]([_-]*[a-zA-Z0-9]){0,63}$/;
const FEATURE_NAME = /^[a-zA-Z0-9]([-_]*[a-zA-Z0-9]){0,63}$/;
const RESERVED_FEATURE_NAMES = new Set(['is_deleted', 'write_time', 'api_invocation_time']);
const FEATURE_TYPES = new Set(['Integral', 'Fractional', 'String']);

export interface FeatureDefinition {
  readonly FeatureName: string;
  readonly FeatureType: 'Integral' | 'Fractional' | 'String';
  readonly CollectionType?: string;
  readonly CollectionConfig?: unknown;
}

/** How a group created later through the API behaves. */
export interface FeatureGroupBehavior {
  /** @default 'Created' */
  readonly outcome?: 'Created' | 'CreateFailed' | 'Creating';
  /** DescribeFeatureGroup calls that still answer `Creating`. @default 1 */
  readonly describesWhileCreating?: number;
  readonly failureReason?: string;
}

export interface FeatureGroupRecord {
  readonly name: string;
  readonly arn: string;
  readonly recordIdentifierFeatureName: string;
  readonly eventTimeFeatureName: string;
  readonly definitions: FeatureDefinition[];
  readonly onlineStoreConfig: Record<string, unknown> | undefined;
  readonly offlineStoreConfig: Record<string, unknown> | undefined;
  readonly roleArn: string | undefined;
  readonly description: string | undefined;
  readonly creationTime: Date;
  status: 'Creating' | 'Created' | 'CreateFailed';
  failureReason?: string;
  describesLeft: number;
  readonly behavior: FeatureGroupBehavior;
  lastUpdate?: { status: 'InProgress' | 'Successful' | 'Failed'; pending: FeatureDefinition[] };
}

export class SageMakerFeatureGroups {
  private readonly groups = new Map<string, FeatureGroupRecord>();
  private readonly behaviors = new Map<string, FeatureGroupBehavior>();
  /** FeatureDefinitions per DescribeFeatureGroup page; the service uses 2,500. */
  definitionsPageSize = 2500;

  constructor(private readonly tags: Map<string, Tag[]>) {}

  /** Sets how the group of this name behaves once a client creates it. */
  behave(name: string, behavior: FeatureGroupBehavior): void {
    this.behaviors.set(name, behavior);
  }

  /** Adds a group that already exists, from a CreateFeatureGroup request body. */
  seed(request: Record<string, unknown>, region = 'us-west-2', status: 'Created' | 'Creating' | 'CreateFailed' = 'Created'): void {
    const record = this.recordFrom(request, region);
    record.status = status;
    this.groups.set(record.name, record);
  }

  get(name: string): FeatureGroupRecord | undefined {
    return this.groups.get(name);
  }

  /** Returns the response of a feature-group operation, or undefined when the operation is not one. */
  handle(operation: string, input: Record<string, unknown>, region: string): Record<string, unknown> | undefined {
    switch (operation) {
      case 'CreateFeatureGroup':
        return this.create(input, region);
      case 'DescribeFeatureGroup':
        return this.describe(input);
      case 'UpdateFeatureGroup':
        return this.update(input);
      default:
        return undefined;
    }
  }

  private create(input: Record<string, unknown>, region: string): Record<string, unknown> {
    const record = this.recordFrom(input, region);
    if (this.groups.has(record.name)) {
      throw new ServiceError(400, 'ResourceInUse', `feature group ${record.name} already exists`);
    }
    this.groups.set(record.name, record);
    this.tags.set(record.arn, readTags(input['Tags']));
    return { FeatureGroupArn: record.arn };
  }

  private describe(input: Record<string, unknown>): Record<string, unknown> {
    const group = this.group(requiredString(input, 'FeatureGroupName'));
    this.advance(group);
    const offset = input['NextToken'] === undefined ? 0 : decodeOffset(String(input['NextToken']));
    const page = group.definitions.slice(offset, offset + this.definitionsPageSize);
    const next = offset + this.definitionsPageSize < group.definitions.length ? encodeOffset(offset + this.definitionsPageSize) : undefined;
    const offline = group.offlineStoreConfig;
    return {
      FeatureGroupArn: group.arn,
      FeatureGroupName: group.name,
      RecordIdentifierFeatureName: group.recordIdentifierFeatureName,
      EventTimeFeatureName: group.eventTimeFeatureName,
      FeatureDefinitions: page,
      CreationTime: epochSeconds(group.creationTime),
      ...(group.onlineStoreConfig !== undefined ? { OnlineStoreConfig: group.onlineStoreConfig } : {}),
      ...(offline !== undefined ? { OfflineStoreConfig: resolveOfflineStore(offline, group), OfflineStoreStatus: { Status: 'Active' } } : {}),
      ...(group.roleArn !== undefined ? { RoleArn: group.roleArn } : {}),
      FeatureGroupStatus: group.status,
      ...(group.failureReason !== undefined ? { FailureReason: group.failureReason } : {}),
      ...(group.lastUpdate !== undefined ? { LastUpdateStatus: { Status: group.lastUpdate.status } } : {}),
      ...(group.description !== undefined ? { Description: group.description } : {}),
      ...(next !== undefined ? { NextToken: next } : {}),
    };
  }

  private update(input: Record<string, unknown>): Record<string, unknown> {
    const group = this.group(requiredString(input, 'FeatureGroupName'));
    const additions = input['FeatureAdditions'];
    if (additions === undefined) {
      throw validationError('the local endpoint implements only FeatureAdditions of UpdateFeatureGroup');
    }
    if (!Array.isArray(additions) || additions.length < 1 || additions.length > 100) {
      throw validationError('FeatureAdditions must have 1 to 100 members');
    }
    if (group.status !== 'Created') {
      throw validationError(`feature group ${group.name} is ${group.status}, so it cannot be updated`);
    }
    if (group.lastUpdate?.status === 'InProgress') {
      throw new ServiceError(400, 'ResourceInUse', `feature group ${group.name} has an update in progress`);
    }
    const existing = new Set(group.definitions.map((definition) => definition.FeatureName));
    const pending = additions.map((addition) => checkDefinition(addition as Record<string, unknown>));
    for (const definition of pending) {
      if (existing.has(definition.FeatureName)) {
        throw validationError(`feature ${definition.FeatureName} already exists in feature group ${group.name}`);
      }
      existing.add(definition.FeatureName);
    }
    if (existing.size > 2500) {
      throw validationError('a feature group has at most 2,500 features');
    }
    group.lastUpdate = { status: 'InProgress', pending };
    return { FeatureGroupArn: group.arn };
  }

  private group(nameOrArn: string): FeatureGroupRecord {
    const name = nameOrArn.startsWith('arn:') ? (nameOrArn.split('/')[1] ?? '') : nameOrArn;
    const group = this.groups.get(name);
    if (group === undefined) {
      throw new ServiceError(400, 'ResourceNotFound', `feature group ${nameOrArn} does not exist`);
    }
    return group;
  }

  /** Moves a creating group or a running update one step forward, as time passing would. */
  private advance(group: FeatureGroupRecord): void {
    if (group.status === 'Creating' && group.behavior.outcome !== 'Creating') {
      if (group.describesLeft > 0) {
        group.describesLeft -= 1;
      } else if (group.behavior.outcome === 'CreateFailed') {
        group.status = 'CreateFailed';
        group.failureReason = group.behavior.failureReason ?? 'the offline store S3 location is not accessible';
      } else {
        group.status = 'Created';
      }
    }
    if (group.lastUpdate?.status === 'InProgress') {
      group.definitions.push(...group.lastUpdate.pending);
      group.lastUpdate = { status: 'Successful', pending: [] };
    }
  }

  private recordFrom(input: Record<string, unknown>, region: string): FeatureGroupRecord {
    const name = requiredString(input, 'FeatureGroupName');
    checkString('FeatureGroupName', name, { min: 1, max: 64, pattern: GROUP_NAME });
    const recordIdentifier = requiredString(input, 'RecordIdentifierFeatureName');
    const eventTime = requiredString(input, 'EventTimeFeatureName');
    const rawDefinitions = input['FeatureDefinitions'];
    if (!Array.isArray(rawDefinitions) || rawDefinitions.length < 1 || rawDefinitions.length > 2500) {
      throw validationError('FeatureDefinitions must have 1 to 2,500 members');
    }
    const definitions = rawDefinitions.map((definition) => checkDefinition(definition as Record<string, unknown>));
    const names = new Set<string>();
    for (const definition of definitions) {
      if (names.has(definition.FeatureName)) {
        throw validationError(`feature ${definition.FeatureName} is defined twice`);
      }
      names.add(definition.FeatureName);
    }
    if (!names.has(recordIdentifier)) {
      throw validationError(`RecordIdentifierFeatureName ${recordIdentifier} is not among the FeatureDefinitions`);
    }
    const eventDefinition = definitions.find((definition) => definition.FeatureName === eventTime);
    if (eventDefinition === undefined) {
      throw validationError(`EventTimeFeatureName ${eventTime} is not among the FeatureDefinitions`);
    }
    if (eventDefinition.FeatureType === 'Integral') {
      throw validationError(`the event time feature ${eventTime} must be String or Fractional`);
    }
    const online = input['OnlineStoreConfig'] as Record<string, unknown> | undefined;
    const offline = input['OfflineStoreConfig'] as Record<string, unknown> | undefined;
    if (online === undefined && offline === undefined) {
      throw validationError('send OnlineStoreConfig, OfflineStoreConfig or both');
    }
    const roleArn = optionalString(input, 'RoleArn');
    if (offline !== undefined) {
      const s3Uri = optionalString((offline['S3StorageConfig'] ?? {}) as Record<string, unknown>, 'S3Uri');
      if (s3Uri === undefined) {
        throw validationError('OfflineStoreConfig.S3StorageConfig.S3Uri is required');
      }
      checkString('S3Uri', s3Uri, { max: 1024, pattern: /^(https|s3):\/\/([^/]+)\/?(.*)$/ });
      if (roleArn === undefined) {
        throw validationError('RoleArn is required for an offline store');
      }
    }
    const description = optionalString(input, 'Description');
    if (description !== undefined) {
      checkString('Description', description, { max: 128 });
    }
    const behavior = this.behaviors.get(name) ?? {};
    return {
      name,
      arn: `arn:aws:sagemaker:${region}:${ACCOUNT_ID}:feature-group/${name.toLowerCase()}`,
      recordIdentifierFeatureName: recordIdentifier,
      eventTimeFeatureName: eventTime,
      definitions,
      onlineStoreConfig: online,
      offlineStoreConfig: offline,
      roleArn,
      description,
      creationTime: new Date(),
      status: 'Creating',
      describesLeft: behavior.describesWhileCreating ?? 1,
      behavior,
    };
  }
}

function checkDefinition(definition: Record<string, unknown>): FeatureDefinition {
  const name = requiredString(definition, 'FeatureName');
  checkString('FeatureName', name, { min: 1, max: 64, pattern: FEATURE_NAME });
  if (RESERVED_FEATURE_NAMES.has(name)) {
    throw validationError(`feature name ${name} is reserved`);
  }
  const type = requiredString(definition, 'FeatureType');
  if (!FEATURE_TYPES.has(type)) {
    throw validationError(`FeatureType ${type} is not one of Integral, Fractional, String`);
  }
  return definition as unknown as FeatureDefinition;
}

/** Adds the fields the service fills in: the resolved S3 URI and the Glue table. */
function resolveOfflineStore(offline: Record<string, unknown>, group: FeatureGroupRecord): Record<string, unknown> {
  const storage = (offline['S3StorageConfig'] ?? {}) as Record<string, unknown>;
  const base = String(storage['S3Uri']).replace(/\/$/, '');
  const created = Math.floor(group.creationTime.getTime() / 1000);
  const region = group.arn.split(':')[3];
  return {
    ...offline,
    S3StorageConfig: { ...storage, ResolvedOutputS3Uri: `${base}/${ACCOUNT_ID}/sagemaker/${region}/offline-store/${group.name}-${created}/data` },
    DataCatalogConfig: offline['DataCatalogConfig'] ?? { TableName: `${group.name}_${created}`, Catalog: 'AwsDataCatalog', Database: 'sagemaker_featurestore' },
  };
}

function encodeOffset(offset: number): string {
  return Buffer.from(`definitions:${offset}`, 'utf8').toString('base64');
}

function decodeOffset(token: string): number {
  const match = /^definitions:(\d+)$/.exec(Buffer.from(token, 'base64').toString('utf8'));
  if (match === null) {
    throw validationError('NextToken is invalid');
  }
  return Number(match[1]);
}
