/**
 * Applies a deploy plan: uploads assets, creates feature groups and waits for them, then creates
 * or updates the pipeline. Only what the plan marks create or update is touched, so applying a
 * plan with no changes makes no write call.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { CreatePipelineCommandInput, UpdatePipelineCommandInput } from '@aws-sdk/client-sagemaker';
import { AwsCallError, callAws } from '../../runtime/aws/errors.js';
import { SageMakerFeatureGroupControl } from '../../runtime/aws/feature-group-control.js';
import { parseS3Uri } from '../../runtime/aws/s3-uri.js';
import { compareFeatureGroup, formatDifference } from '../../runtime/feature-group-schema.js';
import { type Clock, FeatureGroupExistsError, systemClock } from '../../runtime/ports.js';
import type { ArtifactFolder } from '../artifact-folder.js';
import { ExitCode, UserError } from '../output.js';
import type { AwsSession } from './aws-session.js';
import { waitForFeatureGroup } from './feature-group-wait.js';
import { type AssetPlan, type DeployPlan, type FeatureGroupPlan, type PipelinePlan, planIsBlocked, readCreateRequest } from './plan.js';
import { PipelineService } from './pipeline-service.js';

/** One change `upsert` made. */
export interface AppliedChange {
  readonly resource: 'asset' | 'feature-group' | 'pipeline';
  readonly name: string;
  readonly action: 'uploaded' | 'created' | 'updated' | 'tagged';
  readonly detail?: string;
}

export interface ApplyOptions {
  /** How long to wait for each new feature group to be Created, in seconds. */
  readonly featureGroupTimeoutSeconds: number;
  readonly clock?: Clock;
  /** Receives a line for each step, for progress output. */
  readonly progress?: (line: string) => void;
}

/** Applies the plan and returns the changes made, in order. */
export async function applyPlan(plan: DeployPlan, folder: ArtifactFolder, session: AwsSession, options: ApplyOptions): Promise<AppliedChange[]> {
  if (planIsBlocked(plan)) {
    throw new UserError(blockedMessage(plan), ExitCode.failed);
  }
  const changes: AppliedChange[] = [];
  const progress = options.progress ?? (() => undefined);
  const clock = options.clock ?? systemClock;

  for (const resource of plan.resources) {
    if (resource.kind === 'asset' && resource.action !== 'unchanged') {
      await uploadAsset(session, folder, resource);
      progress(`uploaded ${resource.s3Uri}`);
      changes.push({ resource: 'asset', name: resource.s3Uri, action: 'uploaded' });
    }
  }

  const control = new SageMakerFeatureGroupControl(session.sagemaker, { clock });
  const groups = plan.resources.filter((resource): resource is FeatureGroupPlan => resource.kind === 'feature-group');
  for (const group of groups.filter((candidate) => candidate.action === 'create')) {
    await createFeatureGroup(control, folder, group);
    progress(`creating feature group ${group.name}`);
  }
  for (const group of groups.filter((candidate) => candidate.action === 'update')) {
    // The adapter sends at most 100 additions per call and waits for each update to finish.
    progress(`adding ${group.featuresToAdd.length} feature(s) to feature group ${group.name}`);
    await control.addFeatures(group.name, group.featuresToAdd);
    changes.push({ resource: 'feature-group', name: group.name, action: 'updated', detail: `added ${group.featuresToAdd.map((definition) => definition.FeatureName).join(', ')}` });
  }
  for (const group of groups.filter((candidate) => candidate.action === 'create' || candidate.status !== 'Created')) {
    const elapsedMs = await waitForFeatureGroup(control, group.name, {
      timeoutSeconds: options.featureGroupTimeoutSeconds,
      clock,
      onStatus: (name, status) => progress(`feature group ${name}: ${status}`),
    });
    if (group.action === 'create') {
      changes.push({ resource: 'feature-group', name: group.name, action: 'created', detail: `Created after ${Math.round(elapsedMs / 1000)} s` });
    }
  }

  const pipeline = plan.resources.find((resource): resource is PipelinePlan => resource.kind === 'pipeline');
  if (pipeline !== undefined && pipeline.action !== 'unchanged') {
    changes.push(...(await applyPipeline(pipeline, plan, folder, new PipelineService(session.sagemaker))));
    progress(`${pipeline.action === 'create' ? 'created' : 'updated'} pipeline ${pipeline.name}`);
  }
  return changes;
}

async function uploadAsset(session: AwsSession, folder: ArtifactFolder, asset: AssetPlan): Promise<void> {
  const location = parseS3Uri(asset.s3Uri);
  await callAws(
    'PutObject',
    () =>
      session.s3.send(
        new PutObjectCommand({
          Bucket: location.bucket,
          Key: location.key,
          Body: folder.read(asset.file),
          ContentType: contentType(asset.file),
          // `plan` compares this with the compiled hash to detect a different object at the key.
          Metadata: { sha256: asset.sha256 },
        }),
      ),
    asset.s3Uri,
  );
}

/** Creates a group; when another deployer created it first, its schema must still match. */
async function createFeatureGroup(control: SageMakerFeatureGroupControl, folder: ArtifactFolder, group: FeatureGroupPlan): Promise<void> {
  const request = folder.readJson<Record<string, unknown>>(group.requestFile);
  try {
    await control.create(request);
  } catch (error) {
    if (!(error instanceof FeatureGroupExistsError)) {
      throw error;
    }
    const deployed = await control.describe(group.name);
    const differences = deployed === undefined ? [] : compareFeatureGroup(deployed, request);
    if (differences.length > 0) {
      throw new UserError(`feature group ${group.name} was created by someone else meanwhile, with another schema:\n  ${differences.map(formatDifference).join('\n  ')}`, ExitCode.failed);
    }
  }
}

async function applyPipeline(pipeline: PipelinePlan, plan: DeployPlan, folder: ArtifactFolder, service: PipelineService): Promise<AppliedChange[]> {
  const request = readCreateRequest(folder);
  const definition = definitionArguments(plan, folder);

  if (pipeline.action === 'create') {
    const input: CreatePipelineCommandInput = {
      PipelineName: request.PipelineName,
      RoleArn: request.RoleArn,
      ...optionalSettings(request),
      ...definition,
      ...(request.Tags !== undefined && request.Tags.length > 0 ? { Tags: request.Tags.map((tag) => ({ ...tag })) } : {}),
    };
    try {
      const arn = await service.create(input);
      return [{ resource: 'pipeline', name: pipeline.name, action: 'created', detail: arn }];
    } catch (error) {
      // SageMaker reports a taken name as a ValidationException. A second describe separates a
      // race with another deployer from invalid input, without reading the message text.
      if (!(error instanceof AwsCallError) || error.code !== 'ValidationException' || (await service.describe(pipeline.name)) === undefined) {
        throw error;
      }
      const updated = await service.update({ PipelineName: request.PipelineName, RoleArn: request.RoleArn, ...optionalSettings(request), ...definition });
      const tagged = request.Tags !== undefined && request.Tags.length > 0 ? await service.addTags(updated.arn, request.Tags).then(() => true) : false;
      return [
        { resource: 'pipeline', name: pipeline.name, action: 'updated', detail: `version ${updated.versionId ?? '?'}` },
        ...(tagged ? [{ resource: 'pipeline' as const, name: pipeline.name, action: 'tagged' as const }] : []),
      ];
    }
  }

  const changes: AppliedChange[] = [];
  if (pipeline.definitionChanges.length > 0 || pipeline.settingChanges.length > 0) {
    const input: UpdatePipelineCommandInput = { PipelineName: request.PipelineName, RoleArn: request.RoleArn, ...optionalSettings(request), ...definition };
    const updated = await service.update(input);
    changes.push({ resource: 'pipeline', name: pipeline.name, action: 'updated', detail: `version ${updated.versionId ?? '?'}` });
  }
  if (pipeline.tagsToAdd.length > 0) {
    // UpdatePipeline has no Tags field, so changed tags go through AddTags.
    await service.addTags(pipeline.arn ?? '', pipeline.tagsToAdd);
    changes.push({ resource: 'pipeline', name: pipeline.name, action: 'tagged', detail: pipeline.tagsToAdd.map((tag) => tag.Key).join(', ') });
  }
  return changes;
}

/** Returns the definition as CreatePipeline and UpdatePipeline take it: inline, or by its S3 location. */
function definitionArguments(plan: DeployPlan, folder: ArtifactFolder): Pick<CreatePipelineCommandInput, 'PipelineDefinition' | 'PipelineDefinitionS3Location'> {
  const pipeline = plan.resources.find((resource): resource is PipelinePlan => resource.kind === 'pipeline');
  if (pipeline?.definitionVia === 's3') {
    const uploaded = plan.resources.find((resource): resource is AssetPlan => resource.kind === 'asset' && resource.file === folder.manifest.pipeline.definitionFile);
    if (uploaded === undefined) {
      throw new Error('the plan sends the definition through S3 but lists no upload for it');
    }
    const location = parseS3Uri(uploaded.s3Uri);
    return { PipelineDefinitionS3Location: { Bucket: location.bucket, ObjectKey: location.key } };
  }
  return { PipelineDefinition: folder.read(folder.manifest.pipeline.definitionFile).toString('utf8') };
}

function optionalSettings(request: ReturnType<typeof readCreateRequest>): Partial<CreatePipelineCommandInput> {
  return {
    ...(request.PipelineDisplayName !== undefined ? { PipelineDisplayName: request.PipelineDisplayName } : {}),
    ...(request.PipelineDescription !== undefined ? { PipelineDescription: request.PipelineDescription } : {}),
    ...(request.ParallelismConfiguration !== undefined ? { ParallelismConfiguration: { ...request.ParallelismConfiguration } } : {}),
  };
}

function blockedMessage(plan: DeployPlan): string {
  const lines = ['upsert stopped before any change:'];
  for (const resource of plan.resources) {
    if (resource.kind === 'feature-group' && resource.action === 'conflict') {
      lines.push(`  feature group ${resource.name}: ${resource.reason ?? 'the deployed group differs from the compiled request'}`);
      lines.push(...resource.differences.map((difference) => `    ${formatDifference(difference)}`));
    }
  }
  if (plan.placeholders.length > 0) {
    lines.push(`  ${plan.placeholders.length} placeholder value(s) remain; replace them and compile again`);
  }
  const schemaConflict = plan.resources.some(
    (resource) => resource.kind === 'feature-group' && resource.differences.some((difference) => difference.kind !== 'feature-missing' && difference.kind !== 'feature-unexpected'),
  );
  if (schemaConflict) {
    lines.push('  fix: Feature Store never removes or retypes features, so make the compiled schema match the group, or use a new feature group name');
  }
  return lines.join('\n');
}

function contentType(path: string): string {
  if (path.endsWith('.json')) {
    return 'application/json';
  }
  if (path.endsWith('.mjs') || path.endsWith('.js')) {
    return 'text/javascript';
  }
  return 'application/octet-stream';
}
