import { Expression } from './expressions.js';
import type { JsonValue } from './json.js';

/** The names SageMaker resolves under `Execution.` when a pipeline runs. */
export const EXECUTION_VARIABLE_NAMES = [
  'StartDateTime',
  'CurrentDateTime',
  'PipelineName',
  'PipelineArn',
  'PipelineExecutionId',
  'PipelineExecutionArn',
  'TrainingJobName',
  'ProcessingJobName',
] as const;

export type ExecutionVariableName = (typeof EXECUTION_VARIABLE_NAMES)[number];

/** A value of the running execution, rendered as `{"Get": "Execution.<name>"}`. All are strings. */
export class ExecutionVariable extends Expression<'String'> {
  readonly expressionKind = 'execution-variable' as const;
  readonly valueType = 'String' as const;

  constructor(readonly name: ExecutionVariableName) {
    super();
  }

  describe(): string {
    return `execution variable '${this.name}'`;
  }

  toJson(): JsonValue {
    return { Get: `Execution.${this.name}` };
  }
}

/** The eight execution variables, for example `Execution.PipelineExecutionId`. */
export const Execution: { readonly [K in ExecutionVariableName]: ExecutionVariable } = Object.freeze(
  Object.fromEntries(EXECUTION_VARIABLE_NAMES.map((name) => [name, new ExecutionVariable(name)])) as {
    [K in ExecutionVariableName]: ExecutionVariable;
  },
);
