/**
 * The ingest runtime's program: reads `--config`, checks the ingest config, builds the AWS
 * adapters and runs the ingest. Failures are logged as JSON and notified by SNS, including
 * those that happen before the config is loaded.
 */
import { parseArgs } from 'node:util';
import { createAwsClients } from './aws/clients.js';
import { createAwsIngestPorts } from './aws/ingest-ports.js';
import { S3ObjectStore } from './aws/s3-object-store.js';
import type { IngestConfig } from './ingest-config.js';
import { runIngest } from './ingest.js';
import { IngestConfigError, loadIngestConfig } from './load-config.js';
import { FileObjectStore } from './file-object-store.js';
import { createRuntimeLogger } from './logger.js';
import type { Logger } from './ports.js';
import { notifyStartupFailure, readStartupContext, type StartupContext } from './startup-failure.js';

export const USAGE = `Usage: node ingest.mjs --config <ingest-config.json>

Runs a sagepipe feature-store ingest step: queries Athena, cleans the rows, creates the
feature group if needed, writes the records and the report, and notifies SNS on failure.

Environment:
  SAGEPIPE_PIPELINE_NAME, SAGEPIPE_STEP_NAME,       Pipeline, step and job names for the report and
  SAGEPIPE_PROCESSING_JOB_NAME                       notifications
  SAGEPIPE_NOTIFY_TOPIC_ARN, SAGEPIPE_NOTIFY_TITLE   Where failures are sent when the config cannot be read
  SAGEPIPE_LOG_LEVEL                                 debug, info (default), warn or error
  AWS_ENDPOINT_URL                                   Endpoint for every AWS service (tests, VPC endpoints)
Credentials come from the standard AWS provider chain; the Region comes from the config.

Exit codes: 0 the ingest succeeded, 1 it failed.`;

export interface MainOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly logger?: Logger;
  /** Location of SageMaker's processing job settings, read for the job name. */
  readonly jobConfigPath?: string;
}

/** Runs the ingest step and returns the exit code: 0 on success, 1 on any failure. */
export async function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? createRuntimeLogger(env['SAGEPIPE_LOG_LEVEL'] ?? 'info');
  const startup = readStartupContext(env, options.jobConfigPath);

  let configPath: string | undefined;
  try {
    configPath = parseCommandLine(argv);
  } catch (error) {
    logger.error({ argv, error: (error as Error).message }, 'invalid command line');
    process.stderr.write(`${USAGE}\n`);
    await notifyStartupFailure(error, startup, logger);
    return 1;
  }
  if (configPath === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  let config: IngestConfig;
  try {
    config = loadIngestConfig(configPath);
  } catch (error) {
    if (error instanceof IngestConfigError) {
      logger.error({ file: error.file, problems: error.problems }, 'the ingest config is invalid');
    } else {
      logger.error({ file: configPath, err: error }, 'reading the ingest config failed');
    }
    await notifyStartupFailure(error, startup, logger);
    return 1;
  }
  return runWithConfig(config, startup, logger);
}

async function runWithConfig(config: IngestConfig, startup: StartupContext, logger: Logger): Promise<number> {
  logger.info(
    { pipelineName: config.pipelineName, stepName: config.stepName, featureGroupName: config.featureGroup.name, processingJobName: startup.processingJobName, region: config.region },
    'ingest started',
  );
  const clients = createAwsClients({ region: config.region, recordWriterConcurrency: config.writer.concurrency });
  try {
    const output = config.outputPath.startsWith('s3://') ? new S3ObjectStore(clients.s3, config.outputPath, logger) : new FileObjectStore(config.outputPath);
    const ports = createAwsIngestPorts(config, { clients, output, logger });
    const outcome = await runIngest(config, ports, { processingJobName: startup.processingJobName, startTime: new Date() });
    const log = outcome.succeeded ? logger.info.bind(logger) : logger.error.bind(logger);
    log({ status: outcome.report.status, counts: outcome.report.counts, error: outcome.report.error }, 'ingest finished');
    return outcome.succeeded ? 0 : 1;
  } catch (error) {
    // runIngest reports the failures it expects itself; an error that escapes it still gets
    // logged and notified here, so no failure goes unreported.
    logger.error({ err: error }, 'ingest failed');
    const context: StartupContext = {
      ...startup,
      stepName: config.stepName,
      topicArn: config.notification?.topicArn ?? startup.topicArn,
      title: config.notification?.title ?? startup.title,
    };
    await notifyStartupFailure(error, { ...context, pipelineName: config.pipelineName }, logger);
    return 1;
  } finally {
    clients.destroy();
  }
}

/** Returns the config path, or undefined for `--help`; throws on any other command line. */
function parseCommandLine(argv: readonly string[]): string | undefined {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { config: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help === true) {
    return undefined;
  }
  if (positionals.length > 0) {
    throw new Error(`unexpected arguments: ${positionals.join(' ')}`);
  }
  if (values.config === undefined || values.config === '') {
    throw new Error('the --config option is missing; pass the path of ingest-config.json');
  }
  return values.config;
}
