import type { Step } from '../dsl/step.js';
import type { StepGraph, StepNode } from './graph.js';
import type { IssueCollector } from './issues.js';

/** Keys separated by dots, each optionally followed by list indexes: `metrics.auc.value`, `results[0].score`. */
const JSON_GET_PATH = /^[^.[\]\s]+(\[\d+\])*(\.[^.[\]\s]+(\[\d+\])*)*$/;

export function validateJsonGets(node: StepNode, graph: StepGraph, issues: IssueCollector): void {
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
    if (typeof jsonGet.jsonPath === 'string' && jsonGet.jsonPath !== '' && !JSON_GET_PATH.test(jsonGet.jsonPath)) {
      issues.error('JSONGET_INVALID_PATH', path, `JsonGet path '${jsonGet.jsonPath}' on property file '${jsonGet.propertyFileName}' is malformed`, {
        value: jsonGet.jsonPath,
        rule: 'a path is keys separated by dots, each key optionally followed by list indexes, such as metrics.auc.value or results[0].score',
        fix: 'remove empty keys and unbalanced brackets',
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
