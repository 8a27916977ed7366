import type { Summary } from './stats.js';

/** Settings shared by every benchmark of one run. */
export interface BenchmarkContext {
  /** Small sizes and one measured run, for a smoke check. */
  readonly quick: boolean;
  /** Measured runs per figure, after the warm-up. */
  readonly runs: number;
  /** A scratch folder the benchmark owns; the runner removes it afterwards. */
  readonly workDirectory: string;
  readonly log: (message: string) => void;
}

/** A target from the acceptance criteria, with the measured value it is judged by. */
export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  /** Null when this run did not measure the case the target names, as in quick mode. */
  readonly met: boolean | null;
}

/** One Markdown table: header cells and rows of cells. */
export interface Table {
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** The report of one benchmark. */
export interface BenchmarkResult {
  readonly name: string;
  readonly title: string;
  /** When the runner started and finished this benchmark, and the commit it measured; the runner fills these in. */
  readonly measured?: MeasurementRecord;
  /** The measurement method of the figure and its baseline, in one paragraph. */
  readonly method: string;
  /** Commands a reader can run to reproduce what was measured, in order. */
  readonly commands: readonly string[];
  readonly targets: readonly TargetCheck[];
  readonly table: Table;
  /** Raw per-case results, with every measured run. */
  readonly cases: readonly Record<string, unknown>[];
  readonly notes: readonly string[];
}

/** When and on which commit one benchmark ran, and how loaded the shared machine was. */
export interface MeasurementRecord {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly gitCommit: string;
  readonly gitDirty: boolean;
  /** 1, 5 and 15 minute load averages at the start and the end. */
  readonly loadAverage: { readonly start: readonly number[]; readonly end: readonly number[] };
}

export interface Benchmark {
  readonly name: string;
  readonly run: (context: BenchmarkContext) => Promise<BenchmarkResult>;
}

/** Formats a summary as `median (min–max)` with a fixed number of decimals. */
export function formatSummary(summary: Summary, decimals = 1): string {
  return `${summary.median.toFixed(decimals)} (${summary.min.toFixed(decimals)}–${summary.max.toFixed(decimals)})`;
}

/** Kibibytes to mebibytes, for peak RSS. */
export function mebibytes(kibibytes: number): number {
  return kibibytes / 1024;
}
