/**
 * Figure 1: compile time and peak RSS of generated pipelines, next to the floor of serializing
 * the compiled definition to JSON and parsing it back, measured in the same run.
 */
import { join } from 'node:path';
import { type Benchmark, type BenchmarkContext, type BenchmarkResult, formatSummary, mebibytes, type TargetCheck } from './benchmark.js';
import { lastJsonLine, runMeasuredChildOk } from './child-process.js';
import type { PipelineShape } from './compile-pipelines.js';
import type { CompileRun, FloorRun } from './compile-worker.js';
import { BENCH_DIST } from './paths.js';
import { round, type Summary, summarizeRounded } from './stats.js';

const WORKER = join(BENCH_DIST, 'compile-worker.js');

/** Sizes per shape; the processing chain stops at 1,000 steps because 5,000 of its steps pass 1 MiB. */
const FULL_SIZES: Readonly<Record<PipelineShape, readonly number[]>> = { mixed: [10, 100, 1000, 5000], 'processing-chain': [10, 100, 1000] };
const QUICK_SIZES: Readonly<Record<PipelineShape, readonly number[]>> = { mixed: [10, 100], 'processing-chain': [10] };

/** Target: compile within this factor of the floor at 1,000 steps. */
const FLOOR_FACTOR_TARGET = 3;
/** Per-step cost at 5,000 steps over per-step cost at 1,000 that still counts as linear. */
const LINEAR_TOLERANCE = 1.25;

export interface CompileCase {
  readonly shape: PipelineShape;
  readonly steps: number;
  readonly definitionBytes: number;
  readonly definitionSteps: number;
  /** True when every measured run produced byte-identical definitions. */
  readonly deterministic: boolean;
  readonly errorCodes: readonly string[];
  readonly compileMs: Summary;
  readonly floorMs: Summary;
  readonly compilePeakRssMiB: Summary;
  readonly floorPeakRssMiB: Summary;
  /** Median compile time over median floor time. */
  readonly floorRatio: number;
  readonly microsPerStep: number;
}

async function measureCase(context: BenchmarkContext, shape: PipelineShape, steps: number): Promise<CompileCase> {
  const definitionFile = join(context.workDirectory, `definition-${shape}-${steps}.json`);
  const compileRuns: CompileRun[] = [];
  const compileRss: number[] = [];
  for (let run = 0; run < context.runs; run += 1) {
    const child = await runMeasuredChildOk(WORKER, ['compile', shape, String(steps), definitionFile], { nodeOptions: ['--expose-gc'] });
    compileRuns.push(lastJsonLine<CompileRun>(child.stdout));
    compileRss.push(mebibytes(child.usage.maxRssKiB));
  }
  const first = compileRuns[0] as CompileRun;
  if (first.definitionSteps !== steps) {
    throw new Error(`the ${shape} pipeline of ${steps} steps compiled to ${first.definitionSteps} steps (errors: ${first.errorCodes.join(', ') || 'none'})`);
  }

  const floorRuns: FloorRun[] = [];
  const floorRss: number[] = [];
  for (let run = 0; run < context.runs; run += 1) {
    const child = await runMeasuredChildOk(WORKER, ['floor', definitionFile], { nodeOptions: ['--expose-gc'] });
    floorRuns.push(lastJsonLine<FloorRun>(child.stdout));
    floorRss.push(mebibytes(child.usage.maxRssKiB));
  }

  const compileMs = summarizeRounded(compileRuns.map((run) => run.compileMs), 3);
  const floorMs = summarizeRounded(floorRuns.map((run) => run.floorMs), 3);
  return {
    shape,
    steps,
    definitionBytes: first.definitionBytes,
    definitionSteps: first.definitionSteps,
    deterministic: compileRuns.every((run) => run.definitionSha256 === first.definitionSha256),
    errorCodes: first.errorCodes,
    compileMs,
    floorMs,
    compilePeakRssMiB: summarizeRounded(compileRss, 1),
    floorPeakRssMiB: summarizeRounded(floorRss, 1),
    floorRatio: round(compileMs.median / floorMs.median, 2),
    microsPerStep: round((compileMs.median * 1000) / steps, 1),
  };
}

function targetChecks(cases: readonly CompileCase[]): TargetCheck[] {
  const mixed = (steps: number): CompileCase | undefined => cases.find((entry) => entry.shape === 'mixed' && entry.steps === steps);
  const notMeasured = 'not measured: this run has no 1,000 or 5,000 step case';
  const at1000 = mixed(1000);
  const at5000 = mixed(5000);
  const floorTarget = `compile within ${FLOOR_FACTOR_TARGET}× of the floor at 1,000 steps (mixed shape)`;
  const linearTarget = `linear to 5,000 steps: per-step cost at 5,000 at most ${LINEAR_TOLERANCE}× the cost at 1,000 (mixed shape)`;
  const checks: TargetCheck[] = [
    at1000 === undefined
      ? { target: floorTarget, measured: notMeasured, met: null }
      : { target: floorTarget, measured: `${at1000.floorRatio}×`, met: at1000.floorRatio <= FLOOR_FACTOR_TARGET },
  ];
  if (at1000 === undefined || at5000 === undefined) {
    checks.push({ target: linearTarget, measured: notMeasured, met: null });
  } else {
    const growth = round(at5000.microsPerStep / at1000.microsPerStep, 2);
    checks.push({
      target: linearTarget,
      measured: `${at5000.microsPerStep} µs vs ${at1000.microsPerStep} µs per step (${growth}×)`,
      met: growth <= LINEAR_TOLERANCE,
    });
  }
  return checks;
}

async function runCompileBenchmark(context: BenchmarkContext): Promise<BenchmarkResult> {
  const sizes = context.quick ? QUICK_SIZES : FULL_SIZES;
  // One unmeasured child loads the modules into the file cache, so the first case is not slower for it.
  await runMeasuredChildOk(WORKER, ['compile', 'mixed', '10', join(context.workDirectory, 'warm-up.json')]);

  const cases: CompileCase[] = [];
  for (const shape of Object.keys(sizes) as PipelineShape[]) {
    for (const steps of sizes[shape]) {
      context.log(`compile: ${shape}, ${steps} steps`);
      cases.push(await measureCase(context, shape, steps));
    }
  }
  return {
    name: 'compile',
    title: 'Compile of generated pipelines',
    method:
      'Each run is a fresh Node process that warms up by compiling a 200-step pipeline of the same shape three times, then builds the pipeline ' +
      'and times one compile() call (no file writes). The floor is a second fresh process that reads the compiled definition, then times ' +
      'JSON.stringify of the definition object followed by JSON.parse of that text. Peak RSS is the process maximum from process.resourceUsage().',
    commands: ['npm run bench -- --only compile'],
    targets: targetChecks(cases),
    table: {
      headers: ['shape', 'steps', 'definition KiB', 'compile ms', 'floor ms', 'compile ÷ floor', 'µs per step', 'compile peak RSS MiB', 'floor peak RSS MiB'],
      rows: cases.map((entry) => [
        entry.shape,
        entry.steps.toLocaleString('en-US'),
        (entry.definitionBytes / 1024).toFixed(0),
        formatSummary(entry.compileMs, 1),
        formatSummary(entry.floorMs, 2),
        entry.floorRatio.toFixed(1),
        entry.microsPerStep.toFixed(0),
        formatSummary(entry.compilePeakRssMiB, 0),
        formatSummary(entry.floorPeakRssMiB, 0),
      ]),
    },
    cases: cases.map((entry) => ({ ...entry })),
    notes: cases.filter((entry) => !entry.deterministic).map((entry) => `${entry.shape} ${entry.steps}: runs produced different definitions`),
  };
}

export const compileBenchmark: Benchmark = { name: 'compile', run: runCompileBenchmark };
