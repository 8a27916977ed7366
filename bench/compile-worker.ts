/**
 * Child process of the compile benchmark. Each invocation measures one run in a fresh process,
 * so its peak RSS covers that run alone:
 *
 *   node compile-worker.js compile <shape> <steps> <definition-out>
 *     builds the pipeline, warms up on a small pipeline of the same shape, compiles once
 *     (measured) and writes the compact definition to <definition-out> for the floor.
 *   node compile-worker.js floor <definition-file>
 *     parses the definition, warms up once, then serializes and re-parses it (measured).
 *
 * The result is printed as one JSON line on stdout.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { compile } from '../compiler/compile.js';
import { countDefinitionSteps, generatePipeline, type PipelineShape } from './compile-pipelines.js';

/** Steps of the warm-up pipeline: large enough to reach the optimizing compiler, small enough not to raise the peak RSS. */
const WARM_UP_STEPS = 200;
const WARM_UP_ROUNDS = 3;
const VERSION = '0.0.0-bench';

export interface CompileRun {
  readonly shape: PipelineShape;
  readonly steps: number;
  readonly buildMs: number;
  readonly compileMs: number;
  /** Steps in the compiled definition, nested branches included; equals `steps` when compile succeeded. */
  readonly definitionSteps: number;
  readonly definitionBytes: number;
  readonly definitionSha256: string;
  /** Error codes compile reported; DEFINITION_TOO_LARGE is expected past 1 MiB. */
  readonly errorCodes: readonly string[];
  readonly artifactFiles: number;
}

export interface FloorRun {
  readonly definitionBytes: number;
  readonly floorMs: number;
}

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function runCompile(shape: PipelineShape, steps: number, definitionOut: string): CompileRun {
  for (let round = 0; round < WARM_UP_ROUNDS; round += 1) {
    compile(generatePipeline(shape, WARM_UP_STEPS), { sagepipeVersion: VERSION });
  }
  collectGarbage();

  const buildStarted = performance.now();
  const subject = generatePipeline(shape, steps);
  const buildMs = performance.now() - buildStarted;

  const started = performance.now();
  const result = compile(subject, { sagepipeVersion: VERSION });
  const compileMs = performance.now() - started;

  const errorCodes = result.issues.filter((issue) => issue.severity === 'error').map((issue) => issue.code);
  const definition = result.artifacts?.definition;
  const text = definition === undefined ? '' : JSON.stringify(definition);
  if (definition !== undefined) {
    writeFileSync(definitionOut, text);
  }
  return {
    shape,
    steps,
    buildMs,
    compileMs,
    definitionSteps: definition === undefined ? 0 : countDefinitionSteps(definition['Steps'] as unknown[]),
    definitionBytes: Buffer.byteLength(text, 'utf8'),
    definitionSha256: createHash('sha256').update(text).digest('hex'),
    errorCodes: [...new Set(errorCodes)].sort(),
    artifactFiles: result.artifacts?.files.length ?? 0,
  };
}

/** Serializes the compiled definition object to JSON text and parses that text back: the floor. */
function serializeAndParse(definition: unknown): unknown {
  return JSON.parse(JSON.stringify(definition));
}

function runFloor(definitionFile: string): FloorRun {
  const text = readFileSync(definitionFile, 'utf8');
  const definition = JSON.parse(text) as unknown;
  serializeAndParse(definition);
  collectGarbage();

  const started = performance.now();
  const copy = serializeAndParse(definition);
  const floorMs = performance.now() - started;
  if ((copy as { Steps?: unknown[] }).Steps?.length !== (definition as { Steps?: unknown[] }).Steps?.length) {
    throw new Error('the re-parsed definition lost steps');
  }
  return { definitionBytes: Buffer.byteLength(text, 'utf8'), floorMs };
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === 'compile' && rest.length === 3) {
  const [shape, steps, definitionOut] = rest as [string, string, string];
  if (shape !== 'mixed' && shape !== 'processing-chain') {
    throw new Error(`shape '${shape}' is unknown: use mixed or processing-chain`);
  }
  console.log(JSON.stringify(runCompile(shape, Number(steps), definitionOut)));
} else if (mode === 'floor' && rest.length === 1) {
  console.log(JSON.stringify(runFloor(rest[0] as string)));
} else {
  console.error('usage: compile-worker.js compile <mixed|processing-chain> <steps> <definition-out> | floor <definition-file>');
  process.exitCode = 2;
}
