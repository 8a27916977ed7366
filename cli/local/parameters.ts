/** Pipeline parameters of a local run: `--param Name=Value` checked against the declared ones. */
import type { Issue } from '../../compiler/issues.js';
import type { ManifestParameter } from '../../compiler/manifest.js';
import { checkParameterArguments, parameterIssue, rejectParameterIssues } from '../parameter-values.js';
import type { PipelineValue } from './expressions.js';

/**
 * Resolves every declared parameter: a `--param` value converted by the rules of
 * cli/parameter-values.ts (the same as `sagepipe start`), else the default. Every problem is
 * reported at once, in a UserError with exit code 2 and one issue per problem.
 */
export function resolveParameters(declared: readonly ManifestParameter[], assignments: readonly string[]): Map<string, PipelineValue> {
  const { assignments: given, issues } = checkParameterArguments(assignments, declared);
  const problems: Issue[] = [...issues];
  const values = new Map<string, PipelineValue>();
  for (const parameter of declared) {
    if (parameter.default !== undefined) {
      values.set(parameter.name, parameter.default);
    }
  }

  for (const assignment of given) {
    switch (assignment.type) {
      case 'Integer': {
        // Expressions of a local run compute with JavaScript numbers, which hold integers exactly
        // only up to 2^53 - 1, and a rounded value would compare and print differently.
        const value = Number(assignment.text);
        if (!Number.isSafeInteger(value)) {
          problems.push(
            parameterIssue(
              'PARAM_LOCAL_RANGE',
              `--param ${assignment.name}`,
              `a local run cannot hold the Integer ${assignment.text} exactly`,
              assignment.text,
              `local runs take Integer values from ${Number.MIN_SAFE_INTEGER} to ${Number.MAX_SAFE_INTEGER}, the integers a JavaScript number holds exactly; SageMaker takes the whole signed 64-bit range`,
              'pass a value within that range for the local run',
            ),
          );
          continue;
        }
        values.set(assignment.name, value);
        break;
      }
      case 'Float':
        values.set(assignment.name, Number(assignment.text));
        break;
      case 'Boolean':
        values.set(assignment.name, assignment.text === 'true');
        break;
      case 'String':
        values.set(assignment.name, assignment.text);
        break;
    }
  }
  rejectParameterIssues(problems, 'the local run did not start');
  return values;
}
