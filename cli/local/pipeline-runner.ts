/**
 * Executes a compiled pipeline locally: steps in dependency order, expressions resolved,
 * Condition and Fail steps evaluated, and each sagepipe ingest step run with the ingest runtime
 * on the local adapters. A step that needs a SageMaker container is reported as not runnable
 * locally, and nothing replaces it.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { IngestConfig } from '../../runtime/ingest-config.js';
import { type IngestProgress, runIngest } from '../../runtime/ingest.js';
import { createLocalPorts } from '../../runtime/local/local-ports.js';
import { StoreLayout } from '../../runtime/local/store-layout.js';
import { type Clock, type Logger, type Notification, systemClock } from '../../runtime/ports.js';
import type { IngestReport } from '../../runtime/report.js';
import type { ArtifactFolder } from '../artifact-folder.js';
import { type DefinitionStep, type PipelineDefinition, type PlannedStep, planSteps } from './definition.js';
import { EvaluationError, type EvaluationScope, evaluateConditions, evaluateTree } from './expressions.js';
import type { TableOption } from './options.js';
import { resolveParameters } from './parameters.js';
import { checkTableOptions, churnTableHint } from './source-tables.js';

export type StepStatus = 'Succeeded' | 'Failed' | 'NotRunnableLocally' | 'Skipped' | 'NotStarted';

/** The outcome of one step. */
export interface StepResult {
  readonly name: string;
  readonly type: string;
  readonly status: StepStatus;
  /** The reason the step failed, was skipped or did not start. */
  readonly message?: string;
  /** The Condition step's outcome. */
  readonly outcome?: boolean;
  /** Folder of an ingest step's report.json, rejects.jsonl, duplicates.jsonl and failures.jsonl. */
  readonly outputDirectory?: string;
  readonly report?: IngestReport;
  /** Failure notifications an ingest step would have published. */
  readonly notifications?: readonly Notification[];
}

export interface LocalRunResult {
  readonly executionId: string;
  readonly succeeded: boolean;
  readonly steps: readonly StepResult[];
}

export interface LocalRunOptions {
  readonly folder: ArtifactFolder;
  readonly store: string;
  /** `Name=Value` assignments from `--param`. */
  readonly parameters: readonly string[];
  /** `--table` mappings; each is checked before any step runs. */
  readonly tables: readonly TableOption[];
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly onStepStart?: (step: DefinitionStep) => void;
  readonly onIngestProgress?: (step: DefinitionStep, progress: IngestProgress) => void;
  readonly onStepEnd?: (result: StepResult) => void;
}

/**
 * Runs the pipeline of an artifact folder locally. Throws UsageError for bad parameters or
 * `--table` mappings and UserError for a broken definition, in both cases before any step runs.
 */
export async function runPipelineLocally(options: LocalRunOptions): Promise<LocalRunResult> {
  const { folder, logger } = options;
  const clock = options.clock ?? systemClock;
  const manifest = folder.manifest;
  const parameters = resolveParameters(manifest.pipeline.parameters, options.parameters);
  const definition = folder.readJson<PipelineDefinition>(manifest.pipeline.definitionFile);
  const plan = planSteps(definition);
  checkTableOptions(
    options.tables,
    plan.flatMap(({ step }) => {
      const config = step.Type === 'Processing' ? findIngestConfig(step, folder) : undefined;
      return config === undefined ? [] : [config.source];
    }),
  );
  const layout = new StoreLayout(options.store);
  const startedAt = clock.now();
  const executionId = `local-${startedAt.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z-${randomBytes(3).toString('hex')}`;
  const stepProperties = new Map<string, Record<string, unknown>>();
  const statuses = new Map<string, StepStatus>();
  const results: StepResult[] = [];
  let failedStep: string | undefined;

  const scopeFor = (extra: Record<string, string> = {}): EvaluationScope => ({
    parameters,
    execution: {
      PipelineName: manifest.pipeline.name,
      // Like the SageMaker SDK's local mode, the pipeline ARN is the pipeline name locally.
      PipelineArn: manifest.pipeline.name,
      PipelineExecutionId: executionId,
      PipelineExecutionArn: executionId,
      StartDateTime: startedAt.toISOString(),
      CurrentDateTime: clock.now().toISOString(),
      ...extra,
    },
    stepProperties,
    propertyFilePath: (stepName, fileName) => propertyFilePath(definition, stepProperties, layout, stepName, fileName),
    s3Path: (uri) => layout.s3Path(uri),
  });

  logger.info({ executionId, pipeline: manifest.pipeline.name }, 'local execution started');
  for (const { step, gate, dependencies } of plan) {
    const record = (result: StepResult): void => {
      statuses.set(step.Name, result.status);
      results.push(result);
      options.onStepEnd?.(result);
    };
    if (gate !== undefined && stepProperties.get(gate.condition)?.['Outcome'] !== (gate.branch === 'if')) {
      record({ name: step.Name, type: step.Type, status: 'Skipped', message: skippedBranchMessage(gate, stepProperties, statuses) });
      continue;
    }
    const skippedDependency = dependencies.find((name) => statuses.get(name) === 'Skipped');
    if (skippedDependency !== undefined) {
      record({ name: step.Name, type: step.Type, status: 'Skipped', message: `depends on '${skippedDependency}', which was skipped` });
      continue;
    }
    if (failedStep !== undefined) {
      record({ name: step.Name, type: step.Type, status: 'NotStarted', message: `not started because step '${failedStep}' failed` });
      continue;
    }

    options.onStepStart?.(step);
    const result = await runStep(step, {
      ...options,
      clock,
      layout,
      executionId,
      scopeFor,
      onProgress: (progress) => options.onIngestProgress?.(step, progress),
    });
    if (result.properties !== undefined) {
      stepProperties.set(step.Name, result.properties);
    }
    record(result.result);
    if (result.result.status === 'Failed' || result.result.status === 'NotRunnableLocally') {
      failedStep = step.Name;
    }
  }
  const succeeded = failedStep === undefined;
  logger.info({ executionId, succeeded }, 'local execution finished');
  return { executionId, succeeded, steps: results };
}

/** Says why a step in a Condition branch was skipped: the condition's outcome, or why the Condition step has none. */
function skippedBranchMessage(
  gate: NonNullable<PlannedStep['gate']>,
  stepProperties: ReadonlyMap<string, Record<string, unknown>>,
  statuses: ReadonlyMap<string, StepStatus>,
): string {
  const branch = gate.branch === 'if' ? 'If' : 'Else';
  const outcome = stepProperties.get(gate.condition)?.['Outcome'];
  if (typeof outcome === 'boolean') {
    return `the condition of '${gate.condition}' evaluated to ${outcome}, so its ${branch} branch did not run`;
  }
  const status = statuses.get(gate.condition);
  if (status === 'Failed') {
    return `the Condition step '${gate.condition}' failed, so neither of its branches ran`;
  }
  return `the Condition step '${gate.condition}' did not run (${status === undefined ? 'no status' : describeStatus(status)}), so neither of its branches ran`;
}

function describeStatus(status: StepStatus): string {
  switch (status) {
    case 'Skipped':
      return 'it was skipped';
    case 'NotStarted':
      return 'it was not started';
    case 'NotRunnableLocally':
      return 'it is not runnable locally';
    default:
      return `its status is ${status}`;
  }
}

interface StepContext extends LocalRunOptions {
  readonly clock: Clock;
  readonly layout: StoreLayout;
  readonly executionId: string;
  readonly scopeFor: (extra?: Record<string, string>) => EvaluationScope;
  readonly onProgress: (progress: IngestProgress) => void;
}

interface StepRun {
  readonly result: StepResult;
  readonly properties?: Record<string, unknown>;
}

async function runStep(step: DefinitionStep, context: StepContext): Promise<StepRun> {
  const base = { name: step.Name, type: step.Type };
  try {
    switch (step.Type) {
      case 'Condition': {
        const conditions = (step.Arguments?.['Conditions'] as Record<string, unknown>[] | undefined) ?? [];
        const outcome = evaluateConditions(conditions, context.scopeFor());
        return { result: { ...base, status: 'Succeeded', outcome }, properties: { Outcome: outcome } };
      }
      case 'Fail': {
        const message = String(evaluateTree(step.Arguments?.['ErrorMessage'] ?? '', context.scopeFor()));
        return { result: { ...base, status: 'Failed', message: message === '' ? 'the Fail step stopped the execution' : message }, properties: { ErrorMessage: message } };
      }
      case 'Processing': {
        const ingest = findIngestConfig(step, context.folder);
        if (ingest !== undefined) {
          return await runIngestStep(step, ingest, context);
        }
        return notRunnable(step);
      }
      case 'Training':
      case 'Transform':
        return notRunnable(step);
      default:
        return { result: { ...base, status: 'NotRunnableLocally', message: `step type ${step.Type} is not supported by local runs` } };
    }
  } catch (error) {
    if (error instanceof EvaluationError) {
      return { result: { ...base, status: 'Failed', message: error.message } };
    }
    throw error;
  }
}

function notRunnable(step: DefinitionStep): StepRun {
  return {
    result: {
      name: step.Name,
      type: step.Type,
      status: 'NotRunnableLocally',
      message: `the ${step.Type} step '${step.Name}' runs a SageMaker container, which a local run cannot start; deploy the pipeline with \`sagepipe upsert\` and run it in SageMaker`,
    },
  };
}

/** Finds the ingest config of a Processing step: its 'config' input names an ingest-config asset of the manifest. */
function findIngestConfig(step: DefinitionStep, folder: ArtifactFolder): IngestConfig | undefined {
  const inputs = (step.Arguments?.['ProcessingInputs'] as { InputName?: string; S3Input?: { S3Uri?: unknown } }[] | undefined) ?? [];
  const uri = inputs.find((input) => input.InputName === 'config')?.S3Input?.S3Uri;
  const asset = folder.manifest.files.find((file) => file.assetKind === 'ingest-config' && file.s3Uri === uri);
  return asset === undefined ? undefined : folder.readJson<IngestConfig>(asset.path);
}

async function runIngestStep(step: DefinitionStep, config: IngestConfig, context: StepContext): Promise<StepRun> {
  const processingJobName = `${step.Name}-${context.executionId}`.slice(0, 63);
  const scope = context.scopeFor({ ProcessingJobName: processingJobName });
  const args = evaluateTree(step.Arguments, scope) as {
    ProcessingInputs?: { InputName: string; S3Input: Record<string, unknown> }[];
    ProcessingOutputConfig?: { Outputs?: { OutputName: string; S3Output: { S3Uri: string; LocalPath: string } }[] };
  };
  const outputs = args.ProcessingOutputConfig?.Outputs ?? [];
  const reportOutput = outputs.find((output) => output.S3Output.LocalPath === config.outputPath) ?? outputs[0];
  if (reportOutput === undefined) {
    return { result: { name: step.Name, type: step.Type, status: 'Failed', message: `ingest step '${step.Name}' has no processing output for its report` } };
  }
  const outputDirectory = context.layout.s3Path(reportOutput.S3Output.S3Uri);
  const ports = createLocalPorts({
    store: context.layout.root,
    outputDirectory,
    tables: context.tables,
    missingTableHint: churnTableHint(context.layout.root),
    logger: context.logger,
    clock: context.clock,
    ...(config.notification !== undefined ? { topicArn: config.notification.topicArn } : {}),
  });
  // The CLI prints the failure in its summary, so the runtime logs it only at level info.
  const outcome = await runIngest(config, ports, { processingJobName, startTime: context.clock.now(), onProgress: context.onProgress, failureLogLevel: 'info' });
  const properties = {
    ProcessingJobName: processingJobName,
    ProcessingJobStatus: outcome.succeeded ? 'Completed' : 'Failed',
    ...(outcome.succeeded ? {} : { FailureReason: outcome.report.error ?? '' }),
    ProcessingInputs: Object.fromEntries((args.ProcessingInputs ?? []).map((input) => [input.InputName, input])),
    ProcessingOutputConfig: { Outputs: Object.fromEntries(outputs.map((output) => [output.OutputName, output])) },
  };
  return {
    result: {
      name: step.Name,
      type: step.Type,
      status: outcome.succeeded ? 'Succeeded' : 'Failed',
      ...(outcome.report.error !== null ? { message: outcome.report.error } : {}),
      outputDirectory,
      report: outcome.report,
      notifications: [...ports.notifier.sent],
    },
    properties,
  };
}

function propertyFilePath(
  definition: PipelineDefinition,
  stepProperties: ReadonlyMap<string, Record<string, unknown>>,
  layout: StoreLayout,
  stepName: string,
  fileName: string,
): string {
  const step = findStep(definition.Steps, stepName);
  const file = step?.PropertyFiles?.find((item) => item.PropertyFileName === fileName);
  if (file === undefined) {
    throw new EvaluationError(`step '${stepName}' declares no property file '${fileName}'`);
  }
  const outputs = (stepProperties.get(stepName)?.['ProcessingOutputConfig'] as { Outputs?: Record<string, { S3Output?: { S3Uri?: string } }> } | undefined)?.Outputs;
  const uri = outputs?.[file.OutputName]?.S3Output?.S3Uri;
  if (uri === undefined) {
    throw new EvaluationError(`property file '${fileName}' of step '${stepName}' is undefined: the step wrote no output '${file.OutputName}' locally`);
  }
  return join(layout.s3Path(uri), file.FilePath);
}

function findStep(steps: readonly DefinitionStep[], name: string): DefinitionStep | undefined {
  for (const step of steps) {
    if (step.Name === name) {
      return step;
    }
    const nested = [...((step.Arguments?.['IfSteps'] as DefinitionStep[] | undefined) ?? []), ...((step.Arguments?.['ElseSteps'] as DefinitionStep[] | undefined) ?? [])];
    const found = findStep(nested, name);
    if (found !== undefined) {
      return found;
    }
  }
  return undefined;
}

