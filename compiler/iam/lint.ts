import type { Issue } from '../issues.js';
import type { ActionInfo } from './action-data.js';
import { describeStatement, finding, LINT_CODES, type LintCode, type StatementRef, statementPath } from './lint-codes.js';
import { type CheckedStatement, checkIdentityStatement } from './lint-statement.js';
import { checkTrustStatement } from './lint-trust.js';

export { LINT_CODES, type LintCode };

/** A policy document to lint, with the path it has in the artifact folder. */
export interface LintDocument {
  /** Path in the artifact folder, such as `iam/role-ML-Role-Pipelines.policy.json`. */
  readonly file: string;
  /** `identity` for permission policies attached to a role, `trust` for a role's trust policy. */
  readonly kind: 'identity' | 'trust';
  readonly document: unknown;
}

/** Characters a managed policy may hold, not counting whitespace. */
export const MANAGED_POLICY_MAX_CHARACTERS = 6144;

/**
 * Actions that run code, or create something that runs code, as a role passed with iam:PassRole.
 * Holding one of them with PassRole on role R means holding R's permissions.
 */
const RUNS_AS_PASSED_ROLE = new Set(
  [
    'sagemaker:CreateProcessingJob',
    'sagemaker:CreateTrainingJob',
    'sagemaker:CreateHyperParameterTuningJob',
    'sagemaker:CreateAutoMLJob',
    'sagemaker:CreateAutoMLJobV2',
    'sagemaker:CreateNotebookInstance',
    'sagemaker:CreateModel',
    'sagemaker:CreatePipeline',
    'sagemaker:UpdatePipeline',
    'lambda:CreateFunction',
    'lambda:UpdateFunctionConfiguration',
    'elasticmapreduce:RunJobFlow',
    'ec2:RunInstances',
    'glue:CreateDevEndpoint',
    'glue:CreateJob',
    'cloudformation:CreateStack',
  ].map((action) => action.toLowerCase()),
);

/** Actions that change IAM permissions or credentials, which let a holder grant itself more. */
const CHANGES_PERMISSIONS = new Set(
  [
    'iam:AddUserToGroup',
    'iam:AttachGroupPolicy',
    'iam:AttachRolePolicy',
    'iam:AttachUserPolicy',
    'iam:CreateAccessKey',
    'iam:CreateLoginProfile',
    'iam:CreatePolicyVersion',
    'iam:PutGroupPolicy',
    'iam:PutRolePolicy',
    'iam:PutUserPolicy',
    'iam:SetDefaultPolicyVersion',
    'iam:UpdateAssumeRolePolicy',
    'iam:UpdateLoginProfile',
    'lambda:UpdateFunctionCode',
  ].map((action) => action.toLowerCase()),
);

/**
 * Lints policy documents in the spirit of IAM Access Analyzer policy validation, Parliament and
 * cdk-nag, against the IAM reference data that ships with sagepipe. Returns one issue per
 * finding, each naming the document and statement and saying how to fix it.
 */
export function lintDocuments(documents: readonly LintDocument[]): Issue[] {
  return documents.flatMap(lintDocument);
}

function lintDocument(document: LintDocument): Issue[] {
  const issues: Issue[] = [];
  const invalid = (message: string, value: unknown, fix: string, path = document.file): void => {
    issues.push(finding('IAM_INVALID_DOCUMENT', path, message, { value, fix }));
  };

  const data = document.document as Record<string, unknown> | null;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    invalid(`${document.file} is not a JSON object`, data, 'write the policy as {"Version": "2012-10-17", "Statement": [...]}');
    return issues;
  }
  if (data['Version'] !== '2012-10-17') {
    invalid(`${document.file} has Version ${JSON.stringify(data['Version'])}`, data['Version'], 'set "Version": "2012-10-17"; older versions do not support policy variables');
  }
  const statements = data['Statement'];
  if (!Array.isArray(statements) || statements.length === 0) {
    invalid(`${document.file} has no statements`, statements, 'list at least one statement, or do not attach the policy');
    return issues;
  }

  const sids = new Set<string>();
  const checked: CheckedStatement[] = [];
  statements.forEach((raw: unknown, index) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      invalid(`statement ${index} of ${document.file} is not an object`, raw, 'write each statement as an object', `${document.file}#Statement[${index}]`);
      return;
    }
    const statement = raw as Record<string, unknown>;
    const sid = typeof statement['Sid'] === 'string' ? statement['Sid'] : undefined;
    const ref: StatementRef = { file: document.file, sid, index };
    issues.push(...checkStructure(ref, statement, document.kind, sids));
    if (statement['Effect'] !== 'Allow') {
      return;
    }
    if (document.kind === 'trust') {
      issues.push(...checkTrustStatement(ref, statement));
      return;
    }
    const result = checkIdentityStatement({
      ref,
      actions: asStrings(statement['Action']),
      resources: asStrings(statement['Resource']),
      conditions: statement['Condition'],
    });
    issues.push(...result.issues);
    checked.push(result.checked);
  });

  if (document.kind === 'identity') {
    issues.push(...checkEscalation(document.file, checked));
    issues.push(...checkSize(document));
  }
  return issues;
}

function asStrings(value: unknown): string[] {
  if (value === undefined) {
    return [];
  }
  const list: unknown[] = Array.isArray(value) ? value : [value];
  return list.filter((item): item is string => typeof item === 'string');
}

function checkStructure(ref: StatementRef, statement: Record<string, unknown>, kind: LintDocument['kind'], sids: Set<string>): Issue[] {
  const issues: Issue[] = [];
  const path = statementPath(ref);
  const invalid = (message: string, value: unknown, fix: string): void => {
    issues.push(finding('IAM_INVALID_DOCUMENT', path, `${describeStatement(ref)} ${message}`, { value, fix }));
  };

  if (ref.sid !== undefined) {
    if (!/^[A-Za-z0-9]+$/.test(ref.sid)) {
      invalid('has a Sid with characters other than letters and digits', ref.sid, 'use letters and digits only in Sids');
    }
    if (sids.has(ref.sid)) {
      invalid('repeats a Sid of the same document', ref.sid, 'give every statement its own Sid');
    }
    sids.add(ref.sid);
  }
  if (statement['Effect'] !== 'Allow' && statement['Effect'] !== 'Deny') {
    invalid('has no Effect of Allow or Deny', statement['Effect'], 'set "Effect": "Allow"');
  }
  for (const element of ['NotAction', 'NotResource']) {
    if (statement[element] !== undefined) {
      invalid(`uses ${element}, which grants everything it does not list`, statement[element], `list what is granted in ${element.slice(3)} instead`);
    }
  }
  if (statement['NotAction'] === undefined && asStrings(statement['Action']).length === 0) {
    invalid('lists no actions', statement['Action'] ?? null, 'list the actions in Action');
  }
  if (kind === 'identity') {
    if (statement['Principal'] !== undefined) {
      invalid('has a Principal, which identity policies do not take', statement['Principal'], 'remove Principal; the policy applies to the role it is attached to');
    }
    if (statement['NotResource'] === undefined && asStrings(statement['Resource']).length === 0) {
      invalid('lists no resources', statement['Resource'] ?? null, 'list the resource ARNs in Resource');
    }
  } else if (statement['Principal'] === undefined && statement['NotPrincipal'] === undefined) {
    invalid('names no Principal', null, 'name the service or identity provider that may assume the role');
  }
  return issues;
}

/** PassRole on a role pattern together with an action that runs as the passed role, or any permission-changing action. */
function checkEscalation(file: string, statements: readonly CheckedStatement[]): Issue[] {
  const issues: Issue[] = [];
  const granted = (ids: ReadonlySet<string>): { readonly action: ActionInfo; readonly ref: StatementRef }[] =>
    statements.flatMap((entry) => entry.known.filter((action) => ids.has(action.id.toLowerCase())).map((action) => ({ action, ref: entry.statement.ref })));

  const broadPass = statements.filter(
    (entry) => entry.known.some((action) => action.id === 'iam:PassRole') && entry.statement.resources.some((resource) => /[*?]/.test(resource)),
  );
  const runners = granted(RUNS_AS_PASSED_ROLE);
  for (const pass of broadPass) {
    if (runners.length > 0) {
      issues.push(
        finding('IAM_PRIVILEGE_ESCALATION', statementPath(pass.statement.ref), `${file} can pass roles matching ${pass.statement.resources.join(', ')} and run code as them with ${[...new Set(runners.map((runner) => runner.action.id))].join(', ')}`, {
          value: pass.statement.resources,
          fix: 'pass only the exact roles the steps use, and keep those roles no broader than their jobs need',
        }),
      );
    }
  }
  for (const grant of granted(CHANGES_PERMISSIONS)) {
    issues.push(
      finding('IAM_PRIVILEGE_ESCALATION', statementPath(grant.ref), `${describeStatement(grant.ref)} grants ${grant.action.id}, which lets the role change its own permissions or code`, {
        value: grant.action.id,
        fix: 'remove the action; pipeline roles never change IAM permissions',
      }),
    );
  }
  return issues;
}

function checkSize(document: LintDocument): Issue[] {
  const characters = JSON.stringify(document.document).replace(/\s/g, '').length;
  if (characters <= MANAGED_POLICY_MAX_CHARACTERS) {
    return [];
  }
  return [
    finding('IAM_POLICY_TOO_LARGE', document.file, `${document.file} holds ${characters} characters without whitespace, more than a managed policy allows`, {
      value: characters,
      fix: `split the role's purposes over separate roles, or attach the document as an inline policy (at most 10,240 characters for all inline policies of a role)`,
    }),
  ];
}
