/**
 * SageMaker of the local endpoint (awsJson1_1, `X-Amz-Target: SageMaker.<Operation>`): the
 * pipeline and feature-group operations, plus AddTags and ListTags on their ARNs.
 */
import type { S3Service } from './s3.js';
import { SageMakerFeatureGroups } from './sagemaker-feature-groups.js';
import { readTags, SageMakerPipelines, type Tag } from './sagemaker-pipelines.js';
import type { EndpointRequest, EndpointResponse } from './wire.js';
import { jsonResponse, parseJsonBody, requiredString, ServiceError } from './wire.js';

export class SageMakerService {
  /** Tags by resource ARN. */
  private readonly tags = new Map<string, Tag[]>();
  readonly pipelines: SageMakerPipelines;
  readonly featureGroups: SageMakerFeatureGroups;

  constructor(s3: S3Service) {
    this.pipelines = new SageMakerPipelines(s3, this.tags);
    this.featureGroups = new SageMakerFeatureGroups(this.tags);
  }

  /** Tags of a resource, for assertions. */
  tagsOf(arn: string): readonly Tag[] {
    return this.tags.get(arn) ?? [];
  }

  handle(request: EndpointRequest): EndpointResponse {
    const input = parseJsonBody(request.body);
    const result =
      this.pipelines.handle(request.operation, input, request.region) ??
      this.featureGroups.handle(request.operation, input, request.region) ??
      this.handleTags(request.operation, input);
    if (result === undefined) {
      throw new ServiceError(400, 'UnknownOperationException', `SageMaker ${request.operation} is not implemented by the local endpoint`);
    }
    return jsonResponse('awsJson1_1', result);
  }

  private handleTags(operation: string, input: Record<string, unknown>): Record<string, unknown> | undefined {
    switch (operation) {
      case 'AddTags': {
        const arn = requiredString(input, 'ResourceArn');
        const current = this.existingTags(arn);
        for (const tag of readTags(input['Tags'])) {
          const index = current.findIndex((candidate) => candidate.Key === tag.Key);
          if (index >= 0) {
            current[index] = tag;
          } else {
            current.push(tag);
          }
        }
        if (current.length > 50) {
          throw new ServiceError(400, 'ValidationException', 'a resource has at most 50 tags');
        }
        return { Tags: current };
      }
      case 'ListTags': {
        const tags = this.existingTags(requiredString(input, 'ResourceArn'));
        const maxResults = input['MaxResults'] === undefined ? 50 : Number(input['MaxResults']);
        const offset = input['NextToken'] === undefined ? 0 : Number(input['NextToken']);
        const page = tags.slice(offset, offset + maxResults);
        return { Tags: page, ...(offset + maxResults < tags.length ? { NextToken: String(offset + maxResults) } : {}) };
      }
      default:
        return undefined;
    }
  }

  private existingTags(arn: string): Tag[] {
    const tags = this.tags.get(arn);
    if (tags === undefined) {
      throw new ServiceError(400, 'ResourceNotFound', `resource ${arn} does not exist`);
    }
    return tags;
  }
}
