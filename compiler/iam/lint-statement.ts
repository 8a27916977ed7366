import type { Issue } from '../issues.js';
import {
  ACTIONS_NEWER_THAN_DATA,
  type ActionInfo,
  expandActionPattern,
  findAction,
  isKnownService,
  resourceFitsPattern,
} from './action-data.js';
import { checkConditions } from './lint-conditions.js';
import { describeStatement, finding, type StatementRef, statementPath } from './lint-codes.js';

/** An identity-policy statement with its lists normalized. */
export interface IdentityStatement {
  readonly ref: StatementRef;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly conditions: unknown;
}

/** A checked statement with those of its actions found in the data, for the document-level checks. */
export interface CheckedStatement {
  readonly statement: IdentityStatement;
  readonly known: readonly ActionInfo[];
}

/** Checks the actions, resources and conditions of one Allow statement of an identity policy. */
export function checkIdentityStatement(statement: IdentityStatement): { readonly issues: Issue[]; readonly checked: CheckedStatement } {
  const { ref } = statement;
  const path = statementPath(ref);
  const issues: Issue[] = [];
  const known: ActionInfo[] = [];

  for (const action of statement.actions) {
    const [prefix = '', name = ''] = action.split(':');
    if (/[*?]/.test(action)) {
      const expansion = expandActionPattern(action).map((info) => info.id);
      issues.push(
        finding('IAM_WILDCARD_ACTION', path, `${describeStatement(ref)} grants action pattern '${action}', which matches ${expansion.length} action(s)`, {
          value: action,
          fix: expansion.length > 0 && expansion.length <= 12 ? `list the actions the role needs, out of: ${expansion.join(', ')}` : 'list the actions the role needs by name',
        }),
      );
      continue;
    }
    if (!isKnownService(prefix) || name === '') {
      issues.push(finding('IAM_UNKNOWN_SERVICE', path, `${describeStatement(ref)} names action '${action}' of unknown service '${prefix}'`, { value: action, fix: 'check the service prefix, such as sagemaker, s3 or iam' }));
      continue;
    }
    const info = findAction(action);
    if (info === undefined) {
      const newer = ACTIONS_NEWER_THAN_DATA.find((candidate) => candidate.toLowerCase() === action.toLowerCase());
      issues.push(
        newer !== undefined
          ? finding('IAM_ACTION_NEWER_THAN_DATA', path, `${describeStatement(ref)} grants '${action}', which is newer than the IAM reference data`, { value: action, fix: 'check its resource types in the current Service Authorization Reference' })
          : finding('IAM_UNKNOWN_ACTION', path, `${describeStatement(ref)} grants '${action}', which service '${prefix}' does not have`, { value: action, fix: 'check the spelling against the Service Authorization Reference' }),
      );
      continue;
    }
    known.push(info);
  }

  for (const resource of statement.resources) {
    issues.push(...checkResource(statement, resource, known));
  }
  issues.push(...checkPassRole(statement, known));
  issues.push(...checkBucketWrite(statement, known));
  issues.push(...checkConditions(ref, statement.conditions, known));
  return { issues, checked: { statement, known } };
}

function checkResource(statement: IdentityStatement, resource: string, actions: readonly ActionInfo[]): Issue[] {
  const { ref } = statement;
  const path = statementPath(ref);
  if (resource === '*') {
    // PassRole on "*" gets its own, more specific finding.
    const scoped = actions.filter((action) => action.resourceTypes.length > 0 && action.id !== 'iam:PassRole');
    return scoped.length === 0
      ? []
      : [
          finding('IAM_RESOURCE_STAR', path, `${describeStatement(ref)} grants ${scoped.map((action) => action.id).join(', ')} on "*", though they take resource ARNs`, {
            value: resource,
            fix: `name the resources, such as ${scoped[0]?.resourceTypes[0]?.arn ?? 'their ARNs'}, and keep "*" for actions that take no resource`,
          }),
        ];
  }

  const parts = resource.split(':');
  if (parts.length >= 5 && parts.slice(1, 5).some((part) => /[*?]/.test(part))) {
    return [
      finding('IAM_RESOURCE_SPANS_ACCOUNTS', path, `resource '${resource}' of ${describeStatement(ref)} has a wildcard in its partition, service, Region or account`, {
        value: resource,
        fix: "write the pipeline's partition, Region and account into the ARN",
      }),
    ];
  }

  const misfits = actions.filter((action) => !action.resourceTypes.some((type) => resourceFitsPattern(resource, type.arn)));
  if (misfits.length === 0) {
    return [];
  }
  const example = misfits[0] as ActionInfo;
  const expected = example.resourceTypes.length === 0 ? '"*" only' : example.resourceTypes.map((type) => type.arn).join(' or ');
  return [
    finding('IAM_RESOURCE_MISMATCH', path, `resource '${resource}' of ${describeStatement(ref)} fits no ARN pattern of ${misfits.map((action) => action.id).join(', ')}`, {
      value: resource,
      fix: `${example.id} takes ${expected}; move the resource to the statement of the actions it belongs to`,
    }),
  ];
}

function checkPassRole(statement: IdentityStatement, actions: readonly ActionInfo[]): Issue[] {
  if (!actions.some((action) => action.id === 'iam:PassRole')) {
    return [];
  }
  const { ref } = statement;
  const path = statementPath(ref);
  const issues: Issue[] = [];

  const broad = statement.resources.filter((resource) => /[*?]/.test(resource));
  if (broad.length > 0) {
    issues.push(
      finding('IAM_PASSROLE_WILDCARD', path, `${describeStatement(ref)} allows iam:PassRole on ${broad.map((resource) => `'${resource}'`).join(', ')}`, {
        value: broad,
        fix: 'list the exact role ARNs that the steps hand to their jobs',
      }),
    );
  }

  const conditions = (typeof statement.conditions === 'object' && statement.conditions !== null ? statement.conditions : {}) as Record<string, Record<string, unknown>>;
  const passedTo = conditions['StringEquals']?.['iam:PassedToService'];
  let services: unknown[] = [];
  if (passedTo !== undefined) {
    services = Array.isArray(passedTo) ? passedTo : [passedTo];
  }
  if (services.length === 0 || services.some((service) => typeof service !== 'string' || /[*?]/.test(service))) {
    issues.push(
      finding('IAM_PASSROLE_UNCONDITIONED', path, `${describeStatement(ref)} allows iam:PassRole without limiting the service the role is passed to`, {
        value: statement.conditions ?? null,
        fix: 'add "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}',
      }),
    );
  }
  return issues;
}

/** S3 object keys of a resource that spans its whole bucket: `bucket/*`, `bucket*` or `*`. */
function wholeBucket(resource: string): boolean {
  const match = /^arn:[^:]+:s3:::([^/]*)(?:\/(.*))?$/.exec(resource);
  if (match === null) {
    return false;
  }
  const bucket = match[1] as string;
  const key = match[2];
  return bucket.includes('*') || key === undefined || key.startsWith('*');
}

function checkBucketWrite(statement: IdentityStatement, actions: readonly ActionInfo[]): Issue[] {
  const writes = actions.filter((action) => action.id.startsWith('s3:') && (action.level === 'Write' || action.level === 'Permissions management'));
  const objectWrites = writes.filter((action) => action.resourceTypes.some((type) => type.name === 'object'));
  const spanning = statement.resources.filter((resource) => resource === '*' || wholeBucket(resource));
  if (objectWrites.length === 0 || spanning.length === 0) {
    return [];
  }
  const { ref } = statement;
  return [
    finding('IAM_S3_BUCKET_WRITE', statementPath(ref), `${describeStatement(ref)} grants ${objectWrites.map((action) => action.id).join(', ')} on a whole bucket: ${spanning.join(', ')}`, {
      value: spanning,
      fix: 'write below a key prefix (for example set an asset prefix or an output folder), so other data in the bucket stays out of reach',
    }),
  ];
}
