/**
 * Figure 3: the Feature Store record writer against the local test endpoint with injected
 * PutRecord latency, at several concurrency settings, with and without injected throttling,
 * next to the ideal rate of concurrency ÷ latency. Every run checks at the endpoint that each
 * record was accepted exactly once.
 */
import { join } from 'node:path';
import { type Benchmark, type BenchmarkContext, type BenchmarkResult, formatSummary, mebibytes, type TargetCheck } from './benchmark.js';
import { lastJsonLine, runMeasuredChildOk } from './child-process.js';
import type { WriteRun } from './aws-worker.js';
import { type EndpointStats, startEndpointChild } from './endpoint-child.js';
import { BENCH_DIST } from './paths.js';
import { round, type Summary, summarizeRounded } from './stats.js';

const WORKER = join(BENCH_DIST, 'aws-worker.js');
const LATENCY_MS = 10;
const THROTTLE_RATES = [0, 0.05];
const CONCURRENCY = [1, 8, 32, 64];
/**
 * Records per run by concurrency. At the ideal rate, 100,000 records take 1,000 s at concurrency 1
 * and 125 s at 8. Those two write fewer records, because the rate is what is compared.
 */
const FULL_RECORDS: Readonly<Record<number, number>> = { 1: 1_000, 8: 20_000, 32: 100_000, 64: 100_000 };
const QUICK_RECORDS: Readonly<Record<number, number>> = { 1: 50, 8: 400, 32: 1_600, 64: 3_200 };
/** Cases take up to a minute each, so each gets at most this many measured runs. */
const MAX_RUNS = 3;
const TARGET_CONCURRENCY = 32;
const TARGET_SHARE = 0.9;

export interface AwsIngestCase {
  readonly concurrency: number;
  readonly throttleRate: number;
  readonly records: number;
  readonly idealRecordsPerSecond: number;
  readonly recordsPerSecond: Summary;
  /** Median achieved rate over the ideal rate. */
  readonly shareOfIdeal: number;
  readonly writerPeakRssMiB: Summary;
  /** Retries per run, as the writer counted them. */
  readonly retries: Summary;
  /** ThrottlingException responses per run, as the endpoint counted them, warm-up included. */
  readonly throttledCalls: Summary;
  readonly maxPutRecordsInFlight: Summary;
  /** CPU per measured record of the writer process during the timed writes, in microseconds. */
  readonly writerCpuMicrosPerRecord: Summary;
  /** CPU per measured record of the endpoint process, warm-up records included in its time, in microseconds. */
  readonly endpointCpuMicrosPerRecord: Summary;
  /** True when, in every run, every record was accepted exactly once and none failed. */
  readonly exactlyOnce: boolean;
  readonly problems: readonly string[];
}

function checkRun(run: WriteRun, stats: EndpointStats, warmUp: number): string[] {
  const problems: string[] = [];
  if (run.written !== run.records || run.failed !== 0) {
    problems.push(`the writer wrote ${run.written} of ${run.records} records, ${run.failed} failed (${JSON.stringify(run.failureCodes)})`);
  }
  if ((stats.acceptedByPrefix['CUST'] ?? 0) !== run.records) {
    problems.push(`the endpoint accepted ${stats.acceptedByPrefix['CUST'] ?? 0} distinct measured records, expected ${run.records}`);
  }
  if (stats.acceptedPuts !== run.records + warmUp) {
    problems.push(`the endpoint accepted ${stats.acceptedPuts} puts, expected ${run.records + warmUp} (warm-up included)`);
  }
  if (stats.identifiersAcceptedMoreThanOnce !== 0) {
    problems.push(`${stats.identifiersAcceptedMoreThanOnce} records were accepted more than once`);
  }
  if (stats.internalErrors.length > 0) {
    problems.push(`the endpoint failed internally: ${stats.internalErrors.slice(0, 3).join('; ')}`);
  }
  return problems;
}

async function measureCase(context: BenchmarkContext, concurrency: number, throttleRate: number): Promise<AwsIngestCase> {
  const records = (context.quick ? QUICK_RECORDS : FULL_RECORDS)[concurrency] as number;
  const warmUp = Math.max(20, concurrency * 2);
  const runs = Math.min(context.runs, MAX_RUNS);
  const rates: number[] = [];
  const rss: number[] = [];
  const retries: number[] = [];
  const throttled: number[] = [];
  const inFlight: number[] = [];
  const writerCpu: number[] = [];
  const endpointCpu: number[] = [];
  const problems: string[] = [];

  for (let run = 0; run < runs; run += 1) {
    context.log(`aws-ingest: concurrency ${concurrency}, throttling ${throttleRate * 100} %, ${records} records, run ${run + 1} of ${runs}`);
    // A fresh endpoint per run, so its counts cover that run alone.
    const endpoint = await startEndpointChild({ putRecordLatencyMs: LATENCY_MS, throttleRate });
    let stats: EndpointStats | undefined;
    try {
      const child = await runMeasuredChildOk(WORKER, ['write', endpoint.url, String(records), String(concurrency), String(warmUp)]);
      const result = lastJsonLine<WriteRun>(child.stdout);
      stats = await endpoint.stop();
      rates.push(result.records / (result.elapsedMs / 1000));
      rss.push(mebibytes(child.usage.maxRssKiB));
      retries.push(result.retries);
      throttled.push(stats.errorCodes['ThrottlingException'] ?? 0);
      inFlight.push(stats.maxPutRecordsInFlight);
      writerCpu.push(result.cpuMicros / result.records);
      endpointCpu.push(stats.cpuMicros / result.records);
      problems.push(...checkRun(result, stats, warmUp).map((problem) => `run ${run + 1}: ${problem}`));
    } finally {
      if (stats === undefined) {
        await endpoint.stop().catch(() => undefined);
      }
    }
  }

  const ideal = (concurrency * 1000) / LATENCY_MS;
  const recordsPerSecond = summarizeRounded(rates, 0);
  return {
    concurrency,
    throttleRate,
    records,
    idealRecordsPerSecond: ideal,
    recordsPerSecond,
    shareOfIdeal: round(recordsPerSecond.median / ideal, 3),
    writerPeakRssMiB: summarizeRounded(rss, 0),
    retries: summarizeRounded(retries, 0),
    throttledCalls: summarizeRounded(throttled, 0),
    maxPutRecordsInFlight: summarizeRounded(inFlight, 0),
    writerCpuMicrosPerRecord: summarizeRounded(writerCpu, 0),
    endpointCpuMicrosPerRecord: summarizeRounded(endpointCpu, 0),
    exactlyOnce: problems.length === 0,
    problems,
  };
}

function targetChecks(cases: readonly AwsIngestCase[]): TargetCheck[] {
  const target = `at least ${TARGET_SHARE * 100} % of the ideal rate at concurrency ${TARGET_CONCURRENCY}, no throttling`;
  const found = cases.find((entry) => entry.concurrency === TARGET_CONCURRENCY && entry.throttleRate === 0);
  const checks: TargetCheck[] = [
    found === undefined
      ? { target, measured: 'not measured', met: null }
      : {
          target,
          measured: `${found.recordsPerSecond.median.toLocaleString('en-US')} of ${found.idealRecordsPerSecond.toLocaleString('en-US')} records/s (${(found.shareOfIdeal * 100).toFixed(1)} %)`,
          met: found.shareOfIdeal >= TARGET_SHARE,
        },
  ];
  checks.push({
    target: 'every record lands exactly once, with and without throttling',
    measured: cases.every((entry) => entry.exactlyOnce) ? `yes, in all ${cases.length} cases` : `no: ${cases.filter((entry) => !entry.exactlyOnce).length} cases had problems`,
    met: cases.every((entry) => entry.exactlyOnce),
  });
  return checks;
}

async function runAwsIngestBenchmark(context: BenchmarkContext): Promise<BenchmarkResult> {
  const measured: AwsIngestCase[] = [];
  // Both throttling settings of one concurrency run back to back, so a change in the shared
  // machine's load affects them alike. The table then lists them by throttling.
  for (const concurrency of CONCURRENCY) {
    for (const throttleRate of THROTTLE_RATES) {
      measured.push(await measureCase(context, concurrency, throttleRate));
    }
  }
  const cases = [...measured].sort((a, b) => a.throttleRate - b.throttleRate || a.concurrency - b.concurrency);
  return {
    name: 'aws-ingest',
    title: 'Feature Store record writer against the local endpoint',
    method:
      `The local AWS test endpoint runs in its own process on 127.0.0.1 and delays every PutRecord by ${LATENCY_MS} ms; in the throttled cases it also answers 5 % of ` +
      'PutRecord calls, drawn from a seeded generator, with ThrottlingException. A fresh Node process builds the AWS SDK v3 clients with the runtime\'s ' +
      'createAwsClients (one attempt per Feature Store call, bounded timeouts) and the FeatureStoreRecordWriter with the compiled defaults (8 attempts, backoff 100 ms to 20 s, full jitter), ' +
      'writes 2 × concurrency warm-up records (at least 20), then times the measured records, handed over in write() calls of 5,000 records as the ingest does. ' +
      'The ideal rate is concurrency ÷ latency. After each run the endpoint counts accepted puts per record identifier. Each case gets a fresh endpoint per run ' +
      `and at most ${MAX_RUNS} measured runs.`,
    commands: ['npm run bench -- --only aws-ingest'],
    targets: targetChecks(cases),
    table: {
      headers: [
        'concurrency',
        'throttling',
        'records',
        'ideal records/s',
        'records/s',
        'share of ideal',
        'retries',
        'max PutRecord in flight',
        'writer CPU µs per record',
        'endpoint CPU µs per record',
        'writer peak RSS MiB',
        'exactly once',
      ],
      rows: cases.map((entry) => [
        String(entry.concurrency),
        `${entry.throttleRate * 100} %`,
        entry.records.toLocaleString('en-US'),
        entry.idealRecordsPerSecond.toLocaleString('en-US'),
        formatSummary(entry.recordsPerSecond, 0),
        `${(entry.shareOfIdeal * 100).toFixed(1)} %`,
        formatSummary(entry.retries, 0),
        formatSummary(entry.maxPutRecordsInFlight, 0),
        formatSummary(entry.writerCpuMicrosPerRecord, 0),
        formatSummary(entry.endpointCpuMicrosPerRecord, 0),
        formatSummary(entry.writerPeakRssMiB, 0),
        entry.exactlyOnce ? 'yes' : 'no',
      ]),
    },
    cases: cases.map((entry) => ({ ...entry })),
    notes: cases.flatMap((entry) => entry.problems.map((problem) => `concurrency ${entry.concurrency}, throttling ${entry.throttleRate * 100} %: ${problem}`)),
  };
}

export const awsIngestBenchmark: Benchmark = { name: 'aws-ingest', run: runAwsIngestBenchmark };
