import { readFileSync } from 'node:fs';
import type { CompileResult } from '../../compiler/compile.js';
import { compileEntry } from '../../cli/compile-entry.js';
import { IAM_ACTIONS_ORACLE } from './paths.js';

/** A resource row of an action in the reference subset. */
export interface OracleResourceRow {
  readonly resource_type: string;
  readonly arn: string;
  readonly required: boolean;
  readonly condition_keys: readonly string[];
  readonly resource_condition_keys: readonly string[];
}

/** An action of the reference subset, as iam-actions.json spells it. */
export interface OracleAction {
  readonly access_level: string;
  readonly supports_resource_level: boolean;
  readonly resource_types: readonly OracleResourceRow[];
}

/** The reference subset: `services.<prefix>.actions.<Action>`. */
export interface Oracle {
  readonly services: Record<string, { readonly actions: Record<string, OracleAction>; readonly condition_keys: Record<string, { readonly type: string }> }>;
}

let cached: Oracle | undefined;

/** Reads iam-actions.json once per test process. */
export function loadOracle(): Oracle {
  cached ??= JSON.parse(readFileSync(IAM_ACTIONS_ORACLE, 'utf8')) as Oracle;
  return cached;
}

/** Looks up `service:Action` exactly as written; sagepipe emits the reference's spelling. */
export function oracleAction(action: string): OracleAction | undefined {
  const [prefix = '', name = ''] = action.split(':');
  return loadOracle().services[prefix]?.actions[name];
}

/** Slots whose values may contain `/`; every other name slot stops at `/` and `:`. */
const SLASHED_SLOTS: Record<string, string> = {
  ObjectName: '.+',
  RoleNameWithPath: '[^:]+',
  LogGroupName: '[^:]+',
  LogStreamName: '[^:]+',
};

/**
 * True when a policy resource fits a reference ARN pattern. Written apart from the lint's
 * matcher on purpose: partition, Region and account slots take only real values (or the
 * ACCOUNT_ID placeholder), and a `*` of the resource must fall inside a name slot, because it is
 * replaced by a plain letter before matching.
 */
export function fitsOraclePattern(pattern: string, resource: string): boolean {
  const source = pattern
    .split(/(\$\{[A-Za-z]+\})/)
    .map((part) => {
      const slot = /^\$\{([A-Za-z]+)\}$/.exec(part)?.[1];
      if (slot === undefined) {
        return part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      }
      if (slot === 'Partition') {
        return '(aws|aws-cn|aws-us-gov)';
      }
      if (slot === 'Region') {
        return '[a-z]{2}(-gov)?-[a-z]+-[0-9]';
      }
      if (slot === 'Account') {
        return '([0-9]{12}|ACCOUNT_ID)';
      }
      return SLASHED_SLOTS[slot] ?? '[^/:]+';
    })
    .join('');
  return new RegExp(`^${source}$`).test(resource.replace(/[*?]/g, 'x'));
}

/** An IAM document of a compiled pipeline, parsed. */
export interface CompiledDocument {
  readonly path: string;
  readonly role: 'iam-policy' | 'iam-trust-policy';
  readonly iamRole: string | undefined;
  readonly document: { readonly Version: string; readonly Statement: readonly Record<string, unknown>[] };
}

/** The IAM documents of a successful compile result. */
export function iamDocuments(result: CompileResult): CompiledDocument[] {
  const files = result.artifacts?.files ?? [];
  return files
    .filter((file) => file.role === 'iam-policy' || file.role === 'iam-trust-policy')
    .map((file) => ({
      path: file.path,
      role: file.role as CompiledDocument['role'],
      iamRole: file.iamRole,
      document: JSON.parse(new TextDecoder().decode(file.content)) as CompiledDocument['document'],
    }));
}

const compiledExamples = new Map<string, Promise<CompileResult>>();

/** Compiles an example entry in this process once and shares the result between tests. */
export function compileExample(entry: string): Promise<CompileResult> {
  let result = compiledExamples.get(entry);
  if (result === undefined) {
    result = compileEntry(entry, { typeCheck: false });
    compiledExamples.set(entry, result);
  }
  return result;
}

/** A string or a list of strings of a policy element, as a list. */
export function asList(value: unknown): string[] {
  if (value === undefined) {
    return [];
  }
  return (Array.isArray(value) ? value : [value]) as string[];
}

/** An Allow statement as sagepipe writes it, for exact comparisons. */
export function allow(sid: string, actions: readonly string[], resources: readonly string[], condition?: Record<string, unknown>): Record<string, unknown> {
  return { Sid: sid, Effect: 'Allow', Action: [...actions], Resource: [...resources], ...(condition !== undefined ? { Condition: condition } : {}) };
}

/** The one condition sagepipe puts on every iam:PassRole statement. */
export const PASSED_TO_SAGEMAKER = { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } };

/** Finds a compiled document by its path in the artifact folder. */
export function documentAt(result: CompileResult, path: string): CompiledDocument['document'] {
  const found = iamDocuments(result).find((document) => document.path === path);
  if (found === undefined) {
    throw new Error(`no IAM document at ${path}; the compile wrote ${iamDocuments(result).map((document) => document.path).join(', ')}`);
  }
  return found.document;
}
