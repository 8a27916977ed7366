import type { StepGraph } from '../graph.js';
import { stepsInOrder } from './roles.js';

/** Mermaid label text: quotes become entities, so a label never ends early. */
function label(text: string): string {
  return text.replace(/"/g, '#quot;');
}

/**
 * Draws the pipeline graph as a Mermaid flowchart: one node per step with its kind and the role
 * its job runs as, an edge per dependency, and labeled edges from each Condition step to its
 * If and Else branches. Node ids follow the definition order, so the text is deterministic.
 */
export function pipelineFlowchart(graph: StepGraph, jobRoles: ReadonlyMap<string, string>): string {
  const steps = stepsInOrder(graph);
  const ids = new Map(steps.map((step, index) => [step, `s${index}`]));
  const lines = ['flowchart TD'];

  for (const step of steps) {
    const role = jobRoles.get(step.name);
    const text = `${step.name}<br/>${step.type}${role === undefined ? '' : `<br/>runs as ${role}`}`;
    lines.push(`  ${ids.get(step)}["${label(text)}"]`);
  }
  for (const step of steps) {
    const node = graph.nodes.get(step);
    if (node === undefined) {
      continue;
    }
    const before = [...new Set([...node.dataDependencies, ...node.explicitDependencies])].filter((other) => other !== step && ids.has(other));
    for (const other of before) {
      lines.push(`  ${ids.get(other)} --> ${ids.get(step)}`);
    }
    const branches = graph.branches.get(step);
    for (const child of branches?.ifSteps ?? []) {
      lines.push(`  ${ids.get(step)} -->|if| ${ids.get(child)}`);
    }
    for (const child of branches?.elseSteps ?? []) {
      lines.push(`  ${ids.get(step)} -->|else| ${ids.get(child)}`);
    }
  }
  return lines.join('\n');
}
