/**
 * Evaluates the expressions of a compiled definition for a local run: `Get` of parameters,
 * execution variables and step properties, `Std:Join` and `Std:JsonGet`, and the conditions of
 * Condition steps.
 */
import { readFileSync } from 'node:fs';

export type PipelineValue = string | number | boolean;

/** The values that expressions read while a local execution runs. */
export interface EvaluationScope {
  readonly parameters: ReadonlyMap<string, PipelineValue>;
  readonly execution: Readonly<Record<string, string>>;
  /** Properties of finished steps, shaped like their Describe* responses. */
  readonly stepProperties: ReadonlyMap<string, Record<string, unknown>>;
  /** Returns the local path of a property file that a step wrote. */
  readonly propertyFilePath: (stepName: string, fileName: string) => string;
  /** Maps an s3:// URI to its local path. */
  readonly s3Path: (uri: string) => string;
}

/** Raised when an expression cannot be evaluated locally; the message names the expression. */
export class EvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvaluationError';
  }
}

/** Evaluates every expression inside a JSON tree and returns the tree with plain values. */
export function evaluateTree(tree: unknown, scope: EvaluationScope): unknown {
  if (Array.isArray(tree)) {
    return tree.map((item) => evaluateTree(item, scope));
  }
  if (typeof tree !== 'object' || tree === null) {
    return tree;
  }
  const record = tree as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && keys[0] === 'Get') {
    return resolveGet(String(record['Get']), scope);
  }
  if (keys.length === 1 && keys[0] === 'Std:Join') {
    const join = record['Std:Join'] as { On?: string; Values?: unknown[] };
    return (join.Values ?? []).map((item) => String(evaluateTree(item, scope))).join(join.On ?? '');
  }
  if (keys.length === 1 && keys[0] === 'Std:JsonGet') {
    return evaluateJsonGet(record['Std:JsonGet'] as Record<string, unknown>, scope);
  }
  return Object.fromEntries(keys.map((key) => [key, evaluateTree(record[key], scope)]));
}

function resolveGet(reference: string, scope: EvaluationScope): unknown {
  const [namespace, ...rest] = reference.split('.');
  const name = rest.join('.');
  if (namespace === 'Parameters') {
    if (!scope.parameters.has(name)) {
      throw new EvaluationError(`${reference} is undefined: the pipeline declares no parameter '${name}'`);
    }
    return scope.parameters.get(name);
  }
  if (namespace === 'Execution') {
    const value = scope.execution[name];
    if (value === undefined) {
      throw new EvaluationError(`${reference} is undefined in a local run`);
    }
    return value;
  }
  if (namespace === 'Steps') {
    const match = /^([^.[]+)\.?(.*)$/.exec(name);
    const stepName = match?.[1] ?? '';
    const properties = scope.stepProperties.get(stepName);
    if (properties === undefined) {
      throw new EvaluationError(`${reference} is undefined: step '${stepName}' has not run`);
    }
    const value = readPath(properties, match?.[2] ?? '');
    if (value === undefined) {
      throw new EvaluationError(`${reference} is undefined: step '${stepName}' has no such property in a local run`);
    }
    return value;
  }
  throw new EvaluationError(`${reference} is undefined: '${namespace}' is not a namespace sagepipe evaluates locally`);
}

function evaluateJsonGet(body: Record<string, unknown>, scope: EvaluationScope): unknown {
  const jsonPath = String(body['Path'] ?? '');
  let path: string;
  const propertyFile = body['PropertyFile'] as { Get?: string } | undefined;
  if (propertyFile?.Get !== undefined) {
    const match = /^Steps\.([^.]+)\.PropertyFiles\.(.+)$/.exec(propertyFile.Get);
    if (match === null) {
      throw new EvaluationError(`Std:JsonGet property file '${propertyFile.Get}' is not of the form Steps.<step>.PropertyFiles.<name>`);
    }
    path = scope.propertyFilePath(match[1] as string, match[2] as string);
  } else {
    path = scope.s3Path(String(evaluateTree(body['S3Uri'], scope)));
  }
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new EvaluationError(`Std:JsonGet cannot read the JSON file ${path}: ${(error as Error).message}`);
  }
  const value = readPath(document, jsonPath);
  if (value === undefined) {
    throw new EvaluationError(`Std:JsonGet path '${jsonPath}' is undefined in ${path}`);
  }
  return value;
}

/**
 * Reads a dotted path with bracket selectors, such as `ProcessingOutputConfig.Outputs['report'].S3Output.S3Uri`
 * or `metrics.accuracy[0]`: quoted selectors are map keys, bare digits are list indexes.
 */
export function readPath(root: unknown, path: string): unknown {
  const tokens = path.match(/[^.[\]]+|\[(?:'[^']*'|"[^"]*"|\d+)\]/g) ?? [];
  let current: unknown = root;
  for (const token of tokens) {
    if (current === null || typeof current !== 'object') {
      return undefined;
    }
    const key = token.startsWith('[') ? token.slice(1, -1).replace(/^['"]|['"]$/g, '') : token;
    current = Array.isArray(current) && /^\d+$/.test(key) ? current[Number(key)] : (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Evaluates a Condition step's condition list, which is a conjunction. */
export function evaluateConditions(conditions: readonly Record<string, unknown>[], scope: EvaluationScope): boolean {
  return conditions.every((condition) => evaluateCondition(condition, scope));
}

function evaluateCondition(condition: Record<string, unknown>, scope: EvaluationScope): boolean {
  const type = condition['Type'];
  switch (type) {
    case 'Not':
      return !evaluateCondition(condition['Condition'] as Record<string, unknown>, scope);
    case 'Or':
      return (condition['Conditions'] as Record<string, unknown>[]).some((item) => evaluateCondition(item, scope));
    case 'In': {
      const query = evaluateTree(condition['QueryValue'], scope);
      return (condition['Values'] as unknown[]).some((item) => equals(query, evaluateTree(item, scope)));
    }
    case 'Equals':
      return equals(evaluateTree(condition['LeftValue'], scope), evaluateTree(condition['RightValue'], scope));
    case 'GreaterThan':
    case 'GreaterThanOrEqualTo':
    case 'LessThan':
    case 'LessThanOrEqualTo': {
      const order = compare(evaluateTree(condition['LeftValue'], scope), evaluateTree(condition['RightValue'], scope), type);
      if (type === 'GreaterThan') {
        return order > 0;
      }
      if (type === 'GreaterThanOrEqualTo') {
        return order >= 0;
      }
      return type === 'LessThan' ? order < 0 : order <= 0;
    }
    default:
      throw new EvaluationError(`condition type '${String(type)}' is not supported`);
  }
}

function equals(left: unknown, right: unknown): boolean {
  if (typeof left !== typeof right) {
    throw new EvaluationError(`Equals compares ${JSON.stringify(left)} (${typeof left}) with ${JSON.stringify(right)} (${typeof right}), which are not of the same type`);
  }
  return left === right;
}

function compare(left: unknown, right: unknown, type: string): number {
  if (typeof left === 'number' && typeof right === 'number') {
    return left - right;
  }
  if (typeof left === 'string' && typeof right === 'string') {
    if (left === right) {
      return 0;
    }
    return left < right ? -1 : 1;
  }
  throw new EvaluationError(`${type} needs two numbers or two strings, got ${JSON.stringify(left)} and ${JSON.stringify(right)}`);
}
