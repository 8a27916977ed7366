/** A Notifier for local runs: it logs the message that SNS would publish and sends nothing. */
import type { Logger, Notification, Notifier } from '../ports.js';

export class LogNotifier implements Notifier {
  /** Notifications logged so far, in order; the CLI prints them after a failed run. */
  readonly sent: Notification[] = [];

  constructor(
    private readonly logger: Logger,
    private readonly topicArn: string | undefined,
  ) {}

  async notify(notification: Notification): Promise<void> {
    this.sent.push(notification);
    this.logger.warn({ topicArn: this.topicArn, subject: notification.subject, body: notification.body }, 'local run: this failure notification would be published');
  }
}
