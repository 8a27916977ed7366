/**
 * Generated pipelines for the compile benchmark. Both shapes use only the public DSL, so the
 * benchmark compiles what a user could write.
 */
import { Condition, conditionStep, Execution, failStep, type Join, param, type Pipeline, pipeline, processingStep, type ProcessingStep, type Step, str } from '../dsl/index.js';

/** Shapes of generated pipelines. */
export type PipelineShape = 'mixed' | 'processing-chain';

/** Condition steps that fan out from each Processing step of the mixed shape. */
export const FAN_OUT_WIDTH = 12;

const ROLE_ARN = 'arn:aws:iam::123456789012:role/BenchPipelineRole';

/**
 * Builds a pipeline of exactly `stepCount` steps, counting steps nested in condition branches.
 *
 * - `mixed` repeats a block of 1 + 2 × 12 steps. A Processing step reads the previous block's
 *   output (a chain through a property reference) and passes a `Std:Join` argument. Then 12
 *   Condition steps each test its status (a fan-out). Each has a Fail step in its else branch,
 *   whose message is a Join on even branches and plain text on odd ones. The next block's
 *   Processing step depends on all 12 conditions (a fan-in through DependsOn). The small
 *   Condition and Fail steps keep 5,000 steps under the 1 MiB definition limit of CreatePipeline.
 * - `processing-chain` is a chain of Processing steps, each reading the previous one's output.
 *   Its steps are larger, about 850 bytes each, so it passes 1 MiB before 1,300 steps.
 */
export function generatePipeline(shape: PipelineShape, stepCount: number): Pipeline {
  if (!Number.isInteger(stepCount) || stepCount < 1) {
    throw new Error(`step count ${stepCount} is invalid: use a whole number of at least 1`);
  }
  const image = param.string('ImageUri', { default: '123456789012.dkr.ecr.us-west-2.amazonaws.com/bench:1' });
  const instanceType = param.string('InstanceType', { default: 'ml.m5.large' });
  const steps = shape === 'mixed' ? mixedSteps(stepCount, image, instanceType) : processingChain(stepCount, image, instanceType);
  return pipeline(`bench-${shape}-${stepCount}`, {
    roleArn: ROLE_ARN,
    region: 'us-west-2',
    parameters: [image, instanceType],
    steps,
  });
}

type StringParameter = ReturnType<typeof param.string>;

function jobStep(name: string, previous: ProcessingStep | undefined, dependsOn: readonly Step[], image: StringParameter, instanceType: StringParameter): ProcessingStep {
  return processingStep(name, {
    imageUri: image,
    instanceType,
    arguments: [str`--run=${Execution.PipelineExecutionId}`],
    ...(previous !== undefined
      ? { inputs: [{ name: 'in', source: previous.properties.outputs['out']!.s3Uri, destination: '/opt/ml/processing/in' }] }
      : {}),
    outputs: [{ name: 'out', source: '/opt/ml/processing/out', destination: `s3://bench-data/${name}` }],
    ...(dependsOn.length > 0 ? { dependsOn } : {}),
  });
}

function mixedSteps(stepCount: number, image: StringParameter, instanceType: StringParameter): Step[] {
  const listed: Step[] = [];
  let remaining = stepCount;
  let previous: ProcessingStep | undefined;
  let previousConditions: Step[] = [];
  for (let block = 0; remaining > 0; block += 1) {
    const job = jobStep(`p${block}`, previous, previousConditions, image, instanceType);
    listed.push(job);
    remaining -= 1;

    const conditions: Step[] = [];
    for (let branch = 0; branch < FAN_OUT_WIDTH && remaining > 0; branch += 1) {
      // A condition takes one step; its Fail step is added only while the count allows.
      remaining -= 1;
      const withFail = remaining > 0;
      if (withFail) {
        remaining -= 1;
      }
      const condition = conditionStep(`c${block}_${branch}`, {
        conditions: [Condition.equals(job.properties.processingJobStatus, 'Completed')],
        ...(withFail ? { elseSteps: [failStep(`f${block}_${branch}`, { errorMessage: failMessage(block, branch) })] } : {}),
      });
      conditions.push(condition);
      listed.push(condition);
    }
    previous = job;
    previousConditions = conditions;
  }
  return listed;
}

function failMessage(block: number, branch: number): string | Join {
  return branch % 2 === 0 ? str`p${String(block)} failed in ${Execution.PipelineExecutionId}` : `p${block} failed`;
}

function processingChain(stepCount: number, image: StringParameter, instanceType: StringParameter): Step[] {
  const steps: Step[] = [];
  let previous: ProcessingStep | undefined;
  for (let index = 0; index < stepCount; index += 1) {
    previous = jobStep(`p${index}`, previous, [], image, instanceType);
    steps.push(previous);
  }
  return steps;
}

/** Counts steps in a compiled definition, nested condition branches included. */
export function countDefinitionSteps(steps: readonly unknown[]): number {
  let count = 0;
  for (const step of steps) {
    count += 1;
    const args = (step as { Arguments?: { IfSteps?: unknown[]; ElseSteps?: unknown[] } }).Arguments;
    count += countDefinitionSteps(args?.IfSteps ?? []) + countDefinitionSteps(args?.ElseSteps ?? []);
  }
  return count;
}
