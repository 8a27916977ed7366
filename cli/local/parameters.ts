/** Pipeline parameters of a local run: `--param Name=Value` checked against the declared ones. */
import type { ManifestParameter } from '../../compiler/manifest.js';
import { UsageError } from '../output.js';
import type { PipelineValue } from './expressions.js';

/**
 * Resolves every declared parameter: a `--param` value converted to the declared type, else the
 * default. Reports every problem at once: unknown names, values of the wrong type, values outside
 * the allowed list, and parameters without a default that were not given.
 */
export function resolveParameters(declared: readonly ManifestParameter[], assignments: readonly string[]): Map<string, PipelineValue> {
  const problems: string[] = [];
  const given = new Map<string, string>();
  for (const assignment of assignments) {
    const separator = assignment.indexOf('=');
    if (separator <= 0) {
      problems.push(`--param '${assignment}' is invalid: write it as Name=Value`);
      continue;
    }
    given.set(assignment.slice(0, separator), assignment.slice(separator + 1));
  }
  const names = new Set(declared.map((parameter) => parameter.name));
  for (const name of given.keys()) {
    if (!names.has(name)) {
      problems.push(`parameter '${name}' is not declared; the pipeline declares ${[...names].map((item) => `'${item}'`).join(', ') || 'no parameters'}`);
    }
  }

  const values = new Map<string, PipelineValue>();
  for (const parameter of declared) {
    const text = given.get(parameter.name);
    if (text === undefined) {
      if (parameter.default === undefined) {
        problems.push(`parameter '${parameter.name}' has no default; pass --param ${parameter.name}=<${parameter.type}>`);
      } else {
        values.set(parameter.name, parameter.default);
      }
      continue;
    }
    const converted = convert(parameter, text);
    if (typeof converted === 'object') {
      problems.push(converted.problem);
    } else {
      values.set(parameter.name, converted);
    }
  }
  if (problems.length > 0) {
    throw new UsageError(problems.join('\n'));
  }
  return values;
}

function convert(parameter: ManifestParameter, text: string): PipelineValue | { problem: string } {
  const invalid = (rule: string) => ({ problem: `parameter '${parameter.name}' value '${text}' is invalid: ${rule}` });
  switch (parameter.type) {
    case 'Integer':
      return /^-?\d+$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : invalid('an Integer parameter takes a whole number');
    case 'Float':
      return text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : invalid('a Float parameter takes a finite number');
    case 'Boolean':
      return /^(true|false)$/i.test(text) ? text.toLowerCase() === 'true' : invalid('a Boolean parameter takes true or false');
    case 'String':
      if (parameter.allowedValues !== undefined && !parameter.allowedValues.includes(text)) {
        return invalid(`the allowed values are ${parameter.allowedValues.map((value) => `'${value}'`).join(', ')}`);
      }
      return text;
  }
}
