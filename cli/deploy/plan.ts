/**
 * The deploy plan: what `upsert` would do to bring AWS in line with an artifact folder, as data.
 * `buildPlan` only reads (DescribePipeline, ListTags, DescribeFeatureGroup, HeadObject); the
 * plan is rendered by render-plan.ts and applied by apply.ts.
 */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { ManifestFile, ManifestPlaceholder } from '../../compiler/manifest.js';
import { awsErrorCode, wrapAwsError } from '../../runtime/aws/errors.js';
import { SageMakerFeatureGroupControl } from '../../runtime/aws/feature-group-control.js';
import { parseS3Uri } from '../../runtime/aws/s3-uri.js';
import { compareFeatureGroup, type FeatureGroupDifference } from '../../runtime/feature-group-schema.js';
import type { FeatureDefinition, FeatureGroupStatus } from '../../runtime/ports.js';
import type { ArtifactFolder } from '../artifact-folder.js';
import { ExitCode, UserError } from '../output.js';
import type { AwsSession } from './aws-session.js';
import { deepEqual, diffJson, type FieldChange } from './json-diff.js';
import { PipelineService, type Tag } from './pipeline-service.js';

export type PlanAction = 'create' | 'update' | 'unchanged' | 'conflict';

/** A file uploaded to its content-addressed S3 key: an asset, or a definition of 100 KiB or more. */
export interface AssetPlan {
  readonly kind: 'asset';
  readonly action: 'create' | 'update' | 'unchanged';
  /** Path of the file inside the artifact folder. */
  readonly file: string;
  readonly s3Uri: string;
  readonly bytes: number;
  readonly sha256: string;
  /** Reason an existing object is uploaded again. */
  readonly reason?: string;
}

export interface FeatureGroupPlan {
  readonly kind: 'feature-group';
  /** `update` adds the compiled features the deployed group lacks; only `--add-features` allows it. */
  readonly action: 'create' | 'update' | 'unchanged' | 'conflict';
  readonly name: string;
  readonly requestFile: string;
  /** Status of the deployed group; absent when it does not exist. */
  readonly status?: FeatureGroupStatus;
  /** Differences of the deployed group from the compiled request. */
  readonly differences: readonly FeatureGroupDifference[];
  /** Reason for a conflict that no definition difference explains, such as a CreateFailed status. */
  readonly reason?: string;
  /** Compiled features that UpdateFeatureGroup adds when the action is `update`. */
  readonly featuresToAdd: readonly FeatureDefinition[];
}

export interface PipelinePlan {
  readonly kind: 'pipeline';
  readonly action: 'create' | 'update' | 'unchanged';
  readonly name: string;
  /** ARN of the deployed pipeline; absent when it is created. */
  readonly arn?: string;
  readonly definitionVia: 'inline' | 's3';
  /** Changes to the definition, by path inside it. */
  readonly definitionChanges: readonly FieldChange[];
  /** Changes to PipelineDisplayName, PipelineDescription, RoleArn and ParallelismConfiguration. */
  readonly settingChanges: readonly FieldChange[];
  /** Tags that AddTags sets on an existing pipeline: missing ones, or ones with another value. */
  readonly tagsToAdd: readonly Tag[];
}

export type ResourcePlan = AssetPlan | FeatureGroupPlan | PipelinePlan;

export interface DeployPlan {
  readonly pipelineName: string;
  readonly region: string;
  /** Assets first, then feature groups, then the pipeline: the order `upsert` applies them in. */
  readonly resources: readonly ResourcePlan[];
  /** Placeholder values left in the compiled files; `upsert` refuses to deploy while any remain. */
  readonly placeholders: readonly ManifestPlaceholder[];
  readonly counts: Readonly<Record<PlanAction, number>>;
}

/** The fields of pipeline/create-pipeline.json. */
export interface CreatePipelineRequest {
  readonly PipelineName: string;
  readonly PipelineDisplayName?: string;
  readonly PipelineDescription?: string;
  readonly RoleArn: string;
  readonly ParallelismConfiguration?: { readonly MaxParallelExecutionSteps: number };
  readonly Tags?: readonly Tag[];
}

/** True when applying the plan would change anything. */
export function planHasChanges(plan: DeployPlan): boolean {
  return plan.resources.some((resource) => resource.action === 'create' || resource.action === 'update');
}

/** True when `upsert` refuses the plan: a conflict or a placeholder value. */
export function planIsBlocked(plan: DeployPlan): boolean {
  return plan.placeholders.length > 0 || plan.resources.some((resource) => resource.action === 'conflict');
}

export interface PlanOptions {
  /** Plan UpdateFeatureGroup for compiled features a deployed group lacks, instead of a conflict. */
  readonly addFeatures?: boolean;
}

/** Reads what is deployed and compares it with the artifact folder. */
export async function buildPlan(folder: ArtifactFolder, session: AwsSession, options: PlanOptions = {}): Promise<DeployPlan> {
  const manifest = folder.manifest;
  const createRequest = readCreateRequest(folder);
  const definitionFile = definitionEntry(folder);

  const uploads = manifest.files.filter((file) => file.role === 'asset' && file.s3Uri !== undefined);
  const definitionUri = manifest.pipeline.deployDefinitionVia === 's3' ? definitionS3Uri(folder, definitionFile) : undefined;
  const resources: ResourcePlan[] = [];
  for (const file of uploads) {
    resources.push(await planAsset(session, file, file.s3Uri as string));
  }
  if (definitionUri !== undefined) {
    resources.push(await planAsset(session, definitionFile, definitionUri));
  }

  const control = new SageMakerFeatureGroupControl(session.sagemaker);
  for (const group of manifest.featureGroups) {
    resources.push(await planFeatureGroup(control, group.name, group.requestFile, folder.readJson<Record<string, unknown>>(group.requestFile), options.addFeatures === true));
  }

  resources.push(await planPipeline(new PipelineService(session.sagemaker), createRequest, folder.read(manifest.pipeline.definitionFile).toString('utf8'), manifest.pipeline.deployDefinitionVia));

  const counts: Record<PlanAction, number> = { create: 0, update: 0, unchanged: 0, conflict: 0 };
  for (const resource of resources) {
    counts[resource.action] += 1;
  }
  return { pipelineName: manifest.pipeline.name, region: session.region, resources, placeholders: manifest.placeholders, counts };
}

/** Reads pipeline/create-pipeline.json and checks that it is for the manifest's pipeline. */
export function readCreateRequest(folder: ArtifactFolder): CreatePipelineRequest {
  const entry = folder.manifest.files.find((file) => file.role === 'create-pipeline-request');
  if (entry === undefined) {
    throw new UserError(`the artifact folder ${folder.directory} lists no create-pipeline-request file; run \`sagepipe compile\` again`, ExitCode.failed);
  }
  const request = folder.readJson<CreatePipelineRequest>(entry.path);
  if (request.PipelineName !== folder.manifest.pipeline.name) {
    throw new UserError(`${entry.path} is for pipeline '${request.PipelineName}', but the manifest is for '${folder.manifest.pipeline.name}'; run \`sagepipe compile\` again`, ExitCode.failed);
  }
  return request;
}

/** The manifest entry of the definition, which must be listed with the pipeline-definition role. */
export function definitionEntry(folder: ArtifactFolder): ManifestFile {
  const path = folder.manifest.pipeline.definitionFile;
  const entry = folder.manifest.files.find((file) => file.path === path);
  if (entry === undefined || entry.role !== 'pipeline-definition') {
    throw new UserError(`the manifest names ${path} as the pipeline definition, but does not list it with the pipeline-definition role; run \`sagepipe compile\` again`, ExitCode.failed);
  }
  return entry;
}

/** Returns the content-addressed S3 location of a definition deployed through PipelineDefinitionS3Location. */
export function definitionS3Uri(folder: ArtifactFolder, entry: ManifestFile): string {
  const assets = folder.manifest.assets;
  if (assets === null) {
    throw new UserError(
      `the definition is ${entry.bytes} bytes, so it must go through S3, but the pipeline declares no asset bucket`,
      ExitCode.failed,
      [
        {
          code: 'DEFINITION_NEEDS_ASSET_BUCKET',
          severity: 'error',
          path: 'pipeline.assets',
          message: 'definitions of 100 KiB or more are deployed through PipelineDefinitionS3Location',
          value: entry.bytes,
          rule: 'CreatePipeline reads large definitions from S3',
          fix: 'set assets: { bucket, prefix } on the pipeline and compile again',
        },
      ],
    );
  }
  const prefix = assets.prefix.replace(/^\/+|\/+$/g, '');
  return `s3://${assets.bucket}/${prefix === '' ? '' : `${prefix}/`}assets/${entry.sha256}/definition.json`;
}

async function planAsset(session: AwsSession, file: ManifestFile, s3Uri: string): Promise<AssetPlan> {
  const location = parseS3Uri(s3Uri);
  const base = { kind: 'asset' as const, file: file.path, s3Uri, bytes: file.bytes, sha256: file.sha256 };
  let head;
  try {
    head = await session.s3.send(new HeadObjectCommand({ Bucket: location.bucket, Key: location.key }));
  } catch (error) {
    if (awsErrorCode(error) === 'NotFound') {
      return { ...base, action: 'create' };
    }
    throw wrapAwsError('HeadObject', error, s3Uri);
  }
  const deployedHash = head.Metadata?.['sha256'];
  if (deployedHash !== undefined && deployedHash !== file.sha256) {
    return { ...base, action: 'update', reason: `the object's sha256 metadata is ${deployedHash}` };
  }
  if (head.ContentLength !== file.bytes) {
    return { ...base, action: 'update', reason: `the object has ${head.ContentLength ?? 0} bytes, not ${file.bytes}` };
  }
  return { ...base, action: 'unchanged' };
}

/**
 * Plans one feature group. Features of the deployed group that the declaration lacks do not
 * block, because records leave them out. Compiled features the group lacks are added only with
 * `addFeatures`, since an added feature can never be removed. Every other difference (a type,
 * the record identifier, the event time, a store) is a conflict that upsert cannot resolve.
 */
async function planFeatureGroup(
  control: SageMakerFeatureGroupControl,
  name: string,
  requestFile: string,
  request: Record<string, unknown>,
  addFeatures: boolean,
): Promise<FeatureGroupPlan> {
  const deployed = await control.describe(name);
  if (deployed === undefined) {
    return { kind: 'feature-group', action: 'create', name, requestFile, differences: [], featuresToAdd: [] };
  }
  const base = { kind: 'feature-group' as const, name, requestFile, status: deployed.status };
  if (deployed.status === 'CreateFailed' || deployed.status === 'Deleting' || deployed.status === 'DeleteFailed') {
    const failure = deployed.failureReason !== undefined ? `: ${deployed.failureReason}` : '';
    return { ...base, action: 'conflict', differences: [], featuresToAdd: [], reason: `the deployed group is ${deployed.status}${failure}; delete it, then run upsert again` };
  }

  const differences = compareFeatureGroup(deployed, request);
  const blocking = differences.filter((difference) => difference.kind !== 'feature-missing' && difference.kind !== 'feature-unexpected');
  const missingNames = new Set(differences.filter((difference) => difference.kind === 'feature-missing').map((difference) => difference.path.slice('FeatureDefinitions['.length, -1)));
  const compiled = (request['FeatureDefinitions'] ?? []) as readonly FeatureDefinition[];
  const featuresToAdd = compiled.filter((definition) => missingNames.has(definition.FeatureName));
  if (blocking.length > 0) {
    return { ...base, action: 'conflict', differences, featuresToAdd: [] };
  }
  if (featuresToAdd.length === 0) {
    return { ...base, action: 'unchanged', differences, featuresToAdd: [] };
  }
  if (!addFeatures) {
    return {
      ...base,
      action: 'conflict',
      differences,
      featuresToAdd: [],
      reason: `the deployed group lacks ${featuresToAdd.length} compiled feature(s); pass --add-features to add them (an added feature can never be removed)`,
    };
  }
  return { ...base, action: 'update', differences, featuresToAdd };
}

/** Settings of CreatePipeline that UpdatePipeline can also change. */
const UPDATABLE_SETTINGS = ['PipelineDisplayName', 'PipelineDescription', 'RoleArn', 'ParallelismConfiguration'] as const;

async function planPipeline(service: PipelineService, request: CreatePipelineRequest, definitionText: string, definitionVia: 'inline' | 's3'): Promise<PipelinePlan> {
  const base = { kind: 'pipeline' as const, name: request.PipelineName, definitionVia };
  const deployed = await service.describe(request.PipelineName);
  if (deployed === undefined) {
    return { ...base, action: 'create', definitionChanges: [], settingChanges: [], tagsToAdd: [] };
  }

  const compiledDefinition = JSON.parse(definitionText) as unknown;
  let deployedDefinition: unknown;
  try {
    deployedDefinition = JSON.parse(deployed.PipelineDefinition ?? 'null');
  } catch {
    deployedDefinition = deployed.PipelineDefinition;
  }
  const definitionChanges = diffJson(deployedDefinition, compiledDefinition);

  const settingChanges: FieldChange[] = [];
  for (const key of UPDATABLE_SETTINGS) {
    const compiled = request[key];
    const current = (deployed as unknown as Record<string, unknown>)[key];
    // A setting the compiled request leaves out is left as deployed: UpdatePipeline cannot unset it.
    if (compiled !== undefined && !deepEqual(compiled, current)) {
      settingChanges.push(current === undefined ? { path: key, change: 'added', after: compiled } : { path: key, change: 'changed', before: current, after: compiled });
    }
  }

  const arn = deployed.PipelineArn ?? '';
  const compiledTags = request.Tags ?? [];
  // Without compiled tags there is nothing to compare, and the deployer may lack ListTags.
  const deployedTags = compiledTags.length > 0 ? new Map((await service.listTags(arn)).map((tag) => [tag.Key, tag.Value])) : new Map<string, string>();
  const tagsToAdd = compiledTags.filter((tag) => deployedTags.get(tag.Key) !== tag.Value);

  const changed = definitionChanges.length > 0 || settingChanges.length > 0 || tagsToAdd.length > 0;
  return { ...base, action: changed ? 'update' : 'unchanged', arn, definitionChanges, settingChanges, tagsToAdd };
}
