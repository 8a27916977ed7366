import { isParameter, type Parameter } from '../dsl/parameters.js';
import type { Pipeline } from '../dsl/pipeline.js';
import { SAGEMAKER_JOB_EXCEPTION_TYPES, STEP_EXCEPTION_TYPES, type CacheConfig, type RetryPolicy } from '../dsl/retry.js';
import type { Step } from '../dsl/step.js';
import type { StepGraph } from './graph.js';
import type { IssueCollector } from './issues.js';

export const PIPELINE_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$/;
export const PARAMETER_NAME = /^[A-Za-z0-9_-]{1,64}$/;
export const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}|[A-Z_]+):role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
export const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$/;
/** ISO-8601 durations such as P30D, PT12H or P1DT6H; the designators are upper case. */
export const ISO_DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;
export const MAX_RETRY_ATTEMPTS = 20;
export const MAX_RETRY_EXPIRE_MINUTES = 14_400;

/** Checks the pipeline-level settings: name, role, region, parallelism, tags and description. */
export function validatePipelineSettings(pipeline: Pipeline, issues: IssueCollector): void {
  const props = pipeline.props;
  if (typeof pipeline.name !== 'string' || !PIPELINE_NAME.test(pipeline.name)) {
    issues.error('INVALID_PIPELINE_NAME', 'pipeline.name', `pipeline name '${String(pipeline.name)}' is invalid`, {
      value: pipeline.name,
      rule: 'pipeline names are 1-256 letters, digits and hyphens, starting and ending with a letter or digit (no underscores)',
      fix: typeof pipeline.name === 'string' ? `for example '${suggestPipelineName(pipeline.name)}'` : 'pass a string',
    });
  }
  if (props.displayName !== undefined && !PIPELINE_NAME.test(props.displayName)) {
    issues.error('INVALID_DISPLAY_NAME', 'pipeline.displayName', `pipeline display name '${props.displayName}' is invalid`, {
      value: props.displayName,
      rule: 'display names follow the pipeline name rule',
      fix: `for example '${suggestPipelineName(props.displayName)}'`,
    });
  }
  if (props.roleArn === undefined) {
    issues.error('MISSING_ROLE', 'pipeline.roleArn', 'the pipeline has no role', {
      rule: 'CreatePipeline requires the role SageMaker Pipelines assumes',
      fix: 'set roleArn on the pipeline',
    });
  } else if (!ROLE_ARN.test(props.roleArn)) {
    issues.error('INVALID_ROLE_ARN', 'pipeline.roleArn', `'${props.roleArn}' is not an IAM role ARN`, {
      value: props.roleArn,
      rule: 'role ARNs look like arn:aws:iam::123456789012:role/name',
      fix: 'copy the role ARN from the IAM console',
    });
  }
  if (props.region !== undefined && !REGION.test(props.region)) {
    issues.error('INVALID_REGION', 'pipeline.region', `'${props.region}' is not an AWS Region`, {
      value: props.region,
      rule: 'Regions look like us-west-2',
      fix: 'use the Region code, not its display name',
    });
  }
  if (props.description !== undefined && props.description.length > 3072) {
    issues.error('DESCRIPTION_TOO_LONG', 'pipeline.description', 'the pipeline description is too long', {
      value: props.description.length,
      rule: 'pipeline descriptions are at most 3072 characters',
      fix: 'shorten the description',
    });
  }
  if (props.parallelism !== undefined && (!Number.isSafeInteger(props.parallelism) || props.parallelism < 1)) {
    issues.error('INVALID_PARALLELISM', 'pipeline.parallelism', 'parallelism must be a whole number of at least 1', {
      value: props.parallelism,
      rule: 'ParallelismConfiguration.MaxParallelExecutionSteps ≥ 1',
      fix: 'set a positive whole number, or leave parallelism unset for no limit',
    });
  }
  if (props.tags !== undefined && Object.keys(props.tags).length > 50) {
    issues.error('TOO_MANY_TAGS', 'pipeline.tags', `${Object.keys(props.tags).length} tags are set`, {
      value: Object.keys(props.tags).length,
      rule: 'a pipeline takes at most 50 tags',
      fix: 'remove tags',
    });
  }
  if (props.assets !== undefined) {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(props.assets.bucket)) {
      issues.error('INVALID_BUCKET_NAME', 'pipeline.assets.bucket', `'${props.assets.bucket}' is not an S3 bucket name`, {
        value: props.assets.bucket,
        rule: 'bucket names are 3-63 lower-case letters, digits, dots and hyphens',
        fix: 'use the bucket name without s3:// or a key',
      });
    }
    const prefix = props.assets.prefix;
    if (prefix !== undefined && (prefix.startsWith('/') || prefix.endsWith('/'))) {
      issues.error('INVALID_ASSET_PREFIX', 'pipeline.assets.prefix', `asset prefix '${prefix}' starts or ends with a slash`, {
        value: prefix,
        rule: 'asset prefixes are written without leading or trailing slashes',
        fix: `use '${prefix.replace(/^\/+|\/+$/g, '')}'`,
      });
    }
  }
}

/**
 * Checks the declared parameters (names, duplicates, defaults) and that every parameter the
 * steps use is declared with the same type.
 */
export function validateParameters(pipeline: Pipeline, graph: StepGraph, issues: IssueCollector): void {
  const declared = pipeline.props.parameters ?? [];
  const byName = new Map<string, Parameter>();
  declared.forEach((parameter, index) => {
    const path = `parameters[${index}]`;
    if (!isParameter(parameter)) {
      issues.error('INVALID_PARAMETER', path, 'expected a parameter created with param.string, param.integer, param.float or param.boolean', {
        value: parameter,
        fix: 'declare the parameter with one of the param factories',
      });
      return;
    }
    const namedPath = `parameters.${parameter.name}`;
    if (!PARAMETER_NAME.test(parameter.name)) {
      issues.error('INVALID_PARAMETER_NAME', namedPath, `parameter name '${parameter.name}' is invalid`, {
        value: parameter.name,
        rule: 'parameter names are 1-64 letters, digits, _ and -',
        fix: 'rename the parameter',
      });
    }
    if (byName.has(parameter.name)) {
      issues.error('DUPLICATE_PARAMETER', namedPath, `parameter '${parameter.name}' is declared more than once`, {
        value: parameter.name,
        rule: 'parameter names are unique',
        fix: 'remove the second declaration or rename it',
      });
    }
    byName.set(parameter.name, parameter);
    checkDefault(parameter, namedPath, issues);
  });

  for (const node of graph.nodes.values()) {
    for (const used of node.parameters) {
      const match = byName.get(used.name);
      if (match === undefined) {
        issues.error('UNDECLARED_PARAMETER', `${node.path.toString()}`, `step '${node.step.name}' uses parameter '${used.name}', which the pipeline does not declare`, {
          value: used.name,
          rule: 'every parameter a step uses is listed in the pipeline’s parameters',
          fix: `add the parameter to pipeline parameters: [..., ${used.name}]`,
        });
      } else if (match.valueType !== used.valueType) {
        issues.error('PARAMETER_TYPE_MISMATCH', `${node.path.toString()}`, `step '${node.step.name}' uses parameter '${used.name}' as ${used.valueType}, but it is declared as ${match.valueType}`, {
          value: used.name,
          rule: 'a parameter has one type',
          fix: 'use the declared parameter object in the step',
        });
      }
    }
  }
}

function checkDefault(parameter: Parameter, path: string, issues: IssueCollector): void {
  const value = parameter.defaultValue as unknown;
  if (value !== undefined) {
    const valid =
      (parameter.valueType === 'String' && typeof value === 'string') ||
      (parameter.valueType === 'Integer' && typeof value === 'number' && Number.isSafeInteger(value)) ||
      (parameter.valueType === 'Float' && typeof value === 'number' && Number.isFinite(value)) ||
      (parameter.valueType === 'Boolean' && typeof value === 'boolean');
    if (!valid) {
      issues.error('INVALID_PARAMETER_DEFAULT', `${path}.default`, `default of ${parameter.valueType} parameter '${parameter.name}' has the wrong type`, {
        value,
        rule: `the default of a ${parameter.valueType} parameter is ${describeType(parameter.valueType)}`,
        fix: `pass ${describeType(parameter.valueType)}`,
      });
    }
    if (parameter.valueType === 'String' && typeof value === 'string' && value.length > 4096) {
      issues.error('PARAMETER_DEFAULT_TOO_LONG', `${path}.default`, 'the default value is too long', {
        value: value.length,
        rule: 'String defaults are at most 4096 characters',
        fix: 'shorten the default',
      });
    }
  }
  const allowed = parameter.allowedValues;
  if (allowed !== undefined) {
    if (parameter.valueType !== 'String') {
      issues.error('ALLOWED_VALUES_NOT_STRING', `${path}.allowedValues`, 'only String parameters take allowed values', {
        value: allowed,
        fix: 'remove allowedValues or make the parameter a String',
      });
    } else if (allowed.length === 0) {
      issues.error('EMPTY_ALLOWED_VALUES', `${path}.allowedValues`, 'allowed values are declared but the list is empty', {
        fix: 'list the values, or remove allowedValues',
      });
    } else if (typeof value === 'string' && !allowed.includes(value)) {
      issues.error('DEFAULT_NOT_ALLOWED', `${path}.default`, `default '${value}' is not one of the allowed values`, {
        value,
        rule: `allowed values: ${allowed.join(', ')}`,
        fix: 'make the default one of the allowed values',
      });
    }
  }
}

function describeType(type: string): string {
  switch (type) {
    case 'String':
      return 'a string';
    case 'Integer':
      return 'a whole number';
    case 'Float':
      return 'a finite number';
    default:
      return 'true or false';
  }
}

/** Checks one step's retry policies and cache settings. */
export function validateRetryAndCache(step: Step, issues: IssueCollector): void {
  const base = `steps.${step.name}`;
  step.retryPolicies.forEach((policy, index) => validateRetryPolicy(policy, `${base}.retryPolicies[${index}]`, issues));
  if (step.cache !== undefined) {
    validateCache(step.cache, `${base}.cacheConfig`, issues);
  }
}

function validateRetryPolicy(policy: RetryPolicy, path: string, issues: IssueCollector): void {
  const allowed: readonly string[] = policy.kind === 'step' ? STEP_EXCEPTION_TYPES : SAGEMAKER_JOB_EXCEPTION_TYPES;
  const kindName = policy.kind === 'step' ? 'retry.step' : 'retry.sageMakerJob';
  if (policy.exceptionTypes.length === 0) {
    issues.error('EMPTY_RETRY_EXCEPTION_TYPES', `${path}.exceptionType`, 'the retry policy lists no exception types', {
      rule: `${kindName} retries on: ${allowed.join(', ')}`,
      fix: 'list the exception types to retry on',
    });
  }
  policy.exceptionTypes.forEach((type, index) => {
    if (!allowed.includes(type)) {
      issues.error('INVALID_RETRY_EXCEPTION_TYPE', `${path}.exceptionType[${index}]`, `exception type '${type}' is not allowed in ${kindName}`, {
        value: type,
        rule: `${kindName} takes ${allowed.join(', ')}`,
        fix: policy.kind === 'step' ? 'use retry.sageMakerJob for SageMaker.* types' : 'use retry.step for Step.* types',
      });
    }
  });
  const hasAttempts = policy.maxAttempts !== undefined;
  const hasExpiry = policy.expireAfterMin !== undefined;
  if (hasAttempts && hasExpiry) {
    issues.error('RETRY_BOTH_LIMITS', path, 'the retry policy sets both maxAttempts and expireAfterMin', {
      value: { maxAttempts: policy.maxAttempts, expireAfterMin: policy.expireAfterMin },
      rule: 'a retry policy is limited by attempts or by time, not both',
      fix: 'keep one of maxAttempts and expireAfterMin',
    });
  } else if (!hasAttempts && !hasExpiry) {
    issues.error('RETRY_NO_LIMIT', path, 'the retry policy sets neither maxAttempts nor expireAfterMin', {
      rule: 'a retry policy is limited by attempts or by time',
      fix: 'set maxAttempts (1-20) or expireAfterMin (up to 14400)',
    });
  }
  if (hasAttempts && (!Number.isSafeInteger(policy.maxAttempts) || (policy.maxAttempts as number) < 1 || (policy.maxAttempts as number) > MAX_RETRY_ATTEMPTS)) {
    issues.error('INVALID_RETRY_ATTEMPTS', `${path}.maxAttempts`, 'maxAttempts is out of range', {
      value: policy.maxAttempts,
      rule: `1 ≤ MaxAttempts ≤ ${MAX_RETRY_ATTEMPTS}`,
      fix: `choose a whole number from 1 to ${MAX_RETRY_ATTEMPTS}`,
    });
  }
  if (hasExpiry && (!Number.isSafeInteger(policy.expireAfterMin) || (policy.expireAfterMin as number) < 0 || (policy.expireAfterMin as number) > MAX_RETRY_EXPIRE_MINUTES)) {
    issues.error('INVALID_RETRY_EXPIRY', `${path}.expireAfterMin`, 'expireAfterMin is out of range', {
      value: policy.expireAfterMin,
      rule: `0 ≤ ExpireAfterMin ≤ ${MAX_RETRY_EXPIRE_MINUTES}`,
      fix: `choose a whole number of minutes up to ${MAX_RETRY_EXPIRE_MINUTES}`,
    });
  }
  if (policy.intervalSeconds !== undefined && (!Number.isSafeInteger(policy.intervalSeconds) || policy.intervalSeconds < 0)) {
    issues.error('INVALID_RETRY_INTERVAL', `${path}.intervalSeconds`, 'intervalSeconds must be a whole number of at least 0', {
      value: policy.intervalSeconds,
      rule: 'IntervalSeconds ≥ 0',
      fix: 'set a whole number of seconds',
    });
  }
  if (policy.backoffRate !== undefined && (!Number.isFinite(policy.backoffRate) || policy.backoffRate < 0)) {
    issues.error('INVALID_RETRY_BACKOFF', `${path}.backoffRate`, 'backoffRate must be a number of at least 0', {
      value: policy.backoffRate,
      rule: 'BackoffRate ≥ 0',
      fix: 'use 2 to double the interval after each retry',
    });
  }
}

function validateCache(cache: CacheConfig, path: string, issues: IssueCollector): void {
  if (typeof cache.enabled !== 'boolean') {
    issues.error('INVALID_CACHE_CONFIG', `${path}.enabled`, 'cache enabled must be true or false', { value: cache.enabled, fix: 'pass a boolean' });
  }
  if (cache.expireAfter !== undefined && (typeof cache.expireAfter !== 'string' || !ISO_DURATION.test(cache.expireAfter))) {
    issues.error('INVALID_CACHE_EXPIRY', `${path}.expireAfter`, `'${String(cache.expireAfter)}' is not an ISO-8601 duration`, {
      value: cache.expireAfter,
      rule: 'durations look like P30D, PT12H or P1DT6H, with upper-case designators',
      fix: typeof cache.expireAfter === 'string' && ISO_DURATION.test(cache.expireAfter.toUpperCase()) ? `use '${cache.expireAfter.toUpperCase()}'` : 'write the duration as P<n>D or PT<n>H',
    });
  }
}

function suggestPipelineName(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  return cleaned === '' ? 'my-pipeline' : cleaned.slice(0, 256);
}
