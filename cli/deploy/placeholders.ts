import type { Issue } from '../../compiler/issues.js';
import type { Manifest } from '../../compiler/manifest.js';
import { ExitCode, UserError } from '../output.js';

/**
 * Rejects an artifact folder whose manifest still lists placeholder values (such as the
 * ACCOUNT_ID of the example config), before any AWS call is made, with one issue per value.
 */
export function rejectPlaceholders(manifest: Manifest): void {
  if (manifest.placeholders.length === 0) {
    return;
  }
  const issues: Issue[] = manifest.placeholders.map((placeholder) => ({
    code: 'PLACEHOLDER_VALUE',
    severity: 'error',
    path: placeholder.path,
    message: 'a deployed value still contains a placeholder',
    value: placeholder.value,
    rule: 'upsert deploys only real values: no ACCOUNT_ID and no example.com e-mail address',
    fix: 'replace the placeholder in the config, then run `sagepipe compile` again',
  }));
  throw new UserError(`the artifact folder still contains ${issues.length} placeholder value(s); nothing was deployed`, ExitCode.failed, issues);
}
