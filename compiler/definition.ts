import type { JsonObject, JsonValue } from '../dsl/json.js';
import type { Pipeline } from '../dsl/pipeline.js';
import type { Step } from '../dsl/step.js';
import { FieldPath } from '../steps/context.js';
import type { StepGraph, StepNode } from './graph.js';
import { createRenderContext, type CompileSession } from './render-context.js';
import { serializeTree } from './tree.js';

/** Version the SageMaker pipeline definition format declares; the only value the service accepts. */
export const DEFINITION_VERSION = '2020-12-01';

/** Renders the pipeline definition in the SDK's key order: Version, Metadata, Parameters, PipelineExperimentConfig, Steps. */
export function renderDefinition(pipeline: Pipeline, graph: StepGraph, session: CompileSession): JsonObject {
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
