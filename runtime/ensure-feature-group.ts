/**
 * Makes sure the feature group exists, is `Created` and matches the config before any record is
 * written: describe, create when not found, treat a concurrent create as a race and describe
 * again, and poll with backoff until the group is ready or the timeout passes.
 */
import { compareFeatureGroup, formatDifference } from './feature-group-schema.js';
import type { IngestFeatureGroupConfig } from './ingest-config.js';
import {
  type Clock,
  type FeatureDefinition,
  type FeatureGroupControl,
  type FeatureGroupDescription,
  FeatureGroupExistsError,
  type Logger,
} from './ports.js';

/** First poll delay; each later delay doubles up to the maximum. */
export const FIRST_POLL_DELAY_MS = 1_000;
export const MAX_POLL_DELAY_MS = 15_000;

/** UpdateFeatureGroup accepts at most this many feature additions per call. */
export const MAX_FEATURE_ADDITIONS_PER_CALL = 100;

/** Raised when the group cannot be used: creation failed, timed out, or its definitions differ. */
export class FeatureGroupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeatureGroupError';
  }
}

export interface EnsureFeatureGroupDeps {
  readonly control: FeatureGroupControl;
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * Ensures the group and returns its description once it is `Created` and matches. Throws
 * FeatureGroupError for a failed or timed-out creation, a group being deleted, or definitions
 * that differ; missing features are added only when the config allows additions.
 */
export async function ensureFeatureGroup(config: IngestFeatureGroupConfig, deps: EnsureFeatureGroupDeps): Promise<FeatureGroupDescription> {
  const { control, logger } = deps;
  let description = await control.describe(config.name);
  if (description === undefined) {
    logger.info({ featureGroup: config.name }, 'feature group not found; creating it');
    try {
      await control.create(config.createRequest);
    } catch (error) {
      if (!(error instanceof FeatureGroupExistsError)) {
        throw error;
      }
      logger.warn({ featureGroup: config.name }, 'feature group was created by another run at the same time; using it');
    }
    description = await control.describe(config.name);
  }
  description = await waitUntil(config, deps, description, (current) => current.status !== 'Creating', 'to be created');
  checkStatus(config.name, description);

  const expected = expectedDefinitions(config);
  const differences = compareFeatureGroup(description, config.createRequest);
  const conflicts = differences.filter((difference) => !difference.additive && difference.kind !== 'feature-unexpected');
  if (conflicts.length > 0) {
    throw new FeatureGroupError(
      `feature group '${config.name}' exists with other definitions than the config:\n  ${conflicts.map(formatDifference).join('\n  ')}\n` +
        'Features cannot be removed or retyped: restore the old declarations, or write to a new feature group name',
    );
  }
  const extra = differences.filter((difference) => difference.kind === 'feature-unexpected').map((difference) => difference.path);
  if (extra.length > 0) {
    logger.warn({ featureGroup: config.name, features: extra }, 'feature group has features the config does not declare; records leave them out');
  }
  const missingNames = new Set(differences.filter((difference) => difference.additive).map((difference) => difference.path));
  const missing = expected.filter((definition) => missingNames.has(`FeatureDefinitions[${definition.FeatureName}]`));
  if (missing.length === 0) {
    return description;
  }
  if (!config.allowFeatureAdditions) {
    throw new FeatureGroupError(
      `feature group '${config.name}' lacks the features ${missing.map((item) => `'${item.FeatureName}'`).join(', ')} that the config declares. ` +
        'Set allowFeatureAdditions on the ingest step to add them, or write to a new feature group name',
    );
  }
  return addMissingFeatures(config, deps, missing);
}

async function addMissingFeatures(
  config: IngestFeatureGroupConfig,
  deps: EnsureFeatureGroupDeps,
  missing: readonly FeatureDefinition[],
): Promise<FeatureGroupDescription> {
  let description: FeatureGroupDescription | undefined;
  for (let start = 0; start < missing.length; start += MAX_FEATURE_ADDITIONS_PER_CALL) {
    const chunk = missing.slice(start, start + MAX_FEATURE_ADDITIONS_PER_CALL);
    deps.logger.info({ featureGroup: config.name, features: chunk.map((item) => item.FeatureName) }, 'adding features to the feature group');
    await deps.control.addFeatures(config.name, chunk);
    description = await waitUntil(config, deps, await deps.control.describe(config.name), (current) => current.lastUpdateStatus !== 'InProgress', 'to add features');
    if (description.lastUpdateStatus === 'Failed') {
      throw new FeatureGroupError(`adding features to feature group '${config.name}' failed: ${description.lastUpdateFailureReason ?? 'no reason given'}`);
    }
  }
  const final = description as FeatureGroupDescription;
  const names = new Set(final.featureDefinitions.map((definition) => definition.FeatureName));
  const absent = missing.filter((item) => !names.has(item.FeatureName));
  if (absent.length > 0) {
    throw new FeatureGroupError(`feature group '${config.name}' still lacks ${absent.map((item) => `'${item.FeatureName}'`).join(', ')} after the update`);
  }
  return final;
}

async function waitUntil(
  config: IngestFeatureGroupConfig,
  deps: EnsureFeatureGroupDeps,
  initial: FeatureGroupDescription | undefined,
  ready: (description: FeatureGroupDescription) => boolean,
  purpose: string,
): Promise<FeatureGroupDescription> {
  const started = deps.clock.now().getTime();
  const deadline = started + config.createTimeoutSeconds * 1000;
  let delay = FIRST_POLL_DELAY_MS;
  let description = initial;
  for (;;) {
    if (description === undefined) {
      throw new FeatureGroupError(`feature group '${config.name}' was not found after it was created; it may have been deleted meanwhile`);
    }
    if (ready(description)) {
      return description;
    }
    const now = deps.clock.now().getTime();
    if (now >= deadline) {
      throw new FeatureGroupError(
        `timed out after ${config.createTimeoutSeconds} s waiting for feature group '${config.name}' ${purpose} (status ${description.status}); ` +
          'check the group in the SageMaker console and run the step again',
      );
    }
    deps.logger.debug({ featureGroup: config.name, status: description.status, delayMs: delay }, 'waiting for the feature group');
    await deps.clock.sleep(Math.min(delay, deadline - now));
    delay = Math.min(delay * 2, MAX_POLL_DELAY_MS);
    description = await deps.control.describe(config.name);
  }
}

function checkStatus(name: string, description: FeatureGroupDescription): void {
  if (description.status === 'Created') {
    return;
  }
  if (description.status === 'CreateFailed') {
    throw new FeatureGroupError(`creating feature group '${name}' failed: ${description.failureReason ?? 'no reason given'}`);
  }
  throw new FeatureGroupError(`feature group '${name}' has status ${description.status}, so no record can be written; wait for the deletion to finish and run the step again`);
}

/** Returns the feature definitions of the compiled CreateFeatureGroup request. */
export function expectedDefinitions(config: IngestFeatureGroupConfig): FeatureDefinition[] {
  const definitions = config.createRequest['FeatureDefinitions'];
  return Array.isArray(definitions) ? (definitions as FeatureDefinition[]) : [];
}

