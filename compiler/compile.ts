import { configSource, PLACEHOLDER_PATTERNS } from '../dsl/config.js';
import { isFeatureGroup, type FeatureGroup } from '../dsl/feature-group.js';
import type { JsonObject, JsonValue } from '../dsl/json.js';
import { isPipeline, type Pipeline } from '../dsl/pipeline.js';
import type { Step } from '../dsl/step.js';
import { FieldPath } from '../steps/context.js';
import { renderFeatureGroupRequest } from './feature-groups.js';
import { buildStepGraph, type StepGraph, type StepNode } from './graph.js';
import { deriveIam } from './iam/derive.js';
import { type Issue, IssueCollector } from './issues.js';
import { toCompactJson, toPrettyJson } from './json-text.js';
import { type ArtifactFile, describeFiles, type Manifest, type ManifestParameter, type ManifestPlaceholder } from './manifest.js';
import { createRenderContext, type CompileSession, type RegisteredAsset } from './render-context.js';
import { serializeTree } from './tree.js';
import { validateParameters, validatePipelineSettings, validateRetryAndCache } from './validate-pipeline.js';

/** Version the SageMaker pipeline definition format declares; the only value the service accepts. */
export const DEFINITION_VERSION = '2020-12-01';
/** Definitions at or above this many UTF-8 bytes are deployed through S3, as the SageMaker SDK does. */
export const INLINE_DEFINITION_LIMIT = 100 * 1024;
/** CreatePipeline rejects inline definitions longer than this. */
export const MAX_DEFINITION_LENGTH = 1024 * 1024;

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

function renderDefinition(pipeline: Pipeline, graph: StepGraph, session: CompileSession): JsonObject {
  const props = pipeline.props;
  const rendered = new Map<Step, JsonValue>();
  const renderStep = (step: Step): JsonValue => {
    const cached = rendered.get(step);
    if (cached !== undefined) {
      return cached;
    }
    const node = graph.nodes.get(step) as StepNode;
    const json = renderStepJson(node, graph, renderStep);
    rendered.set(step, json);
    return json;
  };

  const definition: JsonObject = {
    Version: DEFINITION_VERSION,
    Metadata: {},
    Parameters: (props.parameters ?? []).filter((parameter) => typeof parameter?.toDeclarationJson === 'function').map((parameter) => parameter.toDeclarationJson()),
    PipelineExperimentConfig: renderExperimentConfig(pipeline, session),
    Steps: graph.topLevel.map(renderStep),
  };
  return definition;
}

function renderExperimentConfig(pipeline: Pipeline, session: CompileSession): JsonValue {
  const config = pipeline.props.experimentConfig;
  if (config === null) {
    return null;
  }
  if (config === undefined) {
    return { ExperimentName: { Get: 'Execution.PipelineName' }, TrialName: { Get: 'Execution.PipelineExecutionId' } };
  }
  const context = createRenderContext(session, new FieldPath(['pipeline', 'experimentConfig']));
  const tree = {
    ExperimentName: context.text(config.experimentName, context.stepPath.child('experimentName')),
    TrialName: context.text(config.trialName, context.stepPath.child('trialName')),
  };
  return serializeTree(tree, () => null);
}

/** Renders one step in the SDK's key order: Name, Type, Arguments, then the optional keys. */
function renderStepJson(node: StepNode, graph: StepGraph, renderStep: (step: Step) => JsonValue): JsonObject {
  const step = node.step;
  const json: JsonObject = {
    Name: step.name,
    Type: step.type,
    Arguments: serializeTree(node.arguments, (nested) => renderStep(nested)),
  };
  if (step.type === 'Condition') {
    const branches = graph.branches.get(step);
    const args = json['Arguments'] as JsonObject;
    if (branches !== undefined) {
      args['IfSteps'] = branches.ifSteps.map(renderStep);
      args['ElseSteps'] = branches.elseSteps.map(renderStep);
    }
  }
  const dependsOn = [...new Set(node.explicitDependencies.map((dependency) => dependency.name))];
  if (dependsOn.length > 0) {
    json['DependsOn'] = dependsOn;
  }
  if (step.displayName !== undefined) {
    json['DisplayName'] = step.displayName;
  }
  if (step.description !== undefined) {
    json['Description'] = step.description;
  }
  if (step.retryPolicies.length > 0) {
    json['RetryPolicies'] = step.retryPolicies.map((policy) => {
      const rendered: JsonObject = { BackoffRate: policy.backoffRate ?? 2, IntervalSeconds: policy.intervalSeconds ?? 1 };
      if (policy.maxAttempts !== undefined) {
        rendered['MaxAttempts'] = policy.maxAttempts;
      }
      if (policy.expireAfterMin !== undefined) {
        rendered['ExpireAfterMin'] = policy.expireAfterMin;
      }
      rendered['ExceptionType'] = [...policy.exceptionTypes];
      return rendered;
    });
  }
  if (step.cache !== undefined) {
    const cache: JsonObject = { Enabled: step.cache.enabled };
    if (step.cache.expireAfter !== undefined) {
      cache['ExpireAfter'] = step.cache.expireAfter;
    }
    json['CacheConfig'] = cache;
  }
  for (const [key, value] of Object.entries(node.extraKeys)) {
    json[key] = serializeTree(value, (nested) => renderStep(nested));
  }
  return json;
}

function validateJsonGets(node: StepNode, graph: StepGraph, issues: IssueCollector): void {
  for (const jsonGet of node.jsonGets) {
    const path = node.path.toString();
    const target = jsonGet.step as Step & { propertyFileNames?: readonly string[] };
    if (typeof jsonGet.jsonPath !== 'string' || jsonGet.jsonPath === '') {
      issues.error('JSONGET_PATH_NOT_LITERAL', path, `JsonGet on property file '${jsonGet.propertyFileName}' has no literal path`, {
        value: jsonGet.jsonPath,
        rule: 'SageMaker evaluates Std:JsonGet paths as written, so the path is a non-empty literal string',
        fix: 'pass the JSON path as a string, such as "metrics.auc.value"',
      });
    }
    if (target.type !== 'Processing' || target.propertyFileNames === undefined) {
      issues.error('JSONGET_NOT_PROCESSING', path, `JsonGet reads from step '${target.name}', which is a ${target.type} step`, {
        value: target.name,
        rule: 'property files belong to Processing steps',
        fix: 'read the value from the Processing step that writes the file',
      });
      continue;
    }
    if (!target.propertyFileNames.includes(jsonGet.propertyFileName)) {
      issues.error('JSONGET_UNKNOWN_PROPERTY_FILE', path, `step '${target.name}' declares no property file '${jsonGet.propertyFileName}'`, {
        value: jsonGet.propertyFileName,
        rule: 'JsonGet names a property file declared on the step',
        fix: target.propertyFileNames.length > 0 ? `use one of: ${target.propertyFileNames.join(', ')}` : `declare it in propertyFiles of '${target.name}'`,
      });
    }
    if (!graph.nodes.has(target)) {
      issues.error('JSONGET_STEP_NOT_IN_PIPELINE', path, `step '${target.name}' is not part of the pipeline`, { value: target.name });
    }
  }
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

function checkDefinitionSize(text: string, bytes: number, issues: IssueCollector): void {
  if (text.length > MAX_DEFINITION_LENGTH) {
    issues.error('DEFINITION_TOO_LARGE', 'definition', `the definition is ${text.length} characters long`, {
      value: text.length,
      rule: `CreatePipeline accepts definitions of at most ${MAX_DEFINITION_LENGTH} characters`,
      fix: 'split the pipeline, or move repeated settings into fewer steps',
    });
  } else if (bytes >= INLINE_DEFINITION_LIMIT) {
    issues.warning('DEFINITION_DEPLOYED_THROUGH_S3', 'definition', `the definition is ${bytes} bytes, so upsert will upload it to S3`, {
      value: bytes,
      rule: `definitions of ${INLINE_DEFINITION_LIMIT} bytes or more go through PipelineDefinitionS3Location`,
      fix: 'no change is needed; the deployer needs s3:PutObject on the asset prefix',
    });
  }
}

/**
 * Finds placeholder values in everything that will be deployed. Config warnings already name the
 * config key; values found elsewhere get their own warning.
 */
function findPlaceholders(
  configWarnings: readonly Issue[],
  definition: JsonObject,
  definitionText: string,
  requests: ReadonlyMap<FeatureGroup, JsonObject>,
  assets: ReadonlyMap<string, RegisteredAsset>,
  issues: IssueCollector,
): ManifestPlaceholder[] {
  const found = new Map<string, ManifestPlaceholder>();
  const known = new Set<string>();
  for (const warning of configWarnings) {
    const value = String(warning.value);
    known.add(value);
    found.set(`${warning.path}\u0000${value}`, { path: warning.path, value });
  }
  const scan = (value: unknown, path: string): void => {
    if (typeof value === 'string') {
      if (PLACEHOLDER_PATTERNS.some((placeholder) => placeholder.pattern.test(value))) {
        found.set(`${path}\u0000${value}`, { path, value });
        if (![...known].some((knownValue) => value.includes(knownValue) || knownValue.includes(value))) {
          known.add(value);
          issues.warning('PLACEHOLDER_VALUE', path, 'a deployed value still contains a placeholder', {
            value,
            rule: 'placeholder values compile, but upsert refuses to deploy them',
            fix: 'replace the placeholder with the real value',
          });
        }
      }
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => scan(item, `${path}[${index}]`));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        scan(item, `${path}.${key}`);
      }
    }
  };
  // Walking every string of a large definition is slow, so it is walked only when the text has a match.
  if (PLACEHOLDER_PATTERNS.some((placeholder) => placeholder.pattern.test(definitionText))) {
    scan(definition, 'definition');
  }
  for (const [group, request] of requests) {
    scan(request, `featureGroups.${group.name}`);
  }
  for (const asset of assets.values()) {
    if (asset.kind === 'ingest-config') {
      scan(JSON.parse(new TextDecoder().decode(asset.content)), `assets.${asset.fileName}`);
    }
  }
  return [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
