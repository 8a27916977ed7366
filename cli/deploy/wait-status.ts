/**
 * The status line of the deploy commands: on a terminal, it shows the AWS call being waited
 * on, such as `waiting for SageMaker DescribePipeline at https://api.sagemaker.us-west-2.amazonaws.com`,
 * once the call has taken longer than a second by default, and erases itself when the call ends. It
 * prints nothing when the stream is not a TTY, so logs and pipes stay clean.
 */
import type { AwsCall, AwsCallListener } from '../../runtime/aws/call-tracking.js';

/** Calls that end sooner than this never show the line, so quick commands do not flicker. */
const DEFAULT_DELAY_MS = 1000;

export interface WaitStatusOptions {
  readonly requestTimeoutMs: number;
  readonly maxAttempts: number;
  /** @default process.stderr */
  readonly stream?: Pick<NodeJS.WriteStream, 'isTTY' | 'write'>;
  /** How long a call runs before the line shows it, in milliseconds. @default 1000 */
  readonly delayMs?: number;
}

/** Returns a listener that draws the status line, or one that does nothing when the stream is not a TTY. */
export function createWaitStatus(options: WaitStatusOptions): AwsCallListener {
  const stream = options.stream ?? process.stderr;
  if (stream.isTTY !== true) {
    return { started: () => undefined, finished: () => undefined };
  }
  const delayMs = options.delayMs ?? DEFAULT_DELAY_MS;
  const limits = `up to ${options.maxAttempts} attempt(s) of ${options.requestTimeoutMs / 1000} s`;
  // Calls in start order; a call is due once its delay has passed.
  const pending: AwsCall[] = [];
  const due = new Set<AwsCall>();
  const timers = new Map<AwsCall, NodeJS.Timeout>();
  let displayedCall: AwsCall | undefined;

  const draw = (): void => {
    const next = pending.find((call) => due.has(call));
    if (next === displayedCall) {
      return;
    }
    displayedCall = next;
    stream.write(next === undefined ? '\r\u001b[K' : `\rwaiting for ${next.service} ${next.operation} at ${next.endpoint} (${limits})...\u001b[K`);
  };

  return {
    started(call) {
      pending.push(call);
      const timer = setTimeout(() => {
        timers.delete(call);
        due.add(call);
        draw();
      }, delayMs);
      // The line is only a courtesy: it must not keep the process alive.
      timer.unref();
      timers.set(call, timer);
    },
    finished(call) {
      clearTimeout(timers.get(call));
      timers.delete(call);
      due.delete(call);
      const index = pending.indexOf(call);
      if (index >= 0) {
        pending.splice(index, 1);
      }
      draw();
    },
  };
}
