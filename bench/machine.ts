import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { version as duckDbVersion } from '@duckdb/node-api';
import { REPO_ROOT } from './paths.js';

/** The machine and software a benchmark run measured on. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly logicalCores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly kernel: string;
  readonly node: string;
  readonly duckdb: string;
  readonly duckdbNodeApi: string;
  readonly gitCommit: string;
  /** True when the working tree had uncommitted changes, so the commit alone does not name the code. */
  readonly gitDirty: boolean;
}

/** Describes this machine and the versions in use. */
export function describeMachine(): MachineInfo {
  const processors = cpus();
  return {
    cpuModel: processors[0]?.model.trim() ?? 'unknown',
    logicalCores: processors.length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: osName(),
    kernel: `${type()} ${release()}`,
    node: process.version,
    duckdb: duckDbVersion(),
    duckdbNodeApi: packageVersion('@duckdb/node-api'),
    gitCommit: git(['rev-parse', 'HEAD']),
    gitDirty: git(['status', '--porcelain', '--untracked-files=no']) !== '',
  };
}

/** Returns the 1, 5 and 15 minute load averages, rounded. The machine is shared, so each run records them. */
export function loadAverages(): readonly [number, number, number] {
  const [one, five, fifteen] = loadavg();
  return [round2(one ?? 0), round2(five ?? 0), round2(fifteen ?? 0)];
}

function osName(): string {
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    const match = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text);
    if (match?.[1] !== undefined) {
      return match[1];
    }
  } catch {
    // Not every system has /etc/os-release; the kernel name is recorded either way.
  }
  return type();
}

function packageVersion(name: string): string {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version?: string };
  return manifest.version ?? 'unknown';
}

function git(args: readonly string[]): string {
  try {
    return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // A copy of the repository without .git can still be benchmarked.
    return 'unknown';
  }
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
