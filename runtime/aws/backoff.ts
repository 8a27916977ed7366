/**
 * Delay before retry number `retry` (1 for the first retry) with exponential backoff and full
 * jitter: a uniformly random delay between 0 and min(maxDelayMs, baseDelayMs × 2^(retry − 1)),
 * in milliseconds. Full jitter spreads the retries of many concurrent callers apart.
 */
export function fullJitterDelay(retry: number, baseDelayMs: number, maxDelayMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** Poll delays that start at `initialMs` and grow by `factor` up to `maxMs`, in milliseconds. */
export function* pollDelays(initialMs: number, maxMs: number, factor = 2): Generator<number, never> {
  let delay = initialMs;
  for (;;) {
    yield delay;
    delay = Math.min(maxMs, Math.ceil(delay * factor));
  }
}
