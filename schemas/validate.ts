import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Issue } from '../compiler/issues.js';
import { closestName } from './suggest.js';

// ajv-formats is CommonJS; under NodeNext its plugin function is the `default` member.
const addFormats = addFormatsModule.default;

// strictRequired is off because `not: { required: [...] }` (two keys that exclude each other) is legitimate.
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
addFormats(ajv);

const compiled = new Map<object, ValidateFunction>();

/** Compiles a schema once and reuses the validator. */
export function validatorFor(schema: object): ValidateFunction {
  let validate = compiled.get(schema);
  if (validate === undefined) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/** Converts a JSON pointer such as `/steps/0/Name` into a path such as `steps[0].Name`. */
export function pointerToPath(pointer: string, root: string): string {
  if (pointer === '') {
    return root;
  }
  const segments = pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  let path = root;
  for (const segment of segments) {
    if (/^\d+$/.test(segment)) {
      path += `[${segment}]`;
    } else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) {
      path += path === '' ? segment : `.${segment}`;
    } else {
      path += `[${JSON.stringify(segment)}]`;
    }
  }
  return path;
}

function valueAt(data: unknown, pointer: string): unknown {
  let current: unknown = data;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof current !== 'object' || current === null) {
      return undefined;
    }
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/**
 * Converts ajv errors into issues that name the key, the value and what is allowed. `code`
 * is the issue code for this document kind, such as `INVALID_CONFIG`.
 */
export function schemaIssues(
  errors: readonly ErrorObject[] | null | undefined,
  data: unknown,
  schema: object,
  options: { readonly code: string; readonly root: string; readonly document: string },
): Issue[] {
  const issues: Issue[] = [];
  for (const error of errors ?? []) {
    const path = pointerToPath(error.instancePath, options.root);
    const value = valueAt(data, error.instancePath);
    switch (error.keyword) {
      case 'additionalProperties': {
        const key = String((error.params as { additionalProperty: string }).additionalProperty);
        const keyPath = pointerToPath(`${error.instancePath}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, options.root);
        const properties = (schema as { properties?: object }).properties;
        const allowed = error.instancePath === '' && properties !== undefined ? Object.keys(properties) : undefined;
        issues.push({
          code: options.code,
          severity: 'error',
          path: keyPath,
          message: `unknown key '${key}' in ${options.document}`,
          value: (value as Record<string, unknown> | undefined)?.[key],
          rule: allowed ? `allowed keys: ${allowed.join(', ')}` : 'the schema does not allow this key here',
          fix: suggestKey(key, allowed),
        });
        break;
      }
      case 'required': {
        const key = String((error.params as { missingProperty: string }).missingProperty);
        issues.push({
          code: options.code,
          severity: 'error',
          path: pointerToPath(`${error.instancePath}/${key}`, options.root),
          message: `required key '${key}' is missing from ${options.document}`,
          rule: describeKey(schema, key) ?? 'the key is required',
          fix: `add '${key}'`,
        });
        break;
      }
      default: {
        const key = error.instancePath.split('/').pop() ?? '';
        issues.push({
          code: options.code,
          severity: 'error',
          path,
          message: `invalid value for '${key || options.root}': ${error.message ?? 'does not match the schema'}`,
          value,
          rule: ruleText(error) + (describeKey(schema, key) ? ` (${describeKey(schema, key)})` : ''),
          fix: `change '${key || options.root}' to a value that matches the rule`,
        });
      }
    }
  }
  return issues;
}

function suggestKey(key: string, allowed: readonly string[] | undefined): string {
  const closest = allowed === undefined ? undefined : closestName(key, allowed);
  return closest === undefined ? `remove '${key}' or correct its spelling` : `did you mean '${closest}'?`;
}

function describeKey(schema: object, key: string): string | undefined {
  const properties = (schema as { properties?: Record<string, { description?: unknown }> }).properties;
  const description = properties?.[key]?.description;
  return typeof description === 'string' ? description : undefined;
}

function ruleText(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'pattern':
      return `must match ${String(params['pattern'])}`;
    case 'type':
      return `must be of type ${String(params['type'])}`;
    case 'enum':
      return `must be one of ${JSON.stringify(params['allowedValues'])}`;
    case 'format':
      return `must be a valid ${String(params['format'])}`;
    case 'minimum':
    case 'maximum':
    case 'minLength':
    case 'maxLength':
    case 'minItems':
    case 'maxItems':
      return `${error.keyword} ${String(params['limit'])}`;
    default:
      return error.message ?? error.keyword;
  }
}
