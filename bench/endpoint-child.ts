/** Starts the local AWS endpoint in its own process and collects its counts when the benchmark is done with it. */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { BENCH_DIST } from './paths.js';

/** Settings the endpoint process applies before it starts serving requests. */
export interface EndpointSetup {
  /** Latency added to every PutRecord, in milliseconds. */
  readonly putRecordLatencyMs: number;
  /** Fraction (0–1) of PutRecord calls that get ThrottlingException, drawn from a seeded generator. */
  readonly throttleRate: number;
  /** A generated churn table for Athena, with the bucket its results go to. */
  readonly athena?: { readonly database: string; readonly table: string; readonly rows: number; readonly seed: number; readonly resultBucket: string };
}

/** Counts the endpoint reports when it stops. */
export interface EndpointStats {
  readonly acceptedPuts: number;
  readonly distinctIdentifiers: number;
  readonly identifiersAcceptedMoreThanOnce: number;
  /** Distinct identifiers accepted, by the prefix before the first `_` (warm-up and measured records differ). */
  readonly acceptedByPrefix: Readonly<Record<string, number>>;
  /** Calls received, by operation. */
  readonly operations: Readonly<Record<string, number>>;
  /** Error responses sent, by error code. */
  readonly errorCodes: Readonly<Record<string, number>>;
  readonly maxPutRecordsInFlight: number;
  readonly internalErrors: readonly string[];
  /** CPU time (user plus system) the endpoint process used from listening to stopping, in microseconds. */
  readonly cpuMicros: number;
}

export interface EndpointChild {
  readonly url: string;
  /** Closes the endpoint's stdin, waits for its counts and for it to exit. */
  stop(): Promise<EndpointStats>;
}

const SCRIPT = join(BENCH_DIST, 'aws-endpoint-process.js');

/** Starts the endpoint process and resolves once it listens; rejects when it exits first. */
export async function startEndpointChild(setup: EndpointSetup): Promise<EndpointChild> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [SCRIPT, JSON.stringify(setup)], {
    env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => stderr.push(chunk));
  const lines: Interface = createInterface({ input: child.stdout });
  const received: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  let exited = false;
  const failures: ((error: Error) => void)[] = [];
  lines.on('line', (line) => {
    const next = waiting.shift();
    if (next === undefined) {
      received.push(line);
    } else {
      next(line);
    }
  });
  child.on('exit', (code) => {
    exited = true;
    for (const fail of failures.splice(0)) {
      fail(new Error(`the endpoint process exited with code ${code}; stderr ends with: ${stderr.join('').slice(-2000)}`));
    }
  });
  const nextLine = (): Promise<string> =>
    new Promise((resolve, reject) => {
      const buffered = received.shift();
      if (buffered !== undefined) {
        resolve(buffered);
        return;
      }
      if (exited) {
        reject(new Error(`the endpoint process has exited; stderr ends with: ${stderr.join('').slice(-2000)}`));
        return;
      }
      waiting.push(resolve);
      failures.push(reject);
    });

  const { url } = JSON.parse(await nextLine()) as { url: string };
  return {
    url,
    async stop() {
      const exit = new Promise<void>((resolve) => (exited ? resolve() : child.once('exit', () => resolve())));
      child.stdin.end();
      const stats = JSON.parse(await nextLine()) as EndpointStats;
      await exit;
      return stats;
    },
  };
}
