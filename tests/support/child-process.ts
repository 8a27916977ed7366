import { spawn } from 'node:child_process';
import { CLI, REPO_ROOT } from './paths.js';

export interface ProcessResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Kills the process after this many milliseconds. @default 60000 */
  readonly timeoutMs?: number;
}

/**
 * Runs `node <args>` without blocking the event loop, so a local endpoint served by this
 * process keeps responding while the child talks to it. The child inherits no AWS_* variable
 * (no real credentials, profile or endpoint), and instance metadata lookups are off.
 */
export function runNode(args: readonly string[], options: RunOptions = {}): Promise<ProcessResult> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...inherited, AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ status: code ?? (signal !== null ? 128 : -1), stdout, stderr });
    });
  });
}

/** Runs `sagepipe <args>` like `runNode`, for commands that call a local endpoint. */
export function runCliAsync(args: readonly string[], options: RunOptions = {}): Promise<ProcessResult> {
  return runNode([CLI, ...args], options);
}
