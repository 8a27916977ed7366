import type { Expression, ExpressionValue } from '../dsl/expressions.js';
import type { ArgumentTree, FieldPath, RenderContext } from './context.js';

/** SageMaker's rule for environment variable names of jobs. */
export const ENVIRONMENT_NAME_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]{0,255}$/;

/** Renders an `Environment` map, each value as text (non-string expressions become joins). */
export function renderEnvironment(
  context: RenderContext,
  environment: Readonly<Record<string, ExpressionValue>>,
  path: FieldPath,
): Record<string, ArgumentTree> {
  const rendered: Record<string, ArgumentTree> = {};
  const names = Object.keys(environment);
  if (names.length > 100) {
    context.report({
      code: 'TOO_MANY_ENVIRONMENT_VARIABLES',
      path,
      message: `${names.length} environment variables are set, more than SageMaker accepts`,
      value: names.length,
      rule: 'a job takes at most 100 environment variables',
      fix: 'pass the extra settings in a file input or as container arguments',
    });
  }
  for (const name of names) {
    if (!ENVIRONMENT_NAME_PATTERN.test(name)) {
      context.report({
        code: 'INVALID_ENVIRONMENT_NAME',
        path: path.child(name),
        message: `environment variable name '${name}' is invalid`,
        value: name,
        rule: `names match ${ENVIRONMENT_NAME_PATTERN.source}`,
        fix: 'use letters, digits and underscores, not starting with a digit',
      });
    }
    rendered[name] = context.text(environment[name], path.child(name));
  }
  return rendered;
}

/** Renders `Tags` as the list of `{Key, Value}` pairs the API takes, in the given order. */
export function renderTags(
  context: RenderContext,
  tags: Readonly<Record<string, string>>,
  path: FieldPath,
): ArgumentTree[] {
  const keys = Object.keys(tags);
  if (keys.length > 50) {
    context.report({
      code: 'TOO_MANY_TAGS',
      path,
      message: `${keys.length} tags are set, more than SageMaker accepts`,
      value: keys.length,
      rule: 'at most 50 tags per resource',
      fix: 'remove tags or merge related ones',
    });
  }
  return keys.map((key) => ({
    Key: context.literal(key, path.child(key), { pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u, rule: 'tag keys are 1-128 letters, digits, spaces and _.:/=+-@' }),
    Value: context.literal(tags[key], path.child(key), { pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u, rule: 'tag values are up to 256 letters, digits, spaces and _.:/=+-@' }),
  }));
}

/** Reports duplicate names in a list of named items, such as processing inputs. */
export function reportDuplicateNames(
  context: RenderContext,
  names: readonly string[],
  path: FieldPath,
  what: string,
): void {
  const seen = new Map<string, number>();
  names.forEach((name, index) => {
    const first = seen.get(name);
    if (first === undefined) {
      seen.set(name, index);
      return;
    }
    context.report({
      code: 'DUPLICATE_NAME',
      path: path.child(index),
      message: `${what} name '${name}' is also used at index ${first}`,
      value: name,
      rule: `${what} names must be unique within a step`,
      fix: `rename one of the ${what}s`,
    });
  });
}

/** Expressions that a user may pass where a literal or an expression is accepted. */
export type AnyValue = ExpressionValue | Expression;
