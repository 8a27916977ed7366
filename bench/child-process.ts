import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BENCH_DIST } from './paths.js';

/** Resources a measured child process used, as its own `process.resourceUsage()` reported at exit. */
export interface ChildUsage {
  readonly exitCode: number;
  readonly maxRssKiB: number;
  readonly userCpuMicros: number;
  readonly systemCpuMicros: number;
}

export interface ChildResult {
  readonly exitCode: number;
  /** Wall time from spawn to exit, measured by the parent; it includes Node's start-up. */
  readonly wallMs: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly usage: ChildUsage;
}

export interface ChildOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Extra Node options placed before the script, such as `--expose-gc`. */
  readonly nodeOptions?: readonly string[];
}

/**
 * Runs `node <script> <args>` in a fresh process and measures it. The usage preload reports the
 * child's peak RSS, so the figure covers that process alone and not the runner. Throws when the
 * child exits without a usage report (killed by a signal, for example), because its figures
 * would be missing.
 */
export async function runMeasuredChild(script: string, args: readonly string[], options: ChildOptions = {}): Promise<ChildResult> {
  const folder = mkdtempSync(join(tmpdir(), 'sagepipe-bench-usage-'));
  const usageFile = join(folder, 'usage.json');
  try {
    const started = performance.now();
    const child = spawn(process.execPath, [...(options.nodeOptions ?? []), '--import', join(BENCH_DIST, 'usage-preload.js'), script, ...args], {
      cwd: options.cwd,
      env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', ...options.env, SAGEPIPE_BENCH_USAGE_FILE: usageFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const exitCode = await new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => resolve(code ?? (signal !== null ? 128 : -1)));
    });
    const wallMs = performance.now() - started;
    const stderrText = Buffer.concat(stderr).toString('utf8');
    let usage: ChildUsage;
    try {
      usage = JSON.parse(readFileSync(usageFile, 'utf8')) as ChildUsage;
    } catch {
      throw new Error(`the measured process ${script} exited with code ${exitCode} and no usage report; its stderr ends with: ${stderrText.slice(-2000)}`);
    }
    return { exitCode, wallMs, stdout: Buffer.concat(stdout).toString('utf8'), stderr: stderrText, usage };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Runs a measured child and throws with its stderr when it exits with another code than expected. */
export async function runMeasuredChildOk(script: string, args: readonly string[], options: ChildOptions = {}, expectedExitCode = 0): Promise<ChildResult> {
  const result = await runMeasuredChild(script, args, options);
  if (result.exitCode !== expectedExitCode) {
    throw new Error(`${script} ${args.join(' ')} exited with code ${result.exitCode}, expected ${expectedExitCode}; stderr ends with: ${result.stderr.slice(-2000)}`);
  }
  return result;
}

/** Parses the last non-empty stdout line of a child as JSON; child benchmark scripts print their result there. */
export function lastJsonLine<T>(stdout: string): T {
  const lines = stdout.split('\n').filter((line) => line.trim() !== '');
  const last = lines[lines.length - 1];
  if (last === undefined) {
    throw new Error('the child process printed no result line');
  }
  return JSON.parse(last) as T;
}
