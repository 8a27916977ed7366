import { performance } from 'node:perf_hooks';
import { type DroppedDuplicate, DuplicateResolver } from './dedupe.js';
import { ensureFeatureGroup } from './ensure-feature-group.js';
import type { IngestConfig } from './ingest-config.js';
import { buildFailureNotification } from './notification.js';
import type { IngestPorts, LineWriter } from './ports.js';
import type { IngestReport } from './report.js';
import { readAndClean } from './read-source.js';
import { DUPLICATES_FILE, FAILURES_FILE, IngestTally, REJECTS_FILE, writeDuplicate, writeFailure, writeReport } from './report-writer.js';

/** Progress of a running ingest, for the CLI's progress line. */
export interface IngestProgress {
  readonly read: number;
  readonly written: number;
  readonly rejected: number;
  readonly elapsedMs: number;
}

export interface IngestOptions {
  /** Name of the processing job, for the report and notifications. */
  readonly processingJobName?: string | null;
  /** The run's start time; the event time of every row when the config sets `ingest-time`. */
  readonly startTime?: Date;
  readonly onProgress?: (progress: IngestProgress) => void;
  /** Records that duplicate resolution keeps in memory before it spills to run files. @default 20000 */
  readonly dedupeMemoryRecords?: number;
  /** Parent folder of the duplicate resolution's run files. @default the system's temporary folder */
  readonly tempDirectory?: string;
  /**
   * Level of the two lines that log the run's own failure ('ingest failed' and 'ingest finished
   * with a failure'). A caller that prints the failure itself, such as the local CLI, lowers it
   * so that the failure is not shown twice. @default 'error'
   */
  readonly failureLogLevel?: 'error' | 'info';
}

export interface IngestOutcome {
  readonly succeeded: boolean;
  readonly report: IngestReport;
}

/**
 * Runs the ingest: read the source, clean, validate, resolve duplicates, ensure the feature
 * group, write the records, write the report, and notify on failure.
 *
 * It never throws for a failed run: the outcome tells whether it succeeded, report.json is
 * written in either case, and the notifier is called on failure when the config has a
 * notification. Rejected rows and failed records above `maxRejectedRows` fail the run, but the
 * valid records are written first.
 */
export async function runIngest(config: IngestConfig, ports: IngestPorts, options: IngestOptions = {}): Promise<IngestOutcome> {
  const { logger, clock } = ports;
  const logFailure = options.failureLogLevel === 'info' ? logger.info.bind(logger) : logger.error.bind(logger);
  const startedAt = options.startTime ?? clock.now();
  const startedMs = performance.now();
  const tally = new IngestTally(config);
  const resolver = new DuplicateResolver({
    logger,
    ...(options.dedupeMemoryRecords !== undefined ? { memoryRecords: options.dedupeMemoryRecords } : {}),
    ...(options.tempDirectory !== undefined ? { tempDirectory: options.tempDirectory } : {}),
  });
  const progress = (): void => {
    options.onProgress?.({ read: tally.read, written: tally.written, rejected: tally.rejected, elapsedMs: performance.now() - startedMs });
  };
  const writers: LineWriter[] = [];
  let error: string | null = null;

  logger.info({ step: config.stepName, featureGroup: config.featureGroup.name }, 'ingest started');
  try {
    const rejects = await ports.output.openLineWriter(REJECTS_FILE);
    writers.push(rejects);
    const duplicates = await ports.output.openLineWriter(DUPLICATES_FILE);
    writers.push(duplicates);
    const failures = await ports.output.openLineWriter(FAILURES_FILE);
    writers.push(failures);

    await timed(tally, 'readAndClean', () => readAndClean(config, ports, { tally, resolver, rejects, startedAt, progress }));
    logger.info({ counts: tally.counts }, 'source read and cleaned');

    const group = await timed(tally, 'ensureFeatureGroup', () =>
      ensureFeatureGroup(config.featureGroup, { control: ports.featureGroups, clock, logger }),
    );
    logger.info({ featureGroup: group.name, status: group.status }, 'feature group is ready');

    await timed(tally, 'write', () => writeRecords(config, ports, { tally, resolver, duplicates, failures, progress }));
    logger.info({ counts: tally.counts, retries: tally.retries }, 'records written');
    error = thresholdError(config, tally);
  } catch (caught) {
    error = errorText(caught);
    // The message names the fix, and the stack helps only when debugging sagepipe itself.
    logFailure({ error, errorName: caught instanceof Error ? caught.name : typeof caught }, 'ingest failed');
    logger.debug({ err: caught }, 'ingest failure details');
  } finally {
    await resolver.cleanUp().catch((cleanUpError: unknown) => logger.warn({ err: cleanUpError }, 'removing the temporary run files failed'));
    for (const writer of writers) {
      await writer.close().catch((closeError: unknown) => {
        logger.error({ err: closeError }, 'closing an output file failed');
        error ??= `closing an output file failed: ${errorText(closeError)}`;
      });
    }
  }
  tally.addDuration('total', performance.now() - startedMs);
  progress();

  const report = tally.toReport({ processingJobName: options.processingJobName ?? null, error, startedAt, finishedAt: clock.now() });
  try {
    await writeReport(ports.output, report);
  } catch (reportError) {
    logger.error({ err: reportError }, 'writing report.json failed');
  }
  if (error !== null) {
    await notifyFailure(config, ports, report, options);
    logFailure({ error, counts: report.counts }, 'ingest finished with a failure');
  } else {
    logger.info({ counts: report.counts }, 'ingest finished');
  }
  return { succeeded: error === null, report };
}

interface WriteState {
  readonly tally: IngestTally;
  readonly resolver: DuplicateResolver;
  readonly duplicates: LineWriter;
  readonly failures: LineWriter;
  readonly progress: () => void;
}

async function writeRecords(config: IngestConfig, ports: IngestPorts, state: WriteState): Promise<void> {
  try {
    const onDuplicate = (duplicate: DroppedDuplicate): Promise<void> => writeDuplicate(state.duplicates, duplicate);
    const batches = state.resolver.winners(config.batchSize, onDuplicate);
    // Reading the next batch while the writer works on the current one overlaps reading the run
    // files with the writer's waits on DuckDB or the network.
    let upcoming = batches.next();
    try {
      for (let current = await upcoming; current.done !== true; current = await upcoming) {
        upcoming = batches.next();
        state.tally.duplicatesDropped = state.resolver.dropped;
        const result = await ports.writer.write(config.featureGroup.name, current.value);
        state.tally.written += result.written;
        state.tally.retries += result.retries;
        for (const failure of result.failures) {
          state.tally.countFailure(failure);
          await writeFailure(state.failures, failure);
        }
        state.progress();
      }
    } catch (error) {
      // Let a read in progress finish before the caller removes the run files it reads.
      await upcoming.catch(() => undefined);
      await batches.return(undefined);
      throw error;
    }
    state.tally.duplicatesDropped = state.resolver.dropped;
  } finally {
    await ports.writer.close?.();
  }
}

function thresholdError(config: IngestConfig, tally: IngestTally): string | null {
  const problems: string[] = [];
  if (tally.rejected > config.maxRejectedRows) {
    problems.push(
      `${plural(tally.rejected, 'row was', 'rows were')} rejected, more than maxRejectedRows (${config.maxRejectedRows}); the valid rows were written, and each rejected row is in ${REJECTS_FILE} with its reasons`,
    );
  }
  if (tally.failed > config.maxRejectedRows) {
    problems.push(`${plural(tally.failed, 'record', 'records')} failed to write after every retry, more than maxRejectedRows (${config.maxRejectedRows}); each is in ${FAILURES_FILE}`);
  }
  return problems.length === 0 ? null : problems.join('; ');
}

async function notifyFailure(config: IngestConfig, ports: IngestPorts, report: IngestReport, options: IngestOptions): Promise<void> {
  if (config.notification === undefined) {
    return;
  }
  const notification = buildFailureNotification({
    title: config.notification.title,
    pipelineName: config.pipelineName,
    stepName: config.stepName,
    featureGroupName: config.featureGroup.name,
    processingJobName: options.processingJobName ?? null,
    error: report.error ?? 'unknown error',
    counts: report.counts,
    rejectReasons: report.rejectReasons,
    failureCodes: report.failureCodes,
    region: config.region,
  });
  try {
    await ports.notifier.notify(notification);
    ports.logger.info({ topicArn: config.notification.topicArn }, 'failure notification handed to the notifier');
  } catch (notifyError) {
    // The run's own error stays the outcome; a failed notification is only logged.
    ports.logger.error({ err: notifyError, topicArn: config.notification.topicArn }, 'sending the failure notification failed');
  }
}

async function timed<T>(tally: IngestTally, stage: string, action: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await action();
  } finally {
    tally.addDuration(stage, performance.now() - started);
  }
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** Writes a count with the singular or plural form of what it counts: `1 row was`, `6 rows were`. */
function plural(count: number, singular: string, pluralForm: string): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
