/**
 * The SageMaker FeatureGroupControl: DescribeFeatureGroup (every page of FeatureDefinitions),
 * CreateFeatureGroup with the compiled request, and UpdateFeatureGroup feature additions.
 */
import {
  CreateFeatureGroupCommand,
  type CreateFeatureGroupCommandInput,
  type FeatureDefinition as SdkFeatureDefinition,
  DescribeFeatureGroupCommand,
  type DescribeFeatureGroupCommandOutput,
  type SageMakerClient,
  UpdateFeatureGroupCommand,
} from '@aws-sdk/client-sagemaker';
import type { Clock, FeatureDefinition, FeatureGroupControl, FeatureGroupDescription, FeatureGroupStatus, Logger } from '../ports.js';
import { FeatureGroupExistsError, systemClock } from '../ports.js';
import { pollDelays } from './backoff.js';
import { awsErrorCode, callAws, wrapAwsError } from './errors.js';

/** UpdateFeatureGroup takes at most 100 FeatureAdditions per call. */
export const MAX_FEATURE_ADDITIONS_PER_CALL = 100;

export interface FeatureGroupControlOptions {
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** How long one UpdateFeatureGroup may stay InProgress, in milliseconds. @default 600000 */
  readonly updateTimeoutMs?: number;
}

/** An UpdateFeatureGroup that ended Failed, or stayed InProgress past the timeout. */
export class FeatureGroupUpdateError extends Error {
  constructor(
    readonly featureGroupName: string,
    readonly reason: string,
  ) {
    super(`adding features to feature group '${featureGroupName}' failed: ${reason}`);
    this.name = 'FeatureGroupUpdateError';
  }
}

export class SageMakerFeatureGroupControl implements FeatureGroupControl {
  private readonly logger: Logger | undefined;
  private readonly clock: Clock;

  constructor(
    private readonly sagemaker: SageMakerClient,
    private readonly options: FeatureGroupControlOptions = {},
  ) {
    this.logger = options.logger;
    this.clock = options.clock ?? systemClock;
  }

  async describe(name: string): Promise<FeatureGroupDescription | undefined> {
    let first: DescribeFeatureGroupCommandOutput | undefined;
    const definitions: FeatureDefinition[] = [];
    let nextToken: string | undefined;
    do {
      let page: DescribeFeatureGroupCommandOutput;
      try {
        page = await this.sagemaker.send(new DescribeFeatureGroupCommand({ FeatureGroupName: name, ...(nextToken !== undefined ? { NextToken: nextToken } : {}) }));
      } catch (error) {
        if (awsErrorCode(error) === 'ResourceNotFound') {
          return undefined;
        }
        throw wrapAwsError('DescribeFeatureGroup', error, `feature group ${name}`);
      }
      first ??= page;
      definitions.push(...((page.FeatureDefinitions ?? []) as FeatureDefinition[]));
      // The service may send an empty token on the last page.
      nextToken = page.NextToken === '' ? undefined : page.NextToken;
    } while (nextToken !== undefined);

    return {
      name: first.FeatureGroupName ?? name,
      status: (first.FeatureGroupStatus ?? 'Creating') as FeatureGroupStatus,
      ...(first.FailureReason !== undefined ? { failureReason: first.FailureReason } : {}),
      recordIdentifierFeatureName: first.RecordIdentifierFeatureName ?? '',
      eventTimeFeatureName: first.EventTimeFeatureName ?? '',
      featureDefinitions: definitions,
      onlineStoreEnabled: first.OnlineStoreConfig?.EnableOnlineStore === true,
      offlineStoreEnabled: first.OfflineStoreConfig !== undefined,
      ...(first.LastUpdateStatus?.Status !== undefined ? { lastUpdateStatus: first.LastUpdateStatus.Status } : {}),
      ...(first.LastUpdateStatus?.FailureReason !== undefined ? { lastUpdateFailureReason: first.LastUpdateStatus.FailureReason } : {}),
    };
  }

  async create(request: Record<string, unknown>): Promise<void> {
    const name = String(request['FeatureGroupName']);
    try {
      await this.sagemaker.send(new CreateFeatureGroupCommand(request as unknown as CreateFeatureGroupCommandInput));
    } catch (error) {
      if (awsErrorCode(error) === 'ResourceInUse') {
        throw new FeatureGroupExistsError(name);
      }
      throw wrapAwsError('CreateFeatureGroup', error, `feature group ${name}`);
    }
    this.logger?.info({ featureGroupName: name }, 'feature group creation started');
  }

  /**
   * Adds features in calls of at most 100. Each update must finish before the next starts, so
   * every call is followed by polling LastUpdateStatus until it leaves InProgress. When this
   * resolves, every feature is in the group.
   */
  async addFeatures(name: string, definitions: readonly FeatureDefinition[]): Promise<void> {
    for (let start = 0; start < definitions.length; start += MAX_FEATURE_ADDITIONS_PER_CALL) {
      const chunk = definitions.slice(start, start + MAX_FEATURE_ADDITIONS_PER_CALL);
      await callAws(
        'UpdateFeatureGroup',
        () => this.sagemaker.send(new UpdateFeatureGroupCommand({ FeatureGroupName: name, FeatureAdditions: chunk.map(toSdkDefinition) })),
        `feature group ${name}`,
      );
      this.logger?.info({ featureGroupName: name, added: chunk.map((definition) => definition.FeatureName) }, 'feature group update started');
      await this.waitForUpdate(name);
    }
  }

  private async waitForUpdate(name: string): Promise<void> {
    const timeoutMs = this.options.updateTimeoutMs ?? 600_000;
    const deadline = this.clock.now().getTime() + timeoutMs;
    const delays = pollDelays(1000, 15_000);
    for (;;) {
      const description = await this.describe(name);
      if (description === undefined) {
        throw new FeatureGroupUpdateError(name, 'the feature group no longer exists');
      }
      if (description.lastUpdateStatus === 'Failed') {
        throw new FeatureGroupUpdateError(name, description.lastUpdateFailureReason ?? 'LastUpdateStatus is Failed without a reason');
      }
      if (description.lastUpdateStatus !== 'InProgress') {
        this.logger?.info({ featureGroupName: name }, 'feature group update finished');
        return;
      }
      const delay = delays.next().value;
      if (this.clock.now().getTime() + delay > deadline) {
        throw new FeatureGroupUpdateError(name, `the update was still InProgress after ${timeoutMs / 1000} s`);
      }
      await this.clock.sleep(delay);
    }
  }
}

/** Converts the port's definition to the SDK's shape, where CollectionConfig is a union with a VectorConfig member. */
function toSdkDefinition(definition: FeatureDefinition): SdkFeatureDefinition {
  const dimension = definition.CollectionConfig?.VectorConfig?.Dimension;
  return {
    FeatureName: definition.FeatureName,
    FeatureType: definition.FeatureType,
    ...(definition.CollectionType !== undefined ? { CollectionType: definition.CollectionType } : {}),
    ...(dimension !== undefined ? { CollectionConfig: { VectorConfig: { Dimension: dimension } } } : {}),
  };
}
