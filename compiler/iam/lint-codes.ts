import type { Issue, Severity } from '../issues.js';

/** Every finding code of the IAM lint, with its severity and the rule it enforces. */
export const LINT_CODES = {
  IAM_INVALID_DOCUMENT: { severity: 'error', rule: 'a policy document has Version 2012-10-17 and a non-empty Statement list; each statement has a unique alphanumeric Sid, Effect, Action and Resource (identity) or Principal and Action (trust), no Not* elements and no empty lists' },
  IAM_UNKNOWN_SERVICE: { severity: 'error', rule: 'every action names a service prefix of the IAM reference data' },
  IAM_UNKNOWN_ACTION: { severity: 'error', rule: 'every action exists in the IAM reference data' },
  IAM_ACTION_NEWER_THAN_DATA: { severity: 'warning', rule: 'actions AWS added after the reference data was extracted cannot be checked' },
  IAM_WILDCARD_ACTION: { severity: 'error', rule: 'actions are listed by name; `*`, `service:*` and partial wildcards grant actions nobody reviewed' },
  IAM_RESOURCE_STAR: { severity: 'error', rule: '"Resource": "*" is allowed only for actions that take no resource' },
  IAM_RESOURCE_MISMATCH: { severity: 'error', rule: 'every resource fits an ARN pattern of every action in its statement' },
  IAM_RESOURCE_SPANS_ACCOUNTS: { severity: 'error', rule: 'the partition, Region and account parts of a resource ARN are literal' },
  IAM_PASSROLE_WILDCARD: { severity: 'error', rule: 'iam:PassRole names exact role ARNs, never `*` or a role pattern' },
  IAM_PASSROLE_UNCONDITIONED: { severity: 'error', rule: 'iam:PassRole carries StringEquals on iam:PassedToService with exact service principals' },
  IAM_PRIVILEGE_ESCALATION: { severity: 'error', rule: 'a policy must not combine iam:PassRole on a role pattern with an action that runs code as the passed role, nor grant actions that change IAM permissions' },
  IAM_S3_BUCKET_WRITE: { severity: 'warning', rule: 'S3 writes are limited to a key prefix, not a whole bucket' },
  IAM_UNKNOWN_CONDITION_KEY: { severity: 'error', rule: 'every condition key is a global key or a key of each action (or its resource types) in the statement' },
  IAM_CONDITION_TYPE_MISMATCH: { severity: 'error', rule: "a condition operator matches its key's type, and ForAllValues/ForAnyValue apply to multi-valued keys only" },
  IAM_CONDITION_WILDCARD: { severity: 'warning', rule: '`*` and `?` in condition values match only with the Like operators' },
  IAM_TRUST_WILDCARD_PRINCIPAL: { severity: 'error', rule: 'a trust policy names its principals; no `*` principal and no NotPrincipal' },
  IAM_TRUST_UNCONDITIONED: { severity: 'error', rule: 'a service principal is limited by aws:SourceArn or aws:SourceAccount; an OIDC principal by its aud and sub keys, with sub naming one repository' },
  IAM_POLICY_TOO_LARGE: { severity: 'warning', rule: 'a managed policy holds at most 6,144 characters without whitespace' },
} as const satisfies Record<string, { readonly severity: Severity; readonly rule: string }>;

export type LintCode = keyof typeof LINT_CODES;

/** A statement being checked: its document, its Sid or list position, and its kind. */
export interface StatementRef {
  readonly file: string;
  readonly sid: string | undefined;
  readonly index: number;
}

/** `iam/<file>#<Sid>`, or `#Statement[<index>]` for a statement without a Sid. */
export function statementPath(ref: StatementRef): string {
  return `${ref.file}#${ref.sid ?? `Statement[${ref.index}]`}`;
}

/** Builds a finding with the code's severity and rule. */
export function finding(code: LintCode, path: string, message: string, details: { readonly value?: unknown; readonly fix: string }): Issue {
  return {
    code,
    severity: LINT_CODES[code].severity,
    path,
    message,
    ...(details.value !== undefined ? { value: details.value } : {}),
    rule: LINT_CODES[code].rule,
    fix: details.fix,
  };
}

/** Names the statement in a message: `statement 'PassRoles' of iam/role-x.policy.json`. */
export function describeStatement(ref: StatementRef): string {
  return `${ref.sid !== undefined ? `statement '${ref.sid}'` : `statement ${ref.index}`} of ${ref.file}`;
}
