/**
 * Runs sagepipe's benchmarks and writes their results as JSON and Markdown.
 *
 *   npm run bench [-- --quick] [-- --only NAME[,NAME]] [-- --runs N] [-- --out DIR]
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Benchmark, BenchmarkResult } from './benchmark.js';
import { athenaReadBenchmark } from './athena-read-bench.js';
import { awsIngestBenchmark } from './aws-ingest-bench.js';
import { compileBenchmark } from './compile-bench.js';
import { localIngestBenchmark } from './local-ingest-bench.js';
import { describeMachine, loadAverages } from './machine.js';
import { REPO_ROOT } from './paths.js';
import { type BenchRun, writeResults } from './results.js';

/** Every benchmark, in the order they run. */
export const BENCHMARKS: readonly Benchmark[] = [compileBenchmark, localIngestBenchmark, awsIngestBenchmark, athenaReadBenchmark];

const USAGE = `Usage: npm run bench -- [--quick] [--only NAME[,NAME]...] [--runs N] [--out DIR]

Runs sagepipe's benchmarks, each figure next to its baseline, and writes <DIR>/latest.json and
<DIR>/latest.md (quick mode: quick.json and quick.md). With --only, the other benchmarks of an
earlier results file from the same machine are kept, each with its own time, commit and load.

Options:
  --quick       Small sizes and one measured run per figure: a smoke check, not a measurement
  --only NAME   Run only these benchmarks (comma-separated or repeated): ${BENCHMARKS.map((benchmark) => benchmark.name).join(', ')}
  --runs N      Measured runs per figure after the warm-up. Default: 5 (quick: 1)
  --out DIR     Folder of the results files. Default: bench/results
  -h, --help    Show this help

Exit codes: 0 every benchmark ran, 1 a benchmark failed, 2 bad usage.`;

class UsageError extends Error {}

interface RunnerOptions {
  readonly quick: boolean;
  readonly only: readonly Benchmark[];
  readonly runs: number;
  readonly out: string;
}

function parseOptions(args: readonly string[]): RunnerOptions | undefined {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string', multiple: true },
      runs: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    return undefined;
  }
  if (positionals.length > 0) {
    throw new UsageError(`unexpected argument '${positionals[0]}'`);
  }
  const names = (values.only ?? []).flatMap((value) => value.split(',')).map((value) => value.trim()).filter((value) => value !== '');
  const unknown = names.filter((name) => !BENCHMARKS.some((benchmark) => benchmark.name === name));
  if (unknown.length > 0) {
    throw new UsageError(`unknown benchmark ${unknown.map((name) => `'${name}'`).join(', ')}: use ${BENCHMARKS.map((benchmark) => benchmark.name).join(', ')}`);
  }
  const defaultRuns = values.quick ? 1 : 5;
  const runs = values.runs === undefined ? defaultRuns : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 100) {
    throw new UsageError(`--runs '${values.runs}' is invalid: use a whole number from 1 to 100`);
  }
  return {
    quick: values.quick,
    only: names.length === 0 ? BENCHMARKS : BENCHMARKS.filter((benchmark) => names.includes(benchmark.name)),
    runs,
    out: resolve(values.out ?? join(REPO_ROOT, 'bench', 'results')),
  };
}

/**
 * Keeps the benchmarks of an earlier results file that this run did not measure, so that
 * `--only NAME` updates one figure without dropping the others. Each benchmark records its own
 * time, commit and load. An earlier file from another machine or results version is replaced whole.
 */
function mergeWithEarlierRun(run: BenchRun, earlierFile: string): BenchRun {
  if (!existsSync(earlierFile)) {
    return run;
  }
  const earlier = JSON.parse(readFileSync(earlierFile, 'utf8')) as Partial<BenchRun>;
  const sameMachine = earlier.machine?.cpuModel === run.machine.cpuModel && earlier.machine?.logicalCores === run.machine.logicalCores;
  if (earlier.resultsVersion !== run.resultsVersion || !sameMachine || earlier.benchmarks === undefined) {
    return run;
  }
  const measuredNow = new Set(run.benchmarks.map((result) => result.name));
  const kept = earlier.benchmarks.filter((result) => !measuredNow.has(result.name) && BENCHMARKS.some((benchmark) => benchmark.name === result.name));
  const order = (result: BenchmarkResult): number => BENCHMARKS.findIndex((benchmark) => benchmark.name === result.name);
  return { ...run, benchmarks: [...run.benchmarks, ...kept].sort((a, b) => order(a) - order(b)) };
}

async function main(args: readonly string[]): Promise<number> {
  let options: RunnerOptions | undefined;
  try {
    options = parseOptions(args);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true) {
      console.error(`bench: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  if (options === undefined) {
    console.log(USAGE);
    return 0;
  }

  const startedAt = new Date().toISOString();
  const loadAtStart = loadAverages();
  const machine = describeMachine();
  const log = (message: string): void => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
  log(`started on ${machine.cpuModel}, ${machine.logicalCores} cores, load ${loadAtStart.join(' ')}`);

  const results: BenchmarkResult[] = [];
  let failed = false;
  for (const benchmark of options.only) {
    const workDirectory = mkdtempSync(join(tmpdir(), `sagepipe-bench-${benchmark.name}-`));
    try {
      log(`${benchmark.name}: started`);
      const started = new Date().toISOString();
      const loadAtBenchmarkStart = loadAverages();
      const result = await benchmark.run({ quick: options.quick, runs: options.runs, workDirectory, log });
      results.push({
        ...result,
        measured: {
          startedAt: started,
          finishedAt: new Date().toISOString(),
          gitCommit: machine.gitCommit,
          gitDirty: machine.gitDirty,
          loadAverage: { start: loadAtBenchmarkStart, end: loadAverages() },
        },
      });
      log(`${benchmark.name}: finished`);
    } catch (error) {
      failed = true;
      log(`${benchmark.name}: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    } finally {
      rmSync(workDirectory, { recursive: true, force: true });
    }
  }

  const run: BenchRun = {
    resultsVersion: 1,
    mode: options.quick ? 'quick' : 'full',
    startedAt,
    finishedAt: new Date().toISOString(),
    command: ['npm run bench', ...(args.length > 0 ? ['--', ...args] : [])].join(' '),
    runsPerFigure: options.runs,
    machine,
    loadAverage: { start: loadAtStart, end: loadAverages() },
    benchmarks: results,
  };
  const name = options.quick ? 'quick' : 'latest';
  const written = writeResults(options.out, name, mergeWithEarlierRun(run, join(options.out, `${name}.json`)));
  log(`wrote ${written.json} and ${written.markdown}`);
  return failed ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
