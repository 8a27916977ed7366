/**
 * The SageMaker Pipelines calls of the deploy commands, each wrapped so that a failure names its
 * operation. "Not found" is a value (undefined), never an error, because deploy decisions turn
 * on it.
 */
import {
  AddTagsCommand,
  CreatePipelineCommand,
  type CreatePipelineCommandInput,
  DescribePipelineCommand,
  type DescribePipelineCommandOutput,
  DescribePipelineExecutionCommand,
  type DescribePipelineExecutionCommandOutput,
  ListPipelineExecutionStepsCommand,
  ListTagsCommand,
  type PipelineExecutionStep,
  type SageMakerClient,
  StartPipelineExecutionCommand,
  type StartPipelineExecutionCommandInput,
  UpdatePipelineCommand,
  type UpdatePipelineCommandInput,
} from '@aws-sdk/client-sagemaker';
import { awsErrorCode, callAws, wrapAwsError } from '../../runtime/aws/errors.js';

export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

export class PipelineService {
  constructor(private readonly sagemaker: SageMakerClient) {}

  /** Returns the deployed pipeline, or undefined when it does not exist (ResourceNotFound). */
  async describe(name: string): Promise<DescribePipelineCommandOutput | undefined> {
    try {
      return await this.sagemaker.send(new DescribePipelineCommand({ PipelineName: name }));
    } catch (error) {
      if (awsErrorCode(error) === 'ResourceNotFound') {
        return undefined;
      }
      throw wrapAwsError('DescribePipeline', error, `pipeline ${name}`);
    }
  }

  async create(input: CreatePipelineCommandInput): Promise<string> {
    const response = await callAws('CreatePipeline', () => this.sagemaker.send(new CreatePipelineCommand(input)), `pipeline ${input.PipelineName}`);
    return response.PipelineArn ?? '';
  }

  async update(input: UpdatePipelineCommandInput): Promise<{ arn: string; versionId: number | undefined }> {
    const response = await callAws('UpdatePipeline', () => this.sagemaker.send(new UpdatePipelineCommand(input)), `pipeline ${input.PipelineName}`);
    return { arn: response.PipelineArn ?? '', versionId: response.PipelineVersionId };
  }

  /** Lists every tag of a resource, following NextToken. */
  async listTags(arn: string): Promise<Tag[]> {
    const tags: Tag[] = [];
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const page = await callAws('ListTags', () => this.sagemaker.send(new ListTagsCommand({ ResourceArn: arn, ...(token !== undefined ? { NextToken: token } : {}) })), arn);
      tags.push(...(page.Tags ?? []).map((tag) => ({ Key: tag.Key ?? '', Value: tag.Value ?? '' })));
      nextToken = page.NextToken === '' ? undefined : page.NextToken;
    } while (nextToken !== undefined);
    return tags;
  }

  async addTags(arn: string, tags: readonly Tag[]): Promise<void> {
    await callAws('AddTags', () => this.sagemaker.send(new AddTagsCommand({ ResourceArn: arn, Tags: tags.map((tag) => ({ ...tag })) })), arn);
  }

  async start(input: StartPipelineExecutionCommandInput): Promise<string> {
    const response = await callAws('StartPipelineExecution', () => this.sagemaker.send(new StartPipelineExecutionCommand(input)), `pipeline ${input.PipelineName}`);
    return response.PipelineExecutionArn ?? '';
  }

  async describeExecution(arn: string): Promise<DescribePipelineExecutionCommandOutput> {
    return callAws('DescribePipelineExecution', () => this.sagemaker.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: arn })), arn);
  }

  /** Lists every step of an execution, following NextToken, oldest first. */
  async listExecutionSteps(arn: string): Promise<PipelineExecutionStep[]> {
    const steps: PipelineExecutionStep[] = [];
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const page = await callAws(
        'ListPipelineExecutionSteps',
        () => this.sagemaker.send(new ListPipelineExecutionStepsCommand({ PipelineExecutionArn: arn, SortOrder: 'Ascending', ...(token !== undefined ? { NextToken: token } : {}) })),
        arn,
      );
      steps.push(...(page.PipelineExecutionSteps ?? []));
      nextToken = page.NextToken === '' ? undefined : page.NextToken;
    } while (nextToken !== undefined);
    return steps;
  }
}
