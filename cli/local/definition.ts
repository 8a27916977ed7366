/**
 * The compiled pipeline definition as the local runner reads it: every step (Condition branches
 * included), what each depends on, and an order that respects it.
 */
import { UserError } from '../output.js';

/** A step request as it appears in definition.json. */
export interface DefinitionStep {
  readonly Name: string;
  readonly Type: string;
  readonly Arguments?: Record<string, unknown>;
  readonly DependsOn?: readonly string[];
  readonly PropertyFiles?: readonly { readonly PropertyFileName: string; readonly OutputName: string; readonly FilePath: string }[];
}

export interface PipelineDefinition {
  readonly Parameters?: readonly { readonly Name: string; readonly Type: string; readonly DefaultValue?: unknown }[];
  readonly Steps: readonly DefinitionStep[];
}

/** A step with the Condition branch it sits in, if any, and the steps it depends on. */
export interface PlannedStep {
  readonly step: DefinitionStep;
  /** The Condition step and branch that must be taken for this step to run. */
  readonly gate?: { readonly condition: string; readonly branch: 'if' | 'else' };
  readonly dependencies: readonly string[];
}

/**
 * Flattens the steps and orders them so that each comes after its dependencies: `DependsOn`,
 * every `Steps.<name>` reference in its arguments, and its enclosing Condition step. Ties keep
 * definition order, so the order is deterministic. Throws a UserError for a cycle or an unknown step.
 */
export function planSteps(definition: PipelineDefinition): PlannedStep[] {
  const planned: PlannedStep[] = [];
  const visit = (step: DefinitionStep, gate: PlannedStep['gate']): void => {
    const references = new Set<string>(step.DependsOn ?? []);
    collectStepReferences(step.Arguments, references);
    if (gate !== undefined) {
      references.add(gate.condition);
    }
    references.delete(step.Name);
    planned.push({ step, ...(gate !== undefined ? { gate } : {}), dependencies: [...references] });
    if (step.Type === 'Condition') {
      for (const [key, branch] of [
        ['IfSteps', 'if'],
        ['ElseSteps', 'else'],
      ] as const) {
        for (const nested of (step.Arguments?.[key] as DefinitionStep[] | undefined) ?? []) {
          visit(nested, { condition: step.Name, branch });
        }
      }
    }
  };
  definition.Steps.forEach((step) => visit(step, undefined));

  const byName = new Map(planned.map((item) => [item.step.Name, item]));
  for (const item of planned) {
    const unknown = item.dependencies.filter((name) => !byName.has(name));
    if (unknown.length > 0) {
      throw new UserError(`step '${item.step.Name}' depends on ${unknown.map((name) => `'${name}'`).join(', ')}, which the definition does not contain; compile the pipeline again`);
    }
  }

  const ordered: PlannedStep[] = [];
  const done = new Set<string>();
  while (ordered.length < planned.length) {
    const next = planned.find((item) => !done.has(item.step.Name) && item.dependencies.every((name) => done.has(name)));
    if (next === undefined) {
      const stuck = planned.filter((item) => !done.has(item.step.Name)).map((item) => `'${item.step.Name}'`);
      throw new UserError(`the steps ${stuck.join(', ')} depend on each other in a cycle, so no order can run them`);
    }
    ordered.push(next);
    done.add(next.step.Name);
  }
  return ordered;
}

/** Adds the name of every step that `tree` reads through `Steps.<name>.…`; nested step requests are skipped. */
function collectStepReferences(tree: unknown, names: Set<string>): void {
  if (Array.isArray(tree)) {
    tree.forEach((item) => collectStepReferences(item, names));
    return;
  }
  if (typeof tree !== 'object' || tree === null) {
    return;
  }
  const record = tree as Record<string, unknown>;
  if (typeof record['Get'] === 'string') {
    const match = /^Steps\.([^.[]+)/.exec(record['Get']);
    if (match !== null) {
      names.add(match[1] as string);
    }
    return;
  }
  for (const [key, value] of Object.entries(record)) {
    if (key !== 'IfSteps' && key !== 'ElseSteps') {
      collectStepReferences(value, names);
    }
  }
}
