/**
 * The pieces of `sagepipe start`: checking `--param` values against the declared parameters,
 * checking the execution display name, and following an execution to its end.
 */
import type { PipelineExecutionStep } from '@aws-sdk/client-sagemaker';
import type { Issue } from '../../compiler/issues.js';
import type { ManifestParameter } from '../../compiler/manifest.js';
import type { Clock } from '../../runtime/ports.js';
import { ExitCode, UserError } from '../output.js';
import { checkParameterArguments, rejectParameterIssues } from '../parameter-values.js';
import type { PipelineService } from './pipeline-service.js';

/** StartPipelineExecution accepts display names of 1–82 alphanumerics and inner hyphens. */
export const DISPLAY_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,81}$/;

/** A parameter as StartPipelineExecution takes it: every value is a string on the wire. */
export interface PipelineParameterValue {
  readonly Name: string;
  readonly Value: string;
}

/**
 * Checks `Name=Value` arguments against the declared parameters with the rules of
 * cli/parameter-values.ts and returns them as StartPipelineExecution takes them. Every problem
 * is collected, and a UserError with exit code 2 lists them all.
 */
export function checkParameters(raw: readonly string[], declared: readonly ManifestParameter[]): PipelineParameterValue[] {
  const { assignments, issues } = checkParameterArguments(raw, declared);
  rejectParameterIssues(issues, 'the execution was not started');
  return assignments.map((assignment) => ({ Name: assignment.name, Value: assignment.text }));
}

/** Rejects a display name StartPipelineExecution would reject. */
export function checkDisplayName(name: string | undefined): void {
  if (name === undefined || DISPLAY_NAME_PATTERN.test(name)) {
    return;
  }
  throw new UserError(`invalid --display-name '${name}'`, ExitCode.usage, [
    issue('DISPLAY_NAME_INVALID', '--display-name', 'the execution display name does not match the service rule', name, `must match ${DISPLAY_NAME_PATTERN.source}: 1–82 letters, digits and inner hyphens`, 'use letters, digits and hyphens only, without a leading or trailing hyphen'),
  ]);
}

/** Reads the declared parameters from a deployed definition's `Parameters` list. */
export function declaredParameters(definition: unknown): ManifestParameter[] {
  const parameters = (definition as { Parameters?: unknown } | null)?.Parameters;
  if (!Array.isArray(parameters)) {
    return [];
  }
  return parameters.map((parameter: { Name?: unknown; Type?: unknown; DefaultValue?: unknown; EnumValues?: unknown }) => ({
    name: String(parameter.Name),
    // A String parameter may leave out its Type.
    type: (typeof parameter.Type === 'string' ? parameter.Type : 'String') as ManifestParameter['type'],
    ...(parameter.DefaultValue !== undefined ? { default: parameter.DefaultValue as string | number | boolean } : {}),
    ...(Array.isArray(parameter.EnumValues) ? { allowedValues: parameter.EnumValues.map(String) } : {}),
  }));
}

function issue(code: string, path: string, message: string, value: unknown, rule: string, fix: string): Issue {
  return { code, severity: 'error', path, message, value, rule, fix };
}

/** A status change seen while following an execution. */
export type ExecutionEvent =
  | { readonly kind: 'execution'; readonly status: string; readonly failureReason?: string }
  | { readonly kind: 'step'; readonly name: string; readonly status: string; readonly failureReason?: string };

export interface ExecutionOutcome {
  readonly status: string;
  readonly failureReason?: string;
  readonly steps: readonly { readonly name: string; readonly status: string; readonly failureReason?: string }[];
  /** True when the timeout ended the wait before the execution ended. */
  readonly timedOut: boolean;
}

const TERMINAL = new Set(['Succeeded', 'Failed', 'Stopped']);

/**
 * Polls DescribePipelineExecution and ListPipelineExecutionSteps every `pollIntervalMs` until
 * the execution is Succeeded, Failed or Stopped, reporting each status change through `onEvent`.
 * A `timeoutMs` of 0 waits without limit.
 */
export async function followExecution(
  service: PipelineService,
  executionArn: string,
  options: { readonly pollIntervalMs: number; readonly timeoutMs: number; readonly clock: Clock; readonly onEvent: (event: ExecutionEvent) => void },
): Promise<ExecutionOutcome> {
  const started = options.clock.now().getTime();
  const stepStatus = new Map<string, string>();
  let executionStatus: string | undefined;
  for (;;) {
    const execution = await service.describeExecution(executionArn);
    const status = execution.PipelineExecutionStatus ?? 'Unknown';
    const steps = await service.listExecutionSteps(executionArn);
    const reportExecution = (): void => {
      if (status !== executionStatus) {
        executionStatus = status;
        options.onEvent({ kind: 'execution', status, ...(execution.FailureReason !== undefined ? { failureReason: execution.FailureReason } : {}) });
      }
    };
    // A running execution is reported before its steps, and a finished one after them, so the
    // lines read in the order things happened.
    if (!TERMINAL.has(status)) {
      reportExecution();
    }
    for (const step of steps) {
      reportStep(step, stepStatus, options.onEvent);
    }
    reportExecution();
    const summary = steps.map((step) => ({
      name: step.StepName ?? '',
      status: step.StepStatus ?? 'Unknown',
      ...(step.FailureReason !== undefined ? { failureReason: step.FailureReason } : {}),
    }));
    if (TERMINAL.has(status)) {
      return { status, ...(execution.FailureReason !== undefined ? { failureReason: execution.FailureReason } : {}), steps: summary, timedOut: false };
    }
    if (options.timeoutMs > 0 && options.clock.now().getTime() + options.pollIntervalMs - started > options.timeoutMs) {
      return { status, steps: summary, timedOut: true };
    }
    await options.clock.sleep(options.pollIntervalMs);
  }
}

function reportStep(step: PipelineExecutionStep, seen: Map<string, string>, onEvent: (event: ExecutionEvent) => void): void {
  const name = step.StepName ?? '';
  const status = step.StepStatus ?? 'Unknown';
  if (seen.get(name) === status) {
    return;
  }
  seen.set(name, status);
  onEvent({ kind: 'step', name, status, ...(step.FailureReason !== undefined ? { failureReason: step.FailureReason } : {}) });
}
