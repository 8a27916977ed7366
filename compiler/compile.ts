import { configSource } from '../dsl/config.js';
import { isFeatureGroup, type FeatureGroup } from '../dsl/feature-group.js';
import type { JsonObject } from '../dsl/json.js';
import { isPipeline, type Pipeline } from '../dsl/pipeline.js';
import type { Step } from '../dsl/step.js';
import { renderDefinition } from './definition.js';
import { checkDefinitionSize, findPlaceholders, INLINE_DEFINITION_LIMIT } from './deployability.js';
import { renderFeatureGroupRequest } from './feature-groups.js';
import { buildStepGraph, type StepGraph } from './graph.js';
import { deriveIam } from './iam/derive.js';
import { type Issue, IssueCollector } from './issues.js';
import { toCompactJson, toPrettyJson } from './json-text.js';
import { type ArtifactFile, describeFiles, type Manifest, type ManifestParameter } from './manifest.js';
import type { CompileSession } from './render-context.js';
import { validateJsonGets } from './validate-json-get.js';
import { validateParameters, validatePipelineSettings, validateRetryAndCache } from './validate-pipeline.js';

export { DEFINITION_VERSION } from './definition.js';
export { INLINE_DEFINITION_LIMIT, MAX_DEFINITION_LENGTH } from './deployability.js';

export interface CompileOptions {
  /** The ingest runtime bundle, required when the pipeline has a feature-store ingest step. */
  readonly runtimeBundle?: Uint8Array;
  /** Written into the manifest and the default ingest image tag. */
  readonly sagepipeVersion: string;
}

/** The compiled pipeline: every artifact file in memory, plus the parsed forms tests use. */
export interface Artifacts {
  readonly files: readonly ArtifactFile[];
  readonly manifest: Manifest;
  /** `manifest.json` as written; it lists every other file with its hash. */
  readonly manifestText: string;
  readonly definition: JsonObject;
  readonly featureGroupRequests: ReadonlyMap<string, JsonObject>;
  readonly ingestConfigs: ReadonlyMap<string, JsonObject>;
}

export interface CompileResult {
  /** Errors and warnings, in the order found. */
  readonly issues: readonly Issue[];
  /** Undefined when any issue is an error. */
  readonly artifacts: Artifacts | undefined;
  /** The IAM review page; also set when only IAM lint errors stopped the compile, so they can be reviewed. */
  readonly iamReview?: string;
}

/**
 * Compiles a pipeline into its artifacts. Pure: no file system, network or clock, so the same
 * input gives byte-identical output. Every problem is collected into `issues`; artifacts are
 * returned only when there are no errors.
 */
export function compile(pipeline: Pipeline, options: CompileOptions): CompileResult {
  const issues = new IssueCollector();
  if (!isPipeline(pipeline)) {
    issues.error('NOT_A_PIPELINE', 'pipeline', 'the entry did not export a pipeline', {
      value: pipeline,
      rule: 'the entry file’s default export is the value returned by pipeline(...)',
      fix: 'add `export default pipeline(...)` to the entry file',
    });
    return { issues: issues.all, artifacts: undefined };
  }
  const props = pipeline.props;
  const source = props.config !== undefined ? configSource(props.config) : undefined;
  issues.addAll(source?.warnings ?? []);
  validatePipelineSettings(pipeline, issues);

  const featureGroupRequests = new Map<FeatureGroup, JsonObject>();
  const session: CompileSession = {
    issues,
    pipelineName: pipeline.name,
    pipelineRoleArn: props.roleArn,
    region: props.region,
    sagepipeVersion: options.sagepipeVersion,
    assetBucket: props.assets?.bucket,
    assetPrefix: props.assets?.prefix ?? 'sagepipe',
    runtimeBundle: options.runtimeBundle,
    assets: new Map(),
    featureGroupRequest(group) {
      let request = featureGroupRequests.get(group);
      if (request === undefined) {
        request = renderFeatureGroupRequest(group, issues);
        featureGroupRequests.set(group, request);
      }
      return request;
    },
  };

  const graph = buildStepGraph(props.steps ?? [], session);
  validateParameters(pipeline, graph, issues);
  for (const node of graph.nodes.values()) {
    validateRetryAndCache(node.step, issues);
    validateJsonGets(node, graph, issues);
  }
  collectFeatureGroups(pipeline, graph, session, issues);

  const definition = renderDefinition(pipeline, graph, session);
  const definitionText = toCompactJson(definition);
  const definitionBytes = Buffer.byteLength(definitionText, 'utf8');
  checkDefinitionSize(definitionText, definitionBytes, issues);

  const placeholders = findPlaceholders(source?.warnings ?? [], definition, definitionText, featureGroupRequests, session.assets, issues);
  // IAM is derived from a valid definition only; its lint errors then stop the compile like any other.
  const iam = issues.hasErrors() ? undefined : deriveIam(pipeline, graph, session, issues, { definitionViaS3: definitionBytes >= INLINE_DEFINITION_LIMIT });
  issues.addAll(iam?.issues ?? []);
  const iamReview = iam === undefined ? {} : { iamReview: iam.review };
  if (issues.hasErrors()) {
    return { issues: issues.all, artifacts: undefined, ...iamReview };
  }

  const encoder = new TextEncoder();
  const files: ArtifactFile[] = [
    { path: 'pipeline/definition.json', role: 'pipeline-definition', content: encoder.encode(definitionText) },
    { path: 'pipeline/definition.review.json', role: 'pipeline-definition-review', content: encoder.encode(toPrettyJson(definition)) },
    { path: 'pipeline/create-pipeline.json', role: 'create-pipeline-request', content: encoder.encode(toPrettyJson(createPipelineRequest(pipeline))) },
  ];
  const requestsByName = new Map<string, JsonObject>();
  for (const [group, request] of featureGroupRequests) {
    requestsByName.set(group.name, request);
    files.push({
      path: `feature-groups/${group.name}.json`,
      role: 'create-feature-group-request',
      content: encoder.encode(toPrettyJson(request)),
      featureGroupName: group.name,
    });
  }
  const ingestConfigs = new Map<string, JsonObject>();
  for (const asset of session.assets.values()) {
    files.push({ path: asset.artifactPath, role: 'asset', content: asset.content, s3Uri: asset.s3Uri, assetKind: asset.kind });
    if (asset.kind === 'ingest-config') {
      ingestConfigs.set(asset.sha256, JSON.parse(new TextDecoder().decode(asset.content)) as JsonObject);
    }
  }

  files.push(...(iam?.files ?? []));
  const manifestFiles = describeFiles(files);
  const manifest: Manifest = {
    manifestVersion: 1,
    sagepipeVersion: options.sagepipeVersion,
    pipeline: {
      name: pipeline.name,
      region: props.region ?? null,
      roleArn: props.roleArn ?? '',
      definitionFile: 'pipeline/definition.json',
      definitionBytes,
      deployDefinitionVia: definitionBytes < INLINE_DEFINITION_LIMIT ? 'inline' : 's3',
      parameters: (props.parameters ?? []).map(describeParameter),
    },
    assets: props.assets !== undefined ? { bucket: props.assets.bucket, prefix: props.assets.prefix ?? 'sagepipe' } : null,
    featureGroups: [...requestsByName.keys()].sort().map((name) => ({ name, requestFile: `feature-groups/${name}.json` })),
    files: manifestFiles,
    placeholders,
  };
  return {
    issues: issues.all,
    artifacts: { files, manifest, manifestText: toPrettyJson(manifest), definition, featureGroupRequests: requestsByName, ingestConfigs },
    ...iamReview,
  };
}

function describeParameter(parameter: NonNullable<Pipeline['props']['parameters']>[number]): ManifestParameter {
  return {
    name: parameter.name,
    type: parameter.valueType,
    ...(parameter.defaultValue !== undefined ? { default: parameter.defaultValue } : {}),
    ...(parameter.allowedValues !== undefined ? { allowedValues: [...parameter.allowedValues] } : {}),
  };
}

/** The CreatePipeline fields besides the definition, which `upsert` sends inline or by S3 location. */
function createPipelineRequest(pipeline: Pipeline): JsonObject {
  const props = pipeline.props;
  const request: JsonObject = { PipelineName: pipeline.name };
  if (props.displayName !== undefined) {
    request['PipelineDisplayName'] = props.displayName;
  }
  if (props.description !== undefined) {
    request['PipelineDescription'] = props.description;
  }
  request['RoleArn'] = props.roleArn ?? '';
  if (props.parallelism !== undefined) {
    request['ParallelismConfiguration'] = { MaxParallelExecutionSteps: props.parallelism };
  }
  if (props.tags !== undefined) {
    request['Tags'] = Object.entries(props.tags).map(([Key, Value]) => ({ Key, Value }));
  }
  return request;
}





function collectFeatureGroups(pipeline: Pipeline, graph: StepGraph, session: CompileSession, issues: IssueCollector): void {
  const groups: FeatureGroup[] = [];
  for (const node of graph.nodes.values()) {
    const group = (node.step as Step & { featureGroup?: unknown }).featureGroup;
    if (isFeatureGroup(group) && !groups.includes(group)) {
      groups.push(group);
    }
  }
  (pipeline.props.featureGroups ?? []).forEach((group, index) => {
    if (!isFeatureGroup(group)) {
      issues.error('INVALID_FEATURE_GROUP', `pipeline.featureGroups[${index}]`, 'expected a feature group created with featureGroup({...})', { value: group });
      return;
    }
    if (!groups.includes(group)) {
      groups.push(group);
    }
  });
  const names = new Map<string, FeatureGroup>();
  for (const group of groups) {
    const other = names.get(group.name);
    if (other !== undefined && other !== group) {
      issues.error('DUPLICATE_FEATURE_GROUP', `featureGroups.${group.name}`, `two different feature groups are named '${group.name}'`, {
        value: group.name,
        rule: 'feature group names are unique per account and Region',
        fix: 'declare the group once and share the object',
      });
    }
    names.set(group.name, group);
    session.featureGroupRequest(group);
  }
}


