import type { Clock } from '../../runtime/ports.js';

/**
 * A clock whose time moves only when code sleeps on it, so polling, backoff and timeouts run
 * instantly and every sleep is recorded.
 */
export class ManualClock implements Clock {
  private time: number;
  /** Every sleep requested, in milliseconds, in order. */
  readonly sleeps: number[] = [];

  constructor(start = Date.parse('2024-05-01T12:00:00Z')) {
    this.time = start;
  }

  now(): Date {
    return new Date(this.time);
  }

  async sleep(milliseconds: number): Promise<void> {
    this.sleeps.push(milliseconds);
    this.time += milliseconds;
    // Yield to the event loop, as a real timer would, so concurrent work interleaves.
    await new Promise((resolve) => setImmediate(resolve));
  }
}
