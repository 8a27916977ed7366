/**
 * The counters of an ingest run and the files it leaves in its output folder: report.json,
 * rejects.jsonl (one rejected row per line), duplicates.jsonl (one dropped duplicate per line)
 * and failures.jsonl (one failed record per line).
 */
import type { RejectCode } from './clean/outcome.js';
import type { RejectedRow } from './clean/row-cleaner.js';
import type { DroppedDuplicate } from './dedupe.js';
import type { IngestConfig } from './ingest-config.js';
import type { LineWriter, ObjectStore, RecordFailure, UnparsedSourceLine } from './ports.js';
import type { IngestCounts, IngestReport } from './report.js';

export const REPORT_FILE = 'report.json';
export const REJECTS_FILE = 'rejects.jsonl';
export const DUPLICATES_FILE = 'duplicates.jsonl';
export const FAILURES_FILE = 'failures.jsonl';

/** Reason code of a source line that the source could not parse into a row. */
export const MALFORMED_SOURCE_ROW: RejectCode = 'MALFORMED_SOURCE_ROW';

/** Counts what a run did; the ingest stages update it and `toReport` freezes it. */
export class IngestTally {
  read = 0;
  rejected = 0;
  written = 0;
  failed = 0;
  retries = 0;
  duplicatesDropped = 0;
  private readonly missing: Map<string, number>;
  private readonly rejectReasons = new Map<string, number>();
  private readonly failureCodes = new Map<string, number>();
  private readonly durations = new Map<string, number>();

  constructor(private readonly config: IngestConfig) {
    this.missing = new Map(config.features.map((feature) => [feature.name, 0]));
  }

  /** Counts a rejected row once under each distinct reason code it has. */
  countRejected(row: RejectedRow): void {
    this.countRejectedCodes(row.reasons.map((reason) => reason.code));
  }

  /** Counts a source line that could not be parsed as a row that was read and rejected. */
  countUnparsedLine(): void {
    this.read += 1;
    this.countRejectedCodes([MALFORMED_SOURCE_ROW]);
  }

  private countRejectedCodes(codes: readonly RejectCode[]): void {
    this.rejected += 1;
    for (const code of new Set(codes)) {
      this.rejectReasons.set(code, (this.rejectReasons.get(code) ?? 0) + 1);
    }
  }

  countMissing(features: readonly string[]): void {
    for (const feature of features) {
      this.missing.set(feature, (this.missing.get(feature) ?? 0) + 1);
    }
  }

  countFailure(failure: RecordFailure): void {
    this.failed += 1;
    this.failureCodes.set(failure.errorCode, (this.failureCodes.get(failure.errorCode) ?? 0) + 1);
  }

  /** Adds milliseconds spent in a stage. */
  addDuration(stage: string, milliseconds: number): void {
    this.durations.set(stage, (this.durations.get(stage) ?? 0) + milliseconds);
  }

  get counts(): IngestCounts {
    return { read: this.read, rejected: this.rejected, duplicatesDropped: this.duplicatesDropped, written: this.written, failed: this.failed };
  }

  get rejectReasonCounts(): Record<string, number> {
    return sortedObject(this.rejectReasons);
  }

  get failureCodeCounts(): Record<string, number> {
    return sortedObject(this.failureCodes);
  }

  toReport(details: { processingJobName: string | null; error: string | null; startedAt: Date; finishedAt: Date }): IngestReport {
    return {
      reportVersion: 1,
      pipelineName: this.config.pipelineName,
      stepName: this.config.stepName,
      featureGroupName: this.config.featureGroup.name,
      processingJobName: details.processingJobName,
      status: details.error === null ? 'succeeded' : 'failed',
      error: details.error,
      startedAt: details.startedAt.toISOString(),
      finishedAt: details.finishedAt.toISOString(),
      counts: this.counts,
      // Feature order of the config, so reports of two runs line up.
      missingPerFeature: Object.fromEntries(this.missing),
      rejectReasons: this.rejectReasonCounts,
      failureCodes: this.failureCodeCounts,
      retries: this.retries,
      maxRejectedRows: this.config.maxRejectedRows,
      durationsMs: Object.fromEntries([...this.durations].map(([stage, milliseconds]) => [stage, Math.round(milliseconds)])),
    };
  }
}

function sortedObject(counts: ReadonlyMap<string, number>): Record<string, number> {
  return Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Writes report.json, pretty-printed with a closing newline. */
export async function writeReport(output: ObjectStore, report: IngestReport): Promise<void> {
  await output.put(REPORT_FILE, `${JSON.stringify(report, null, 2)}\n`);
}

/** Writes one rejected row as a line of rejects.jsonl. */
export async function writeRejectedRow(writer: LineWriter, row: RejectedRow): Promise<void> {
  const line: Record<string, unknown> = { row: row.row };
  if (row.recordIdentifier !== undefined) {
    line['recordIdentifier'] = row.recordIdentifier;
  }
  line['reasons'] = row.reasons;
  line['raw'] = row.raw;
  await writer.write(JSON.stringify(line));
}

/**
 * Writes a source line that could not be parsed as a line of rejects.jsonl. It has `line` and
 * `rawLine` in place of `row` and `raw`, because it never became a row of the query result.
 */
export async function writeUnparsedLine(writer: LineWriter, line: UnparsedSourceLine): Promise<void> {
  const reasons = line.problems.map((message) => ({ code: MALFORMED_SOURCE_ROW, message }));
  await writer.write(JSON.stringify({ table: line.table, line: line.line, reasons, rawLine: line.text }));
}

/** Writes one dropped duplicate as a line of duplicates.jsonl. */
export async function writeDuplicate(writer: LineWriter, duplicate: DroppedDuplicate): Promise<void> {
  await writer.write(
    JSON.stringify({ row: duplicate.row, recordIdentifier: duplicate.identifier, eventTime: duplicate.eventTime, winningRow: duplicate.winningRow }),
  );
}

/** Writes one failed record as a line of failures.jsonl. */
export async function writeFailure(writer: LineWriter, failure: RecordFailure): Promise<void> {
  await writer.write(
    JSON.stringify({ identifier: failure.identifier, errorCode: failure.errorCode, message: failure.message, attempts: failure.attempts }),
  );
}
