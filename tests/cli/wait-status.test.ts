import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createWaitStatus } from '../../cli/deploy/wait-status.js';
import type { AwsCall } from '../../runtime/aws/call-tracking.js';

/** Creates a stream that records each write; `nextWrite()` returns a promise of the next one. */
function recordingStream(isTTY: boolean) {
  const writes: string[] = [];
  let notify: (() => void) | undefined;
  return {
    writes,
    stream: {
      isTTY,
      write(text: string | Uint8Array): boolean {
        writes.push(String(text));
        notify?.();
        return true;
      },
    },
    nextWrite: () => new Promise<void>((resolve) => (notify = resolve)),
  };
}

/** Awaits `promise` while a timer keeps the event loop running, which the status line's own timers do not. */
async function held(promise: Promise<void>): Promise<void> {
  const hold = setInterval(() => undefined, 1000);
  try {
    await promise;
  } finally {
    clearInterval(hold);
  }
}

const CALL: AwsCall = { service: 'SageMaker', operation: 'DescribePipeline', endpoint: 'http://127.0.0.1:4566' };

test('terminal shows the awaited call', async () => {
  const recorder = recordingStream(true);
  const status = createWaitStatus({ stream: recorder.stream, delayMs: 0, requestTimeoutMs: 60_000, maxAttempts: 3 });

  const shown = recorder.nextWrite();
  status.started(CALL);
  await held(shown);
  status.finished(CALL);

  assert.equal(recorder.writes, ['\rwaiting for SageMaker DescribePipeline at http://127.0.0.1:4566 (up to 3 attempt(s) of 60 s)...\u001b[K', '\r\u001b[K']);
});

test('quick call shows nothing', () => {
  const recorder = recordingStream(true);
  const status = createWaitStatus({ stream: recorder.stream, delayMs: 60_000, requestTimeoutMs: 60_000, maxAttempts: 3 });

  status.started(CALL);
  status.finished(CALL);

  assert.equal(recorder.writes, []);
});

test('pipe gets no status line', async () => {
  const recorder = recordingStream(false);
  const status = createWaitStatus({ stream: recorder.stream, delayMs: 0, requestTimeoutMs: 60_000, maxAttempts: 3 });

  status.started(CALL);
  // Timers run in the order they are due, so this one runs after any 0 ms timer of the status line.
  await new Promise((resolve) => setTimeout(resolve, 10));
  status.finished(CALL);

  assert.equal(recorder.writes, []);
});

test('next call shows after the first ends', async () => {
  const recorder = recordingStream(true);
  const status = createWaitStatus({ stream: recorder.stream, delayMs: 0, requestTimeoutMs: 5_000, maxAttempts: 1 });
  const upload: AwsCall = { service: 'S3', operation: 'PutObject', endpoint: 'https://bucket.s3.us-west-2.amazonaws.com' };

  const first = recorder.nextWrite();
  status.started(CALL);
  await held(first);
  status.started(upload);
  status.finished(CALL);
  const second = recorder.nextWrite();
  await held(second);
  status.finished(upload);

  assert.equal(recorder.writes, [
    '\rwaiting for SageMaker DescribePipeline at http://127.0.0.1:4566 (up to 1 attempt(s) of 5 s)...\u001b[K',
    '\r\u001b[K',
    '\rwaiting for S3 PutObject at https://bucket.s3.us-west-2.amazonaws.com (up to 1 attempt(s) of 5 s)...\u001b[K',
    '\r\u001b[K',
  ]);
});

test.run();
