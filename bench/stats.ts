/** Median, minimum and maximum of a figure's measured runs, with every run kept. */
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: readonly number[];
}

/**
 * Summarizes measured runs. The median of an even count is the mean of the two middle values.
 * Throws when there are no runs, because a figure without a measurement must not look like zero.
 */
export function summarize(runs: readonly number[]): Summary {
  if (runs.length === 0) {
    throw new Error('cannot summarize a figure with no measured runs');
  }
  const sorted = [...runs].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number, runs: [...runs] };
}

/** Rounds to a fixed number of decimals, so results files do not carry float noise. */
export function round(value: number, decimals = 2): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/** Summarizes and rounds in one step. */
export function summarizeRounded(runs: readonly number[], decimals = 2): Summary {
  return summarize(runs.map((value) => round(value, decimals)));
}
