/**
 * A Notifier for local runs: it logs the message that SNS would publish, at level info, and
 * sends nothing. The CLI prints each subject after the run, so the default level shows no
 * second copy of the failure.
 */
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
    this.logger.info({ topicArn: this.topicArn, subject: notification.subject, body: notification.body }, 'local run: this failure notification would be published');
  }
}
