/**
 * The SNS Notifier: publishes a failure notification to one topic, keeping the subject and body
 * within the limits SNS enforces whatever the caller passed.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { MAX_BODY_BYTES, MAX_SUBJECT_LENGTH, truncateUtf8 } from '../notification.js';
import type { Logger, Notification, Notifier } from '../ports.js';
import { callAws } from './errors.js';

export class SnsNotifier implements Notifier {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
    private readonly logger?: Logger,
  ) {}

  /** Publishes the notification; throws an AwsCallError when Publish fails. */
  async notify(notification: Notification): Promise<void> {
    const subject = fitSubject(notification.subject);
    const body = truncateUtf8(notification.body === '' ? '(no details)' : notification.body, MAX_BODY_BYTES);
    const response = await callAws(
      'Publish',
      () => this.sns.send(new PublishCommand({ TopicArn: this.topicArn, Message: body, ...(subject !== '' ? { Subject: subject } : {}) })),
      `topic ${this.topicArn}`,
    );
    this.logger?.info({ topicArn: this.topicArn, messageId: response.MessageId }, 'failure notification published');
  }
}

/**
 * Makes a subject SNS accepts: control characters and line breaks become spaces, and it is cut
 * to fewer than 100 characters (counted as Unicode code points) with an ellipsis.
 */
export function fitSubject(subject: string): string {
  const cleaned = subject.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/\s+/g, ' ').trim();
  const characters = [...cleaned];
  if (characters.length <= MAX_SUBJECT_LENGTH) {
    return cleaned;
  }
  return `${characters.slice(0, MAX_SUBJECT_LENGTH - 1).join('')}…`;
}
