/** The progress line of a local ingest, shown on a terminal only so that logs and pipes stay clean. */
import type { IngestProgress } from '../../runtime/ingest.js';

/** Minimum time between two redraws, in milliseconds. */
const REDRAW_INTERVAL_MS = 250;

export interface ProgressLine {
  update(progress: IngestProgress): void;
  /** Ends the line so that later output starts on a new one. */
  finish(): void;
}

/** Returns a progress line on stderr when it is a TTY, and one that prints nothing otherwise. */
export function createProgressLine(label: string, stream: NodeJS.WriteStream = process.stderr): ProgressLine {
  if (!stream.isTTY) {
    return { update: () => undefined, finish: () => undefined };
  }
  let lastDraw = 0;
  let drawn = false;
  return {
    update(progress) {
      const now = Date.now();
      if (now - lastDraw < REDRAW_INTERVAL_MS) {
        return;
      }
      lastDraw = now;
      drawn = true;
      const seconds = Math.max(progress.elapsedMs / 1000, 0.001);
      const rate = Math.round(progress.read / seconds);
      stream.write(`\r${label}: ${progress.read} rows read, ${progress.written} written, ${progress.rejected} rejected, ${rate} rows/s\u001b[K`);
    },
    finish() {
      if (drawn) {
        stream.write('\n');
      }
    },
  };
}
