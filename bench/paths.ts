import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of the repository; the compiled benchmarks run from dist/bench, two levels below it. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The sagepipe launcher, run as a user would run it. */
export const CLI = join(REPO_ROOT, 'bin', 'sagepipe.js');

/** Compiled benchmark scripts that run in child processes. */
export const BENCH_DIST = join(REPO_ROOT, 'dist', 'bench');

/** The churn example that the local ingest benchmark compiles and runs. */
export const CHURN_EXAMPLE = join(REPO_ROOT, 'examples', 'churn-feature-store');
