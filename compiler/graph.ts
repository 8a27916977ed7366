import type { Expression, JsonGet } from '../dsl/expressions.js';
import type { Parameter } from '../dsl/parameters.js';
import { type Step, isStep } from '../dsl/step.js';
import { type ArgumentTree, FieldPath } from '../steps/context.js';
import type { IssueCollector } from './issues.js';
import { closestName } from '../schemas/suggest.js';
import { MinHeap } from './min-heap.js';
import { createRenderContext, type CompileSession } from './render-context.js';
import { forEachExpression } from './tree.js';

/** A step as the compiler sees it: where it sits, what it renders and what it reads. */
export interface StepNode {
  readonly step: Step;
  readonly path: FieldPath;
  /** The Condition step whose branch holds this step; undefined at the top level. */
  readonly parent: StepNode | undefined;
  /** Reached only through a reference or a `dependsOn` object, not listed by the user. */
  readonly implicit: boolean;
  readonly arguments: ArgumentTree;
  readonly extraKeys: Record<string, ArgumentTree>;
  /** Steps whose properties or property files this step's own arguments read. */
  readonly dataDependencies: readonly Step[];
  /** Explicit `dependsOn` targets that resolved to steps, in the order given; names resolve after collection. */
  readonly explicitDependencies: Step[];
  readonly parameters: readonly Parameter[];
  readonly jsonGets: readonly JsonGet[];
}

/** The collected steps, their edges and a deterministic order. */
export interface StepGraph {
  /** Every step, top level and nested, in discovery order. */
  readonly nodes: ReadonlyMap<Step, StepNode>;
  /** Top-level steps in a stable topological order. */
  readonly topLevel: readonly Step[];
  /** Branch lists of each Condition step, each in a stable topological order. */
  readonly branches: ReadonlyMap<Step, { readonly ifSteps: readonly Step[]; readonly elseSteps: readonly Step[] }>;
  readonly hasCycle: boolean;
}

interface Placement {
  readonly step: Step;
  readonly parent: Step | undefined;
  readonly implicit: boolean;
}

/**
 * Collects the pipeline's steps (nested branches and steps reached only through references
 * included), renders their arguments, builds the dependency graph and orders it. Problems are
 * reported to `issues`.
 */
export function buildStepGraph(listed: readonly Step[], session: CompileSession): StepGraph {
  const issues = session.issues;
  const placements = placeListedSteps(listed, issues);

  const nodes = new Map<Step, StepNode>();
  // Placements list each Condition step before its branch steps, so a parent is rendered first.
  const queue: Placement[] = [...placements.values()];
  const queued = new Set<Step>(placements.keys());

  while (queue.length > 0) {
    const placement = queue.shift() as Placement;
    if (nodes.has(placement.step)) {
      continue;
    }
    const parentNode = placement.parent === undefined ? undefined : nodes.get(placement.parent);
    const node = renderNode(placement, parentNode, session);
    nodes.set(placement.step, node);

    const reached = [...node.dataDependencies, ...node.explicitDependencies];
    for (const target of reached) {
      if (!queued.has(target)) {
        issues.warning(
          'IMPLICIT_STEP',
          `steps.${target.name}`,
          `step '${target.name}' is not listed in the pipeline's steps but '${placement.step.name}' refers to it, so it is added at the top level`,
          { rule: 'every step a pipeline runs should be listed where it runs', fix: `add '${target.name}' to the pipeline's steps (or to a condition branch)` },
        );
        queue.push({ step: target, parent: undefined, implicit: true });
        queued.add(target);
      }
    }
  }

  checkNames(nodes, issues);
  resolveNamedDependencies(nodes, issues);
  const hasCycle = reportCycles(nodes, issues);

  const topLevel = [...nodes.values()].filter((node) => node.parent === undefined).map((node) => node.step);
  const branches = new Map<Step, { ifSteps: readonly Step[]; elseSteps: readonly Step[] }>();
  for (const node of nodes.values()) {
    const step = node.step as Step & { ifSteps?: readonly Step[]; elseSteps?: readonly Step[] };
    if (step.type === 'Condition') {
      branches.set(node.step, {
        ifSteps: hasCycle ? (step.ifSteps ?? []) : orderSteps(step.ifSteps ?? [], nodes),
        elseSteps: hasCycle ? (step.elseSteps ?? []) : orderSteps(step.elseSteps ?? [], nodes),
      });
    }
  }
  return { nodes, topLevel: hasCycle ? topLevel : orderSteps(topLevel, nodes), branches, hasCycle };
}

/** Places the listed steps and every step nested in their branches; reports steps placed twice. */
function placeListedSteps(listed: readonly Step[], issues: IssueCollector): Map<Step, Placement> {
  const placements = new Map<Step, Placement>();
  const place = (step: unknown, parent: Step | undefined, path: string): void => {
    if (!isStep(step)) {
      issues.error('INVALID_STEP', path, `expected a step, got ${step === null ? 'null' : typeof step}`, {
        value: step,
        rule: 'pipeline steps and condition branches list step objects',
        fix: 'pass steps created with processingStep, trainingStep, conditionStep and the other factories',
      });
      return;
    }
    const existing = placements.get(step);
    if (existing !== undefined) {
      const where = (owner: Step | undefined): string => (owner === undefined ? 'the top level' : `a branch of '${owner.name}'`);
      issues.error('STEP_LISTED_TWICE', `steps.${step.name}`, `step '${step.name}' is listed at ${where(existing.parent)} and again at ${where(parent)}`, {
        rule: 'a step appears once; steps inside a condition branch must not also be listed at the top level',
        fix: `remove '${step.name}' from one of the two places`,
      });
      return;
    }
    placements.set(step, { step, parent, implicit: false });
    step.nestedSteps().forEach((child, index) => place(child, step, `steps.${step.name}.arguments.branches[${index}]`));
  };
  listed.forEach((step, index) => place(step, undefined, `pipeline.steps[${index}]`));
  return placements;
}

function renderNode(placement: Placement, parent: StepNode | undefined, session: CompileSession): StepNode {
  const step = placement.step;
  const path = new FieldPath(['steps', step.name]);
  const context = createRenderContext(session, path);
  const args = step.renderArguments(context);
  const extraKeys = step.renderExtraKeys(context);

  const dataDependencies: Step[] = [];
  const parameters: Parameter[] = [];
  const jsonGets: JsonGet[] = [];
  const visit = (expression: Expression): void => {
    for (const referenced of expression.referencedSteps()) {
      if (!dataDependencies.includes(referenced)) {
        dataDependencies.push(referenced);
      }
    }
    if (expression.expressionKind === 'parameter' && !parameters.includes(expression as Parameter)) {
      parameters.push(expression as Parameter);
    }
    if (expression.expressionKind === 'json-get') {
      jsonGets.push(expression as JsonGet);
    }
  };
  forEachExpression(args, visit);
  for (const value of Object.values(extraKeys)) {
    forEachExpression(value, visit);
  }

  const explicitDependencies = step.dependsOn.filter(isStep);
  return {
    step,
    path,
    parent,
    implicit: placement.implicit,
    arguments: args,
    extraKeys,
    dataDependencies,
    explicitDependencies,
    parameters,
    jsonGets,
  };
}

const STEP_NAME = /^[A-Za-z0-9_-]{1,64}$/;

function checkNames(nodes: ReadonlyMap<Step, StepNode>, issues: IssueCollector): void {
  const byName = new Map<string, Step[]>();
  for (const step of nodes.keys()) {
    const sameName = byName.get(step.name);
    if (sameName === undefined) {
      byName.set(step.name, [step]);
    } else {
      sameName.push(step);
    }
    if (typeof step.name !== 'string' || !STEP_NAME.test(step.name)) {
      issues.error('INVALID_STEP_NAME', `steps.${String(step.name)}`, `step name '${String(step.name)}' is invalid`, {
        value: step.name,
        rule: 'step names are 1-64 letters, digits, _ and -',
        fix: `rename the step, for example '${suggestStepName(String(step.name))}'`,
      });
    }
    if (step.displayName !== undefined && !STEP_NAME.test(step.displayName)) {
      issues.error('INVALID_DISPLAY_NAME', `steps.${step.name}.displayName`, `display name '${step.displayName}' is invalid`, {
        value: step.displayName,
        rule: 'step display names are 1-64 letters, digits, _ and -',
        fix: 'use letters, digits, _ and - only',
      });
    }
    if (step.description !== undefined && step.description.length > 3072) {
      issues.error('DESCRIPTION_TOO_LONG', `steps.${step.name}.description`, 'the step description is too long', {
        value: step.description.length,
        rule: 'step descriptions are at most 3072 characters',
        fix: 'shorten the description',
      });
    }
  }
  for (const [name, steps] of byName) {
    if (steps.length > 1) {
      const kinds = steps.map((step) => step.type).join(', ');
      issues.error('DUPLICATE_STEP_NAME', `steps.${name}`, `${steps.length} different steps are named '${name}' (${kinds})`, {
        value: name,
        rule: 'step names are unique across the pipeline, condition branches included',
        fix: 'give each step its own name',
      });
    }
  }
}

function resolveNamedDependencies(nodes: Map<Step, StepNode>, issues: IssueCollector): void {
  const names = new Map([...nodes.keys()].map((step) => [step.name, step]));
  for (const node of nodes.values()) {
    node.step.dependsOn.forEach((target, index) => {
      const path = `${node.path.toString()}.dependsOn[${index}]`;
      const targetName = isStep(target) ? target.name : target;
      if (typeof targetName !== 'string') {
        issues.error('INVALID_DEPENDENCY', path, 'dependsOn lists something that is neither a step nor a step name', {
          value: target,
          rule: 'dependsOn takes step objects or step names',
          fix: 'pass the step object',
        });
        return;
      }
      if (targetName === node.step.name) {
        issues.error('SELF_DEPENDENCY', path, `step '${targetName}' depends on itself`, {
          value: targetName,
          rule: 'a step cannot wait for itself',
          fix: 'remove the entry from dependsOn',
        });
        return;
      }
      const resolved = names.get(targetName);
      if (resolved === undefined) {
        const suggestion = closestName(targetName, [...names.keys()]);
        issues.error('UNKNOWN_DEPENDENCY', path, `step '${node.step.name}' depends on '${targetName}', which is not a step of this pipeline`, {
          value: targetName,
          rule: 'dependsOn names steps of the same pipeline, condition branches included',
          fix: suggestion ? `did you mean '${suggestion}'?` : 'add the step to the pipeline or remove the dependency',
        });
        return;
      }
      if (resolved.type === 'Condition') {
        issues.warning('DEPENDS_ON_CONDITION', path, `step '${node.step.name}' depends on condition step '${targetName}'`, {
          value: targetName,
          rule: 'a step that depends on a Condition step does not rejoin its branches; SageMaker may reject it or skip it',
          fix: 'depend on the branch steps instead, or move the step into both branches',
        });
      }
      if (!isStep(target) && !node.explicitDependencies.includes(resolved)) {
        node.explicitDependencies.push(resolved);
      }
    });
    if (node.dataDependencies.includes(node.step)) {
      issues.error('SELF_DEPENDENCY', node.path.toString(), `step '${node.step.name}' reads its own properties`, {
        rule: 'a step can only read properties of steps that ran before it',
        fix: 'read the property from the step that produces it',
      });
    }
  }
}

/** Edges of the graph: for each step, the steps that must finish before it. */
function predecessors(node: StepNode, nodes: ReadonlyMap<Step, StepNode>): Step[] {
  const before = [...node.dataDependencies, ...node.explicitDependencies].filter((step) => step !== node.step && nodes.has(step));
  if (node.parent !== undefined) {
    before.push(node.parent.step);
  }
  return before;
}

function reportCycles(nodes: ReadonlyMap<Step, StepNode>, issues: IssueCollector): boolean {
  const state = new Map<Step, 'visiting' | 'done'>();
  const reported = new Set<string>();
  let found = false;

  // Depth-first search with an explicit stack, so that long chains of steps cannot overflow the call stack.
  for (const root of nodes.keys()) {
    if (state.has(root)) {
      continue;
    }
    const path: Step[] = [];
    const frames: { step: Step; before: Step[]; next: number }[] = [];
    const enter = (step: Step): void => {
      state.set(step, 'visiting');
      path.push(step);
      frames.push({ step, before: predecessors(nodes.get(step) as StepNode, nodes), next: 0 });
    };
    enter(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1] as { step: Step; before: Step[]; next: number };
      if (frame.next >= frame.before.length) {
        frames.pop();
        path.pop();
        state.set(frame.step, 'done');
        continue;
      }
      const before = frame.before[frame.next] as Step;
      frame.next += 1;
      const beforeState = state.get(before);
      if (beforeState === undefined) {
        enter(before);
      } else if (beforeState === 'visiting') {
        const cycle = path.slice(path.indexOf(before));
        const key = cycle.map((item) => item.name).sort().join(',');
        if (!reported.has(key)) {
          reported.add(key);
          found = true;
          const names = [...cycle, before].map((item) => item.name).reverse();
          issues.error('DEPENDENCY_CYCLE', `steps.${before.name}`, `steps form a cycle: ${names.join(' -> ')}`, {
            value: names,
            rule: 'the step graph must be acyclic; references and dependsOn both add edges',
            fix: 'remove one of the references or dependsOn entries in the cycle',
          });
        }
      }
    }
  }
  return found;
}

/**
 * Orders one list of sibling steps topologically, keeping the given order wherever the graph
 * allows. A dependency on a step nested elsewhere counts as a dependency on its sibling ancestor.
 */
function orderSteps(siblings: readonly Step[], nodes: ReadonlyMap<Step, StepNode>): Step[] {
  // An empty or one-step list (the usual condition branch) is already in order.
  if (siblings.length <= 1) {
    return [...siblings];
  }
  const index = new Map(siblings.map((step, position) => [step, position]));
  const ancestorInList = (step: Step): Step | undefined => {
    let current: StepNode | undefined = nodes.get(step);
    while (current !== undefined) {
      if (index.has(current.step)) {
        return current.step;
      }
      current = current.parent;
    }
    return undefined;
  };

  const incoming = new Map<Step, Set<Step>>(siblings.map((step) => [step, new Set<Step>()]));
  const collectEdges = (owner: Step, node: StepNode): void => {
    for (const before of predecessors(node, nodes)) {
      const sibling = ancestorInList(before);
      if (sibling !== undefined && sibling !== owner) {
        incoming.get(owner)?.add(sibling);
      }
    }
    for (const child of node.step.nestedSteps()) {
      const childNode = nodes.get(child);
      if (childNode !== undefined) {
        collectEdges(owner, childNode);
      }
    }
  };
  for (const step of siblings) {
    const node = nodes.get(step);
    if (node !== undefined) {
      collectEdges(step, node);
    }
  }

  // Kahn's algorithm, always taking the ready step that comes first in the given order.
  const waitingOn = new Map<Step, number>();
  const followers = new Map<Step, Step[]>();
  for (const [step, before] of incoming) {
    waitingOn.set(step, before.size);
    for (const predecessor of before) {
      const list = followers.get(predecessor);
      if (list === undefined) {
        followers.set(predecessor, [step]);
      } else {
        list.push(step);
      }
    }
  }
  const ready = new MinHeap<Step>((a, b) => (index.get(a) as number) - (index.get(b) as number));
  for (const step of siblings) {
    if (waitingOn.get(step) === 0) {
      ready.push(step);
    }
  }
  const ordered: Step[] = [];
  while (ready.size > 0) {
    const next = ready.pop() as Step;
    ordered.push(next);
    for (const follower of followers.get(next) ?? []) {
      const remaining = (waitingOn.get(follower) as number) - 1;
      waitingOn.set(follower, remaining);
      if (remaining === 0) {
        ready.push(follower);
      }
    }
  }
  if (ordered.length < siblings.length) {
    // Only reachable with a cycle, which has been reported; keep the remaining steps as given.
    const placed = new Set(ordered);
    ordered.push(...siblings.filter((step) => !placed.has(step)));
  }
  return ordered;
}

function suggestStepName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64);
  return cleaned === '' ? 'MyStep' : cleaned;
}
