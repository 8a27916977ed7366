import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of the repository (tests run from dist/tests, two levels below it). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The sagepipe launcher, for tests that run the CLI as a user would. */
export const CLI = join(REPO_ROOT, 'bin', 'sagepipe.js');

/** The public IBM Telco churn data set, kept outside the repository; override with SAGEPIPE_TELCO_CSV. */
export const TELCO_CSV = process.env['SAGEPIPE_TELCO_CSV'] ?? resolve(REPO_ROOT, '..', 'shared', 'data', 'telco-customer-churn.csv');

/**
 * The IAM reference subset (actions, resource ARN patterns, condition keys), kept outside the
 * repository; tests check emitted policies against it. Override with SAGEPIPE_IAM_ACTIONS.
 */
export const IAM_ACTIONS_ORACLE = process.env['SAGEPIPE_IAM_ACTIONS'] ?? resolve(REPO_ROOT, '..', 'shared', 'reference', 'iam-actions.json');

/** Example entry files that golden tests compile, by example folder name. */
export function exampleEntry(name: string): string {
  return join(REPO_ROOT, 'examples', name, 'pipeline.ts');
}
