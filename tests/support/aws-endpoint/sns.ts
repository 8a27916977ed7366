/**
 * SNS of the local endpoint (awsQuery): Publish to topics a test creates, with the limits SNS
 * enforces on the subject (fewer than 100 characters, no line breaks or control characters)
 * and on the message (at most 256 KiB of UTF-8).
 */
import { randomUUID } from 'node:crypto';
import type { EndpointRequest, EndpointResponse } from './wire.js';
import { ServiceError, xmlResponse } from './wire.js';

/** SNS rejects a message over 262,144 bytes of UTF-8, message attributes included. */
export const MAX_MESSAGE_BYTES = 256 * 1024;
/** SNS accepts subjects of fewer than 100 characters. */
export const MAX_SUBJECT_CHARACTERS = 99;

export interface PublishedMessage {
  readonly messageId: string;
  readonly topicArn: string;
  readonly subject: string | undefined;
  readonly message: string;
}

export class SnsService {
  private readonly topics = new Set<string>();
  /** Every accepted Publish, in order. */
  readonly published: PublishedMessage[] = [];

  createTopic(arn: string): void {
    this.topics.add(arn);
  }

  handle(request: EndpointRequest): EndpointResponse {
    if (request.operation !== 'Publish') {
      throw new ServiceError(400, 'InvalidAction', `the action ${request.operation} is not valid for this endpoint`);
    }
    const form = new URLSearchParams(request.body.toString('utf8'));
    if (form.get('Version') !== '2010-03-31') {
      throw new ServiceError(400, 'InvalidParameter', 'Version must be 2010-03-31');
    }
    const topicArn = form.get('TopicArn') ?? form.get('TargetArn');
    if (topicArn === null) {
      throw new ServiceError(400, 'InvalidParameter', 'TopicArn, TargetArn or PhoneNumber is required');
    }
    const message = form.get('Message');
    if (message === null || message === '') {
      throw new ServiceError(400, 'InvalidParameter', 'Message is empty');
    }
    if (Buffer.byteLength(message, 'utf8') > MAX_MESSAGE_BYTES) {
      throw new ServiceError(400, 'InvalidParameter', `Message is longer than ${MAX_MESSAGE_BYTES} bytes`);
    }
    const subject = form.get('Subject') ?? undefined;
    if (subject !== undefined) {
      checkSubject(subject);
    }
    if (!this.topics.has(topicArn)) {
      throw new ServiceError(404, 'NotFound', 'the topic does not exist');
    }
    const messageId = randomUUID();
    this.published.push({ messageId, topicArn, subject, message });
    return xmlResponse(
      `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${messageId}</MessageId></PublishResult>` +
        `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
    );
  }
}

function checkSubject(subject: string): void {
  if (subject === '') {
    throw new ServiceError(400, 'InvalidParameter', 'Subject is empty');
  }
  if ([...subject].length > MAX_SUBJECT_CHARACTERS) {
    throw new ServiceError(400, 'InvalidParameter', `Subject must have fewer than ${MAX_SUBJECT_CHARACTERS + 1} characters`);
  }
  if (/[\u0000-\u001f\u007f]/.test(subject)) {
    throw new ServiceError(400, 'InvalidParameter', 'Subject must not contain line breaks or control characters');
  }
}
