import type { Issue } from '../issues.js';
import { type ActionInfo, conditionKeyType, isConditionKeyValidFor } from './action-data.js';
import { describeStatement, finding, type StatementRef, statementPath } from './lint-codes.js';

/** Key types each operator family compares; `String` operators also work on ARN keys. */
const OPERATOR_TYPES: readonly (readonly [RegExp, readonly string[]])[] = [
  [/^String(Not)?Equals(IgnoreCase)?$|^String(Not)?Like$/, ['String', 'ARN']],
  [/^Arn(Not)?(Equals|Like)$/, ['ARN']],
  [/^Numeric(Not)?Equals$|^Numeric(Less|Greater)Than(Equals)?$/, ['Numeric']],
  [/^Date(Not)?Equals$|^Date(Less|Greater)Than(Equals)?$/, ['Date']],
  [/^Bool$/, ['Bool']],
  [/^BinaryEquals$/, ['Binary']],
  [/^(Not)?IpAddress$/, ['IPAddress']],
];

/** Parsed operator: the set qualifier, the base operator and whether it ends in IfExists. */
function parseOperator(operator: string): { readonly qualifier: string | undefined; readonly base: string } {
  const match = /^(?:(ForAllValues|ForAnyValue):)?(.+?)(?:IfExists)?$/.exec(operator);
  return { qualifier: match?.[1], base: match?.[2] ?? operator };
}

/**
 * Checks a statement's Condition block: each key is known and valid for every action of the
 * statement (identity policies), each operator fits its key's type, set qualifiers apply to
 * multi-valued keys, and wildcards in values come with a Like operator.
 */
export function checkConditions(ref: StatementRef, conditions: unknown, actions: readonly ActionInfo[] | undefined): Issue[] {
  const issues: Issue[] = [];
  const path = statementPath(ref);
  if (conditions === undefined) {
    return issues;
  }
  if (typeof conditions !== 'object' || conditions === null || Array.isArray(conditions)) {
    return [finding('IAM_INVALID_DOCUMENT', path, `the Condition of ${describeStatement(ref)} is not an object`, { value: conditions, fix: 'write Condition as {"<operator>": {"<key>": <value>}}' })];
  }

  for (const [operator, block] of Object.entries(conditions)) {
    const { qualifier, base } = parseOperator(operator);
    const family = OPERATOR_TYPES.find(([pattern]) => pattern.test(base));
    if (base !== 'Null' && family === undefined) {
      issues.push(finding('IAM_CONDITION_TYPE_MISMATCH', path, `${describeStatement(ref)} uses unknown condition operator '${operator}'`, { value: operator, fix: 'use a condition operator of the IAM reference, such as StringEquals or ArnLike' }));
      continue;
    }
    if (typeof block !== 'object' || block === null || Array.isArray(block)) {
      issues.push(finding('IAM_INVALID_DOCUMENT', path, `operator '${operator}' of ${describeStatement(ref)} does not hold a key-to-value object`, { value: block, fix: 'write {"<key>": <value or list>} under the operator' }));
      continue;
    }

    for (const [key, value] of Object.entries(block as Record<string, unknown>)) {
      const type = conditionKeyType(key);
      const invalidFor = actions?.filter((action) => !isConditionKeyValidFor(action, key)) ?? [];
      if (actions !== undefined && (type === undefined || invalidFor.length > 0)) {
        const names = invalidFor.map((action) => action.id).join(', ');
        issues.push(
          finding('IAM_UNKNOWN_CONDITION_KEY', path, `condition key '${key}' of ${describeStatement(ref)} ${type === undefined ? 'is not in the IAM reference data' : `does not apply to ${names}`}`, {
            value: key,
            fix: 'use a key the reference lists for these actions, or move the actions it does not apply to into their own statement',
          }),
        );
        continue;
      }
      if (type === undefined) {
        continue;
      }

      const multiValued = type.startsWith('ArrayOf');
      const valueType = multiValued ? type.slice('ArrayOf'.length) : type;
      if (qualifier !== undefined && !multiValued) {
        issues.push(
          finding('IAM_CONDITION_TYPE_MISMATCH', path, `${describeStatement(ref)} applies ${qualifier} to single-valued key '${key}'`, {
            value: operator,
            fix: `drop the ${qualifier}: qualifier; on a single-valued key it also matches requests without the key`,
          }),
        );
      }
      if (family !== undefined && !family[1].includes(valueType)) {
        issues.push(
          finding('IAM_CONDITION_TYPE_MISMATCH', path, `${describeStatement(ref)} compares ${type} key '${key}' with operator '${operator}'`, {
            value: operator,
            fix: `use an operator for ${valueType} values`,
          }),
        );
      }

      const values = Array.isArray(value) ? value : [value];
      const wildcard = values.some((item) => typeof item === 'string' && /[*?]/.test(item));
      if (wildcard && !/Like$/.test(base) && base !== 'Null') {
        issues.push(
          finding('IAM_CONDITION_WILDCARD', path, `${describeStatement(ref)} has a wildcard in the value of '${key}', but '${operator}' compares it literally`, {
            value,
            fix: `use ${base.startsWith('Arn') ? 'ArnLike' : 'StringLike'} to match a pattern, or remove the wildcard`,
          }),
        );
      }
    }
  }
  return issues;
}
