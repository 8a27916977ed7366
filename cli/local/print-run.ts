/** Formats the result of a local run for people. */
import { displayPath } from '../display-path.js';
import type { LocalRunResult, StepResult } from './pipeline-runner.js';

/** Formats one block per step: its status, then counts and the report folder of an ingest step. */
export function formatStepResult(result: StepResult): string {
  const lines = [`${result.name} (${result.type}): ${describeStatus(result)}`];
  if (result.message !== undefined) {
    lines.push(`  ${result.message}`);
  }
  if (result.report !== undefined) {
    const counts = result.report.counts;
    lines.push(
      `  rows read ${counts.read}, written ${counts.written}, rejected ${counts.rejected}, duplicates dropped ${counts.duplicatesDropped}, failed ${counts.failed}`,
    );
    const reasons = Object.entries(result.report.rejectReasons);
    if (reasons.length > 0) {
      lines.push(`  reject reasons: ${reasons.map(([code, count]) => `${code} ${count}`).join(', ')}`);
    }
  }
  if (result.outputDirectory !== undefined) {
    lines.push(`  report: ${displayPath(result.outputDirectory)}/report.json`);
  }
  for (const notification of result.notifications ?? []) {
    lines.push(`  notification (not sent in a local run; SAGEPIPE_LOG_LEVEL=info logs its text): ${notification.subject}`);
  }
  return lines.join('\n');
}

function describeStatus(result: StepResult): string {
  switch (result.status) {
    case 'Succeeded':
      return result.outcome === undefined ? 'succeeded' : `succeeded, outcome ${result.outcome}`;
    case 'Failed':
      return 'failed';
    case 'NotRunnableLocally':
      return 'not runnable locally';
    case 'Skipped':
      return 'skipped';
    case 'NotStarted':
      return 'not started';
  }
}

/** Formats the closing line of a run. */
export function formatRunSummary(result: LocalRunResult): string {
  return result.succeeded ? `local execution ${result.executionId} succeeded` : `local execution ${result.executionId} failed`;
}
