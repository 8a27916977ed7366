import type { Notification } from './ports.js';
import type { IngestCounts } from './report.js';

/** Prefix of every failure subject; the step's title follows it. */
export const SUBJECT_PREFIX = '[SageMaker Pipeline Failed] ';
/** SNS accepts subjects of fewer than 100 characters. */
export const MAX_SUBJECT_LENGTH = 99;
/** SNS accepts messages of at most 256 KiB of UTF-8, message attributes included; none are sent. */
export const MAX_BODY_BYTES = 256 * 1024;
/** CloudWatch log group of SageMaker processing jobs; each job logs to a stream named after it. */
export const PROCESSING_LOG_GROUP = '/aws/sagemaker/ProcessingJobs';

export interface FailureDetails {
  readonly title: string;
  readonly pipelineName: string;
  readonly stepName: string;
  readonly featureGroupName?: string;
  readonly processingJobName: string | null;
  readonly error: string;
  /** Counts when the run got far enough to have them. */
  readonly counts?: IngestCounts;
  readonly rejectReasons?: Readonly<Record<string, number>>;
  readonly failureCodes?: Readonly<Record<string, number>>;
  readonly region?: string;
}

/**
 * Builds the failure e-mail: a subject of at most 99 printable characters on one line, and a
 * body that names the step, the error, the counts, the processing job and its log group, cut
 * to fit SNS's 256 KiB limit.
 */
export function buildFailureNotification(details: FailureDetails): Notification {
  return { subject: buildSubject(details.title), body: truncateUtf8(buildBody(details), MAX_BODY_BYTES) };
}

/** Joins prefix and title, replaces control characters and line breaks, and cuts to 99 characters. */
export function buildSubject(title: string): string {
  const cleaned = title.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/\s+/g, ' ').trim();
  const subject = `${SUBJECT_PREFIX}${cleaned === '' ? 'Feature Store Ingestion' : cleaned}`;
  return subject.length <= MAX_SUBJECT_LENGTH ? subject : `${subject.slice(0, MAX_SUBJECT_LENGTH - 1)}…`;
}

function buildBody(details: FailureDetails): string {
  const lines = [
    `The SageMaker pipeline step failed.`,
    ``,
    `Pipeline: ${details.pipelineName}`,
    `Step: ${details.stepName}`,
  ];
  if (details.featureGroupName !== undefined) {
    lines.push(`Feature group: ${details.featureGroupName}`);
  }
  lines.push(`Processing job: ${details.processingJobName ?? 'unknown'}`);
  lines.push(`Error: ${details.error}`);
  if (details.counts !== undefined) {
    const counts = details.counts;
    lines.push(
      ``,
      `Rows read: ${counts.read}`,
      `Records written: ${counts.written}`,
      `Rows rejected: ${counts.rejected}`,
      `Duplicates dropped: ${counts.duplicatesDropped}`,
      `Records failed: ${counts.failed}`,
    );
  }
  for (const [heading, table] of [
    ['Reject reasons', details.rejectReasons],
    ['Write failures', details.failureCodes],
  ] as const) {
    if (table !== undefined && Object.keys(table).length > 0) {
      lines.push(``, `${heading}:`);
      const codes = Object.keys(table).sort();
      for (const code of codes) {
        lines.push(`  ${code}: ${table[code]}`);
      }
    }
  }
  const stream = details.processingJobName !== null ? `${details.processingJobName}/…` : '<processing job name>/…';
  lines.push(``, `Logs: CloudWatch log group ${PROCESSING_LOG_GROUP}, stream ${stream}`);
  if (details.region !== undefined && details.region !== '') {
    lines.push(`Region: ${details.region}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Cuts text to at most `maxBytes` of UTF-8 without splitting a character, marking the cut. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const encoded = new TextEncoder().encode(text);
  if (encoded.byteLength <= maxBytes) {
    return text;
  }
  const marker = '\n[message truncated to fit the SNS size limit]\n';
  const budget = maxBytes - new TextEncoder().encode(marker).byteLength;
  let end = budget;
  // Step back over UTF-8 continuation bytes (10xxxxxx) so that no character is split.
  while (end > 0 && ((encoded[end] as number) & 0xc0) === 0x80) {
    end -= 1;
  }
  return new TextDecoder().decode(encoded.subarray(0, end)) + marker;
}
