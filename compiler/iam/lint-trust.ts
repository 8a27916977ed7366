import type { Issue } from '../issues.js';
import { checkConditions } from './lint-conditions.js';
import { describeStatement, finding, type StatementRef, statementPath } from './lint-codes.js';

/** Keys that tie a service principal to the caller's account or resource. */
const SOURCE_KEYS = ['aws:sourcearn', 'aws:sourceaccount'];

/** Condition keys of a statement, lower-cased, with their values flattened. */
function conditionEntries(conditions: unknown): { readonly key: string; readonly values: readonly unknown[] }[] {
  if (typeof conditions !== 'object' || conditions === null) {
    return [];
  }
  return Object.values(conditions as Record<string, unknown>).flatMap((block) =>
    typeof block === 'object' && block !== null
      ? Object.entries(block as Record<string, unknown>).map(([key, value]) => ({ key: key.toLowerCase(), values: Array.isArray(value) ? value : [value] }))
      : [],
  );
}

function asList(value: unknown): unknown[] {
  if (value === undefined) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}

/**
 * Checks one Allow statement of a trust policy: named principals only, service principals
 * limited by aws:SourceArn or aws:SourceAccount, OIDC principals limited by their aud and sub
 * keys, and a GitHub sub that names one repository.
 */
export function checkTrustStatement(ref: StatementRef, statement: Record<string, unknown>): Issue[] {
  const path = statementPath(ref);
  const issues: Issue[] = [];

  if (statement['NotPrincipal'] !== undefined) {
    issues.push(finding('IAM_TRUST_WILDCARD_PRINCIPAL', path, `${describeStatement(ref)} uses NotPrincipal with Allow, which trusts every principal it does not list`, { value: statement['NotPrincipal'], fix: 'name the trusted principals in Principal' }));
  }
  const principal = statement['Principal'];
  if (principal === '*' || (typeof principal === 'object' && principal !== null && asList((principal as Record<string, unknown>)['AWS']).includes('*'))) {
    issues.push(finding('IAM_TRUST_WILDCARD_PRINCIPAL', path, `${describeStatement(ref)} trusts every AWS principal`, { value: principal, fix: 'name the service, account or identity provider that may assume the role' }));
  }

  const entries = conditionEntries(statement['Condition']);
  const principals = typeof principal === 'object' && principal !== null ? (principal as Record<string, unknown>) : {};

  if (asList(principals['Service']).length > 0 && !entries.some((entry) => SOURCE_KEYS.includes(entry.key))) {
    issues.push(
      finding('IAM_TRUST_UNCONDITIONED', path, `${describeStatement(ref)} lets ${asList(principals['Service']).join(', ')} assume the role on behalf of any account`, {
        value: principals['Service'],
        fix: 'add aws:SourceAccount (StringEquals) and, where the service sets it, aws:SourceArn (ArnLike) with the ARNs of the pipeline or jobs',
      }),
    );
  }

  for (const provider of asList(principals['Federated'])) {
    const host = typeof provider === 'string' ? /:oidc-provider\/(.+)$/.exec(provider)?.[1] : undefined;
    if (host === undefined) {
      continue;
    }
    const prefix = host.toLowerCase();
    const aud = entries.find((entry) => entry.key === `${prefix}:aud`);
    const sub = entries.find((entry) => entry.key === `${prefix}:sub`);
    if (aud === undefined || sub === undefined) {
      issues.push(
        finding('IAM_TRUST_UNCONDITIONED', path, `${describeStatement(ref)} trusts OIDC provider ${host} without ${aud === undefined ? 'an aud' : 'a sub'} condition`, {
          value: statement['Condition'] ?? null,
          fix: `add StringEquals on ${host}:aud and on ${host}:sub`,
        }),
      );
      continue;
    }
    const broadSub = sub.values.some((value) => typeof value !== 'string' || /^repo:[^/]*[*?]|^repo:[^/]+\/[^:]*[*?]|^[*?]/.test(value));
    if (prefix === 'token.actions.githubusercontent.com' && broadSub) {
      issues.push(
        finding('IAM_TRUST_UNCONDITIONED', path, `${describeStatement(ref)} lets workflows of more than one GitHub repository assume the role`, {
          value: sub.values,
          fix: 'set sub to repo:<owner>/<repository>:ref:refs/heads/<branch> or repo:<owner>/<repository>:environment:<environment>',
        }),
      );
    }
  }

  issues.push(...checkConditions(ref, statement['Condition'], undefined));
  return issues;
}
