/**
 * Converts `--param Name=Value` arguments to the declared pipeline parameter types. `start` and
 * `run --local` both use it, so they take the same values and report the same problems.
 *
 * The rules:
 * - Integer: an optional sign and decimal digits, within the signed 64-bit range. The digits
 *   are kept as text (`+007` becomes `7`), so no value is rounded through a double.
 * - Float: a decimal number with an optional fraction and exponent, finite as a 64-bit float.
 *   No hexadecimal, Infinity or NaN. The text becomes JavaScript's shortest form of that
 *   double (`1e-3` becomes `0.001`, `1e21` becomes `1e+21`).
 * - Boolean: true or false in any letter case, sent as `true` or `false`.
 * - String: the text as given.
 * Every value must be one of the parameter's allowed values when it has a list, and at most
 * 1,024 characters long, the limit of StartPipelineExecution.
 */
import type { Issue } from '../compiler/issues.js';
import type { ManifestParameter } from '../compiler/manifest.js';
import { ExitCode, UserError } from './output.js';

/** StartPipelineExecution accepts parameter values of at most 1,024 characters. */
export const MAX_PARAMETER_VALUE_LENGTH = 1024;

/** The signed 64-bit range of an Integer parameter. */
export const INTEGER_MIN = -(2n ** 63n);
export const INTEGER_MAX = 2n ** 63n - 1n;

/** One `--param` value, converted. */
export interface ParameterAssignment {
  readonly name: string;
  readonly type: ManifestParameter['type'];
  /** The value in canonical form, as StartPipelineExecution takes it. */
  readonly text: string;
}

/** The converted values, in argument order, and every problem found. */
export interface ParameterCheck {
  readonly assignments: readonly ParameterAssignment[];
  readonly issues: readonly Issue[];
}

type Conversion = { readonly text: string } | { readonly code: 'PARAM_WRONG_TYPE' | 'PARAM_OUT_OF_RANGE'; readonly rule: string };

const INTEGER = /^[+-]?[0-9]+$/;
const FLOAT = /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/;
const BOOLEAN = /^(true|false)$/i;

/**
 * Checks `Name=Value` arguments against the declared parameters and converts each value to its
 * canonical form. Problems are collected, one issue each, in argument order: a malformed
 * argument, an undeclared name, a name given twice, a value of the wrong type or out of range,
 * a value that is too long or not allowed. Declared parameters without a default that no
 * argument sets come last.
 */
export function checkParameterArguments(raw: readonly string[], declared: readonly ManifestParameter[]): ParameterCheck {
  const issues: Issue[] = [];
  const assignments: ParameterAssignment[] = [];
  const seen = new Set<string>();
  const byName = new Map(declared.map((parameter) => [parameter.name, parameter]));
  const declaredList = declared.length > 0 ? declared.map((parameter) => `${parameter.name} (${parameter.type})`).join(', ') : 'none';

  for (const argument of raw) {
    const separator = argument.indexOf('=');
    if (separator <= 0) {
      issues.push(parameterIssue('PARAM_INVALID_FORMAT', '--param', `'${argument}' is not Name=Value`, argument, 'each --param is Name=Value', 'write the parameter as --param Name=Value'));
      continue;
    }
    const name = argument.slice(0, separator);
    const text = argument.slice(separator + 1);
    const path = `--param ${name}`;
    const parameter = byName.get(name);
    if (parameter === undefined) {
      issues.push(parameterIssue('PARAM_UNKNOWN', path, `the pipeline declares no parameter '${name}'`, name, `declared parameters: ${declaredList}`, 'use a declared name, or declare the parameter and deploy again'));
      continue;
    }
    if (seen.has(name)) {
      issues.push(parameterIssue('PARAM_DUPLICATE', path, `parameter '${name}' is given twice`, text, 'each parameter is given at most once', `keep one --param ${name}=...`));
      continue;
    }
    seen.add(name);

    const converted = convertValue(parameter.type, text);
    if ('code' in converted) {
      const message = converted.code === 'PARAM_WRONG_TYPE' ? `'${text}' is not a valid ${parameter.type}` : `'${text}' is out of range for a ${parameter.type}`;
      issues.push(parameterIssue(converted.code, path, message, text, converted.rule, `pass a ${parameter.type} value, such as ${EXAMPLES[parameter.type]}`));
      continue;
    }
    const canonical = converted.text;
    if (canonical.length > MAX_PARAMETER_VALUE_LENGTH) {
      issues.push(parameterIssue('PARAM_TOO_LONG', path, `the value has ${canonical.length} characters`, `${canonical.slice(0, 40)}…`, `at most ${MAX_PARAMETER_VALUE_LENGTH} characters`, 'pass a shorter value, or an S3 URI that points to the data'));
      continue;
    }
    if (parameter.allowedValues !== undefined && !parameter.allowedValues.includes(canonical)) {
      issues.push(parameterIssue('PARAM_NOT_ALLOWED', path, `'${canonical}' is not an allowed value`, canonical, `allowed values: ${parameter.allowedValues.join(', ')}`, 'pass one of the allowed values'));
      continue;
    }
    assignments.push({ name, type: parameter.type, text: canonical });
  }

  for (const parameter of declared) {
    if (parameter.default === undefined && !seen.has(parameter.name)) {
      issues.push(
        parameterIssue('PARAM_MISSING', `--param ${parameter.name}`, `parameter '${parameter.name}' has no default and no value`, undefined, 'a parameter without a default needs a value for each execution', `pass --param ${parameter.name}=<${parameter.type}>`),
      );
    }
  }
  return { assignments, issues };
}

/**
 * Throws a UserError with exit code 2 that lists every issue, when there is any. The message
 * ends with `consequence`, what did not happen, such as "the execution was not started".
 */
export function rejectParameterIssues(issues: readonly Issue[], consequence: string): void {
  if (issues.length > 0) {
    throw new UserError(`${issues.length} invalid --param value(s); ${consequence}`, ExitCode.usage, issues);
  }
}

const EXAMPLES: Readonly<Record<ManifestParameter['type'], string>> = { Integer: '3', Float: '0.75', Boolean: 'true', String: 'ml.m5.xlarge' };

function convertValue(type: ManifestParameter['type'], text: string): Conversion {
  switch (type) {
    case 'Integer': {
      if (!INTEGER.test(text)) {
        return { code: 'PARAM_WRONG_TYPE', rule: 'an Integer is an optional sign and decimal digits, such as 42 or -7' };
      }
      const value = BigInt(text);
      if (value < INTEGER_MIN || value > INTEGER_MAX) {
        return { code: 'PARAM_OUT_OF_RANGE', rule: `an Integer is a signed 64-bit integer, from ${INTEGER_MIN} to ${INTEGER_MAX}` };
      }
      return { text: value.toString() };
    }
    case 'Float': {
      if (!FLOAT.test(text)) {
        return { code: 'PARAM_WRONG_TYPE', rule: 'a Float is a decimal number with an optional fraction and exponent, such as 0.75 or 1e-3; hexadecimal, Infinity and NaN are not accepted' };
      }
      const value = Number(text);
      // A literal with a non-zero digit that becomes 0 underflowed, which would change the value silently.
      const underflow = value === 0 && /[1-9]/.test(text.replace(/[eE].*$/, ''));
      if (!Number.isFinite(value) || underflow) {
        return { code: 'PARAM_OUT_OF_RANGE', rule: 'a Float is a 64-bit float: 0, or a magnitude from about 4.9e-324 to 1.8e308' };
      }
      return { text: String(value) };
    }
    case 'Boolean':
      return BOOLEAN.test(text) ? { text: text.toLowerCase() } : { code: 'PARAM_WRONG_TYPE', rule: 'a Boolean is true or false, in any letter case' };
    case 'String':
      return { text };
  }
}

/** Builds an error issue in the form every `--param` problem takes. */
export function parameterIssue(code: string, path: string, message: string, value: unknown, rule: string, fix: string): Issue {
  return { code, severity: 'error', path, message, ...(value !== undefined ? { value } : {}), rule, fix };
}
