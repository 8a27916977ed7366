/**
 * Notification of failures that happen before the ingest config is loaded: an invalid command
 * line, an unreadable config, or a main module that fails to load. The topic is in the config,
 * so these use the environment the compiler sets on the processing step instead.
 */
import { readFileSync } from 'node:fs';
import { SNSClient } from '@aws-sdk/client-sns';
import { trackAwsCalls } from './aws/call-tracking.js';
import { DEFAULT_AWS_TIMEOUTS, DEFAULT_MAX_ATTEMPTS, httpHandlerSettings } from './aws/client-settings.js';
import { SnsNotifier } from './aws/sns-notifier.js';
import { buildFailureNotification } from './notification.js';
import type { Logger } from './ports.js';

/** SageMaker writes the processing job's settings, its name included, to this file. */
export const PROCESSING_JOB_CONFIG = '/opt/ml/config/processingjobconfig.json';

/** Step details available before the config is read. */
export interface StartupContext {
  readonly pipelineName: string;
  readonly stepName: string;
  readonly processingJobName: string | null;
  /** SAGEPIPE_NOTIFY_TOPIC_ARN; undefined when the step has no notification. */
  readonly topicArn: string | undefined;
  readonly title: string;
}

/**
 * Reads the step's environment: SAGEPIPE_PIPELINE_NAME, SAGEPIPE_STEP_NAME,
 * SAGEPIPE_PROCESSING_JOB_NAME (or the job name in `jobConfigPath`), SAGEPIPE_NOTIFY_TOPIC_ARN and
 * SAGEPIPE_NOTIFY_TITLE.
 */
export function readStartupContext(env: NodeJS.ProcessEnv, jobConfigPath = PROCESSING_JOB_CONFIG): StartupContext {
  const topicArn = nonEmpty(env['SAGEPIPE_NOTIFY_TOPIC_ARN']);
  return {
    pipelineName: nonEmpty(env['SAGEPIPE_PIPELINE_NAME']) ?? 'unknown',
    stepName: nonEmpty(env['SAGEPIPE_STEP_NAME']) ?? 'unknown step',
    processingJobName: nonEmpty(env['SAGEPIPE_PROCESSING_JOB_NAME']) ?? readJobName(jobConfigPath),
    topicArn,
    title: nonEmpty(env['SAGEPIPE_NOTIFY_TITLE']) ?? 'Feature Store Ingestion',
  };
}

/**
 * Publishes a failure notification for an error raised before the config was loaded. It never
 * throws: a failed publish is logged, and the caller goes on to report the original error.
 */
export async function notifyStartupFailure(error: unknown, context: StartupContext, logger: Logger): Promise<void> {
  if (context.topicArn === undefined) {
    logger.warn({ stepName: context.stepName }, 'SAGEPIPE_NOTIFY_TOPIC_ARN is not set, so the failure notification was not sent');
    return;
  }
  const region = context.topicArn.split(':')[3];
  if (region === undefined || region === '') {
    logger.error({ topicArn: context.topicArn }, 'SAGEPIPE_NOTIFY_TOPIC_ARN is not a valid SNS topic ARN, so the failure notification was not sent');
    return;
  }
  const client = trackAwsCalls(new SNSClient({ region, requestHandler: httpHandlerSettings(DEFAULT_AWS_TIMEOUTS), maxAttempts: DEFAULT_MAX_ATTEMPTS }));
  try {
    const notification = buildFailureNotification({
      title: context.title,
      pipelineName: context.pipelineName,
      stepName: context.stepName,
      processingJobName: context.processingJobName,
      error: error instanceof Error ? error.message : String(error),
      region,
    });
    await new SnsNotifier(client, context.topicArn, logger).notify(notification);
  } catch (publishError) {
    logger.error({ topicArn: context.topicArn, err: publishError }, 'publishing the failure notification failed');
  } finally {
    client.destroy();
  }
}

function readJobName(path: string): string | null {
  try {
    const name = (JSON.parse(readFileSync(path, 'utf8')) as { ProcessingJobName?: unknown }).ProcessingJobName;
    return typeof name === 'string' && name !== '' ? name : null;
  } catch {
    // Outside a processing container the file does not exist, and the name stays unknown.
    return null;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
