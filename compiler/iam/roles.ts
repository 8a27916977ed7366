import { isFeatureGroup, type FeatureGroup } from '../../dsl/feature-group.js';
import type { Pipeline } from '../../dsl/pipeline.js';
import type { Step } from '../../dsl/step.js';
import { FieldPath } from '../../steps/context.js';
import { offlineStoreRoleNeeds } from '../../steps/feature-group-iam.js';
import { declaresIam } from '../../steps/iam.js';
import type { StepGraph } from '../graph.js';
import { createIamContext, type IamSession } from './context.js';
import type { AttributedNeed } from './statements.js';

/** A use of a role; one role may serve several purposes. */
export type RolePurpose =
  | { readonly kind: 'pipeline' }
  | { readonly kind: 'job'; readonly step: string; readonly stepType: string }
  | { readonly kind: 'offline-store'; readonly featureGroup: string };

/** A role of the pipeline with everything it needs, collected over the graph. */
export interface DerivedRole {
  readonly arn: string;
  readonly purposes: RolePurpose[];
  readonly needs: AttributedNeed[];
  /** ARNs of the pipeline and jobs that assume the role, for `aws:SourceArn` in its trust policy. */
  readonly sourceArns: string[];
}

/** Steps in the order the definition lists them: top level first, each Condition step followed by its If and Else branches. */
export function stepsInOrder(graph: StepGraph): Step[] {
  const ordered: Step[] = [];
  const visit = (step: Step): void => {
    ordered.push(step);
    const branches = graph.branches.get(step);
    branches?.ifSteps.forEach(visit);
    branches?.elseSteps.forEach(visit);
  };
  graph.topLevel.forEach(visit);
  return ordered;
}

/** Feature groups that ingest steps write and that the pipeline lists, in that order. */
export function featureGroupsOf(pipeline: Pipeline, steps: readonly Step[]): FeatureGroup[] {
  const groups: FeatureGroup[] = [];
  for (const step of steps) {
    const group = (step as Step & { featureGroup?: unknown }).featureGroup;
    if (isFeatureGroup(group) && !groups.includes(group)) {
      groups.push(group);
    }
  }
  for (const group of pipeline.props.featureGroups ?? []) {
    if (isFeatureGroup(group) && !groups.includes(group)) {
      groups.push(group);
    }
  }
  return groups;
}

/**
 * Collects what every role of the pipeline needs: the pipeline role's needs of each step, each
 * step's job role, and the offline-store role of each feature group. Roles come out in the order
 * first met, the pipeline role first; needs keep the order the steps declare them.
 */
export function collectRoles(pipeline: Pipeline, graph: StepGraph, session: IamSession): DerivedRole[] {
  const roles = new Map<string, DerivedRole>();
  // Keys of the purposes and source ARNs each role has, so that a role shared by thousands of
  // steps is not searched from the start for every step.
  const seen = new Map<DerivedRole, Set<string>>();
  const role = (arn: string): DerivedRole => {
    let found = roles.get(arn);
    if (found === undefined) {
      found = { arn, purposes: [], needs: [], sourceArns: [] };
      roles.set(arn, found);
      seen.set(found, new Set());
    }
    return found;
  };
  const addPurpose = (target: DerivedRole, purpose: RolePurpose): void => {
    const keys = seen.get(target) as Set<string>;
    const key = `purpose\u0000${JSON.stringify(purpose)}`;
    if (!keys.has(key)) {
      keys.add(key);
      target.purposes.push(purpose);
    }
  };
  const addSourceArns = (target: DerivedRole, arns: readonly string[]): void => {
    const keys = seen.get(target) as Set<string>;
    for (const arn of arns) {
      const key = `source\u0000${arn}`;
      if (!keys.has(key)) {
        keys.add(key);
        target.sourceArns.push(arn);
      }
    }
  };

  const pipelineRole = role(session.pipelineRoleArn);
  addPurpose(pipelineRole, { kind: 'pipeline' });
  addSourceArns(pipelineRole, session.arn.sagemaker('pipeline', `${session.pipelineName}`).map((arn) => `${arn}/*`));

  const steps = stepsInOrder(graph);
  for (const step of steps) {
    const node = graph.nodes.get(step);
    if (node === undefined) {
      continue;
    }
    if (!declaresIam(step)) {
      session.issues.warning('IAM_STEP_NOT_DERIVED', node.path.toString(), `step kind ${step.type} declares no IAM needs, so the policies lack what step '${step.name}' needs`, {
        rule: 'each step kind declares the permissions its execution needs',
        fix: 'grant the step what it needs outside sagepipe, and report the missing declaration',
      });
      continue;
    }
    const context = createIamContext(session, node.path, node.jsonGets);
    const declared = step.iamNeeds(context);
    const neededBy = `step '${step.name}'`;
    pipelineRole.needs.push(...declared.pipelineRole.map((need) => ({ ...need, neededBy })));

    if (declared.jobRole !== undefined) {
      const jobRole = role(declared.jobRole.roleArn);
      addPurpose(jobRole, { kind: 'job', step: step.name, stepType: step.type });
      addSourceArns(jobRole, declared.jobRole.sourceArns);
      jobRole.needs.push(...declared.jobRole.needs.map((need) => ({ ...need, neededBy })));
    }
  }

  for (const group of featureGroupsOf(pipeline, steps)) {
    if (group.props.offlineStore === undefined || group.props.roleArn === undefined) {
      continue;
    }
    const offlineRole = role(group.props.roleArn);
    addPurpose(offlineRole, { kind: 'offline-store', featureGroup: group.name });
    const context = createIamContext(session, new FieldPath(['featureGroups', group.name]), []);
    offlineRole.needs.push(...offlineStoreRoleNeeds(context, group).map((need) => ({ ...need, neededBy: `feature group '${group.name}'` })));
  }
  return [...roles.values()];
}
