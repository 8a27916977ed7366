/**
 * SageMaker Pipelines of the local endpoint: CreatePipeline, UpdatePipeline, DescribePipeline,
 * StartPipelineExecution, DescribePipelineExecution and ListPipelineExecutionSteps.
 *
 * An execution follows a timeline fixed when it starts: each top-level step of the definition
 * goes Starting → Executing → Succeeded, one state per DescribePipelineExecution call, unless
 * the test planned a failure or a stop.
 */
import { randomBytes } from 'node:crypto';
import type { S3Service } from './s3.js';
import { ACCOUNT_ID, checkString, epochSeconds, optionalString, requiredString, ServiceError, validationError } from './wire.js';

const PIPELINE_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
const EXECUTION_DISPLAY_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,81}$/;

/** How an execution started next ends. */
export interface ExecutionPlan {
  /** @default 'Succeeded' */
  readonly outcome?: 'Succeeded' | 'Failed' | 'Stopped';
  /** The step that fails (or is running when the stop arrives). @default the first step */
  readonly failedStep?: string;
  readonly failureReason?: string;
}

export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

interface PipelineRecord {
  readonly name: string;
  readonly arn: string;
  readonly creationTime: Date;
  readonly clientRequestToken: string;
  lastModifiedTime: Date;
  displayName: string | undefined;
  description: string | undefined;
  roleArn: string;
  definition: string;
  parallelism: Record<string, unknown> | undefined;
  versionId: number;
}

type StepStatus = 'Starting' | 'Executing' | 'Stopping' | 'Stopped' | 'Failed' | 'Succeeded';
type ExecutionStatus = 'Executing' | 'Stopping' | 'Stopped' | 'Failed' | 'Succeeded';

interface Snapshot {
  readonly status: ExecutionStatus;
  readonly failureReason?: string;
  readonly steps: readonly { readonly name: string; readonly status: StepStatus; readonly failureReason?: string }[];
}

interface ExecutionRecord {
  readonly arn: string;
  readonly pipeline: PipelineRecord;
  readonly token: string;
  readonly displayName: string;
  readonly parameters: readonly { Name: string; Value: string }[];
  readonly versionId: number;
  readonly started: Date;
  readonly timeline: readonly Snapshot[];
  position: number;
}

export class SageMakerPipelines {
  private readonly pipelines = new Map<string, PipelineRecord>();
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly plans: ExecutionPlan[] = [];
  /** Page size of ListPipelineExecutionSteps when the request sets no MaxResults. */
  stepsPageSize = 10;

  constructor(
    private readonly s3: S3Service,
    private readonly tags: Map<string, Tag[]>,
  ) {}

  /** Sets how the next started execution ends; plans queue up in order. */
  nextExecution(plan: ExecutionPlan): void {
    this.plans.push(plan);
  }

  /** Adds a pipeline that already exists, as if another deployer had created it. */
  seed(name: string, definition: string, region = 'us-west-2', roleArn = `arn:aws:iam::${ACCOUNT_ID}:role/Pipelines`): string {
    const now = new Date();
    const record: PipelineRecord = {
      name,
      arn: this.arnOf(name, region),
      creationTime: now,
      clientRequestToken: randomBytes(16).toString('hex'),
      lastModifiedTime: now,
      displayName: undefined,
      description: undefined,
      roleArn,
      definition,
      parallelism: undefined,
      versionId: 1,
    };
    this.pipelines.set(name, record);
    this.tags.set(record.arn, []);
    return record.arn;
  }

  /** Returns the stored definition text of a pipeline, for assertions. */
  definitionOf(name: string): string | undefined {
    return this.pipelines.get(name)?.definition;
  }

  /** Parameters an execution was started with, for assertions. */
  parametersOf(executionArn: string): readonly { Name: string; Value: string }[] | undefined {
    return this.executions.get(executionArn)?.parameters;
  }

  arnOf(name: string, region: string): string {
    return `arn:aws:sagemaker:${region}:${ACCOUNT_ID}:pipeline/${name.toLowerCase()}`;
  }

  /** Returns the response of a pipeline operation, or undefined when the operation is not one. */
  handle(operation: string, input: Record<string, unknown>, region: string): Record<string, unknown> | undefined {
    switch (operation) {
      case 'CreatePipeline':
        return this.create(input, region);
      case 'UpdatePipeline':
        return this.update(input);
      case 'DescribePipeline':
        return this.describe(input);
      case 'StartPipelineExecution':
        return this.start(input);
      case 'DescribePipelineExecution':
        return this.describeExecution(input);
      case 'ListPipelineExecutionSteps':
        return this.listSteps(input);
      default:
        return undefined;
    }
  }

  private create(input: Record<string, unknown>, region: string): Record<string, unknown> {
    const name = requiredString(input, 'PipelineName');
    checkString('PipelineName', name, { pattern: PIPELINE_NAME });
    const token = requiredString(input, 'ClientRequestToken');
    checkString('ClientRequestToken', token, { min: 32, max: 128 });
    const roleArn = requiredString(input, 'RoleArn');
    checkString('RoleArn', roleArn, { min: 20, max: 2048, pattern: ROLE_ARN });
    const existing = this.pipelines.get(name);
    if (existing !== undefined) {
      if (existing.clientRequestToken === token) {
        return { PipelineArn: existing.arn };
      }
      // SageMaker reports a taken name as a ValidationException, not as ResourceInUse.
      throw validationError(`a pipeline named ${name} already exists in this account and Region`);
    }
    const definition = this.definitionFrom(input);
    const tags = readTags(input['Tags']);
    const now = new Date();
    const record: PipelineRecord = {
      name,
      arn: this.arnOf(name, region),
      creationTime: now,
      clientRequestToken: token,
      lastModifiedTime: now,
      displayName: optionalString(input, 'PipelineDisplayName'),
      description: optionalString(input, 'PipelineDescription'),
      roleArn,
      definition,
      parallelism: input['ParallelismConfiguration'] as Record<string, unknown> | undefined,
      versionId: 1,
    };
    this.pipelines.set(name, record);
    this.tags.set(record.arn, tags);
    return { PipelineArn: record.arn };
  }

  private update(input: Record<string, unknown>): Record<string, unknown> {
    const record = this.pipeline(requiredString(input, 'PipelineName'));
    if (input['PipelineDefinition'] !== undefined || input['PipelineDefinitionS3Location'] !== undefined) {
      record.definition = this.definitionFrom(input);
    }
    const roleArn = optionalString(input, 'RoleArn');
    if (roleArn !== undefined) {
      checkString('RoleArn', roleArn, { min: 20, max: 2048, pattern: ROLE_ARN });
      record.roleArn = roleArn;
    }
    record.displayName = optionalString(input, 'PipelineDisplayName') ?? record.displayName;
    record.description = optionalString(input, 'PipelineDescription') ?? record.description;
    record.parallelism = (input['ParallelismConfiguration'] as Record<string, unknown> | undefined) ?? record.parallelism;
    record.lastModifiedTime = new Date();
    record.versionId += 1;
    return { PipelineArn: record.arn, PipelineVersionId: record.versionId };
  }

  private describe(input: Record<string, unknown>): Record<string, unknown> {
    const record = this.pipeline(requiredString(input, 'PipelineName'));
    return {
      PipelineArn: record.arn,
      PipelineName: record.name,
      ...(record.displayName !== undefined ? { PipelineDisplayName: record.displayName } : {}),
      PipelineDefinition: record.definition,
      ...(record.description !== undefined ? { PipelineDescription: record.description } : {}),
      RoleArn: record.roleArn,
      PipelineStatus: 'Active',
      CreationTime: epochSeconds(record.creationTime),
      LastModifiedTime: epochSeconds(record.lastModifiedTime),
      ...(record.parallelism !== undefined ? { ParallelismConfiguration: record.parallelism } : {}),
    };
  }

  private start(input: Record<string, unknown>): Record<string, unknown> {
    const pipeline = this.pipeline(requiredString(input, 'PipelineName'));
    const token = requiredString(input, 'ClientRequestToken');
    checkString('ClientRequestToken', token, { min: 32, max: 128 });
    for (const execution of this.executions.values()) {
      if (execution.token === token) {
        return { PipelineExecutionArn: execution.arn };
      }
    }
    const displayName = optionalString(input, 'PipelineExecutionDisplayName');
    if (displayName !== undefined) {
      checkString('PipelineExecutionDisplayName', displayName, { min: 1, max: 82, pattern: EXECUTION_DISPLAY_NAME });
    }
    const definition = JSON.parse(pipeline.definition) as { Parameters?: { Name: string }[]; Steps?: { Name: string }[] };
    const declared = new Set((definition.Parameters ?? []).map((parameter) => parameter.Name));
    const parameters = (input['PipelineParameters'] ?? []) as { Name?: unknown; Value?: unknown }[];
    if (parameters.length > 200) {
      throw validationError('PipelineParameters has more than 200 members');
    }
    for (const parameter of parameters) {
      if (typeof parameter.Name !== 'string' || typeof parameter.Value !== 'string') {
        throw new ServiceError(400, 'SerializationException', 'every pipeline parameter needs a string Name and Value');
      }
      checkString('PipelineParameters.Value', parameter.Value, { max: 1024 });
      if (!declared.has(parameter.Name)) {
        throw validationError(`the pipeline does not declare a parameter named ${parameter.Name}`);
      }
    }
    const id = randomBytes(6).toString('hex');
    const arn = `${pipeline.arn}/execution/${id}`;
    const steps = (definition.Steps ?? []).map((step) => step.Name);
    this.executions.set(arn, {
      arn,
      pipeline,
      token,
      displayName: displayName ?? `execution-${Date.now()}`,
      parameters: parameters as { Name: string; Value: string }[],
      versionId: pipeline.versionId,
      started: new Date(),
      timeline: buildTimeline(steps, this.plans.shift() ?? {}),
      position: 0,
    });
    return { PipelineExecutionArn: arn };
  }

  private describeExecution(input: Record<string, unknown>): Record<string, unknown> {
    const execution = this.execution(input);
    execution.position = Math.min(execution.position + 1, execution.timeline.length - 1);
    const snapshot = execution.timeline[execution.position] as Snapshot;
    return {
      PipelineArn: execution.pipeline.arn,
      PipelineExecutionArn: execution.arn,
      PipelineExecutionDisplayName: execution.displayName,
      PipelineExecutionStatus: snapshot.status,
      ...(snapshot.failureReason !== undefined ? { FailureReason: snapshot.failureReason } : {}),
      CreationTime: epochSeconds(execution.started),
      LastModifiedTime: epochSeconds(new Date()),
      PipelineVersionId: execution.versionId,
    };
  }

  private listSteps(input: Record<string, unknown>): Record<string, unknown> {
    const execution = this.execution(input);
    const snapshot = execution.timeline[execution.position] as Snapshot;
    const order = optionalString(input, 'SortOrder') ?? 'Descending';
    // The service lists the most recently started step first unless asked otherwise.
    const steps = order === 'Ascending' ? [...snapshot.steps] : [...snapshot.steps].reverse();
    const pageSize = input['MaxResults'] === undefined ? this.stepsPageSize : Number(input['MaxResults']);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
      throw validationError('MaxResults must be between 1 and 100');
    }
    const offset = input['NextToken'] === undefined ? 0 : Number(Buffer.from(String(input['NextToken']), 'base64').toString('utf8'));
    if (!Number.isInteger(offset) || offset < 0) {
      throw validationError('NextToken is invalid');
    }
    const page = steps.slice(offset, offset + pageSize);
    const startTime = epochSeconds(execution.started);
    return {
      PipelineExecutionSteps: page.map((step) => ({
        StepName: step.name,
        StepStatus: step.status,
        StartTime: startTime,
        ...(step.status === 'Succeeded' || step.status === 'Failed' || step.status === 'Stopped' ? { EndTime: epochSeconds(new Date()) } : {}),
        ...(step.failureReason !== undefined ? { FailureReason: step.failureReason } : {}),
        AttemptCount: 1,
      })),
      ...(offset + pageSize < steps.length ? { NextToken: Buffer.from(String(offset + pageSize), 'utf8').toString('base64') } : {}),
    };
  }

  private pipeline(nameOrArn: string): PipelineRecord {
    const name = nameOrArn.startsWith('arn:') ? (nameOrArn.split('/')[1] ?? '') : nameOrArn;
    const record = [...this.pipelines.values()].find((pipeline) => pipeline.name.toLowerCase() === name.toLowerCase());
    if (record === undefined) {
      throw new ServiceError(400, 'ResourceNotFound', `pipeline ${nameOrArn} does not exist`);
    }
    return record;
  }

  private execution(input: Record<string, unknown>): ExecutionRecord {
    const arn = requiredString(input, 'PipelineExecutionArn');
    const execution = this.executions.get(arn);
    if (execution === undefined) {
      throw new ServiceError(400, 'ResourceNotFound', `pipeline execution ${arn} does not exist`);
    }
    return execution;
  }

  /** Reads the definition inline or from S3, exactly one of the two, and checks it is JSON. */
  private definitionFrom(input: Record<string, unknown>): string {
    const inline = optionalString(input, 'PipelineDefinition');
    const location = input['PipelineDefinitionS3Location'] as { Bucket?: string; ObjectKey?: string } | undefined;
    // NOTE: the API model does not say that exactly one is required; the endpoint assumes it.
    if ((inline === undefined) === (location === undefined)) {
      throw validationError('send exactly one of PipelineDefinition and PipelineDefinitionS3Location');
    }
    let text: string;
    if (inline !== undefined) {
      checkString('PipelineDefinition', inline, { min: 1, max: 1_048_576 });
      text = inline;
    } else {
      const object = this.s3.getObject(location?.Bucket ?? '', location?.ObjectKey ?? '');
      if (object === undefined) {
        throw validationError(`cannot read the pipeline definition from s3://${location?.Bucket}/${location?.ObjectKey}`);
      }
      text = object.body.toString('utf8');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw validationError('the pipeline definition is not valid JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || !Array.isArray((parsed as { Steps?: unknown }).Steps)) {
      throw validationError('the pipeline definition has no Steps list');
    }
    return text;
  }
}

/** Reads and checks a Tags list: at most 50, keys of 1–128 and values of at most 256 characters. */
export function readTags(value: unknown): Tag[] {
  if (value === undefined) {
    return [];
  }
  if (!Array.isArray(value) || value.length > 50) {
    throw validationError('Tags must be a list of at most 50 tags');
  }
  return value.map((tag: { Key?: unknown; Value?: unknown }) => {
    if (typeof tag.Key !== 'string' || typeof tag.Value !== 'string') {
      throw validationError('every tag needs a string Key and Value');
    }
    checkString('Tag.Key', tag.Key, { min: 1, max: 128 });
    checkString('Tag.Value', tag.Value, { max: 256 });
    return { Key: tag.Key, Value: tag.Value };
  });
}

function buildTimeline(steps: readonly string[], plan: ExecutionPlan): Snapshot[] {
  const outcome = plan.outcome ?? 'Succeeded';
  const stopAt = plan.failedStep ?? steps[0];
  const timeline: Snapshot[] = [{ status: 'Executing', steps: [] }];
  const done: { name: string; status: StepStatus; failureReason?: string }[] = [];
  const push = (status: ExecutionStatus, current?: { name: string; status: StepStatus; failureReason?: string }, failureReason?: string): void => {
    timeline.push({ status, steps: current === undefined ? [...done] : [...done, current], ...(failureReason !== undefined ? { failureReason } : {}) });
  };
  for (const name of steps) {
    push('Executing', { name, status: 'Starting' });
    push('Executing', { name, status: 'Executing' });
    if (outcome !== 'Succeeded' && name === stopAt) {
      if (outcome === 'Failed') {
        const reason = plan.failureReason ?? 'ClientError: the processing job failed';
        push('Failed', { name, status: 'Failed', failureReason: reason }, `Step failure: step ${name} failed`);
      } else {
        push('Stopping', { name, status: 'Stopping' });
        push('Stopped', { name, status: 'Stopped' }, plan.failureReason);
      }
      return timeline;
    }
    done.push({ name, status: 'Succeeded' });
  }
  push('Succeeded');
  return timeline;
}
