import { createHash } from 'node:crypto';
import type { Condition } from '../dsl/conditions.js';
import { isCondition } from '../dsl/conditions.js';
import { type Expression, type ExpressionValue, Join, isExpression } from '../dsl/expressions.js';
import type { FeatureGroup } from '../dsl/feature-group.js';
import type { JsonObject } from '../dsl/json.js';
import type { Step } from '../dsl/step.js';
import { RUNTIME_BUNDLE_FILE } from '../steps/feature-store-ingest.js';
import {
  type ArgumentTree,
  type AssetLocation,
  type AssetRequest,
  FieldPath,
  NestedStep,
  type NumberRule,
  type RenderContext,
} from '../steps/context.js';
import type { IssueCollector, IssueInput } from './issues.js';

/** An asset registered while rendering, with its bytes and deployed location. */
export interface RegisteredAsset extends AssetLocation {
  readonly kind: AssetRequest['kind'];
  readonly content: Uint8Array;
  /** Path inside the artifact folder. */
  readonly artifactPath: string;
}

/** State shared by the contexts of every step during one compile. */
export interface CompileSession {
  readonly issues: IssueCollector;
  readonly pipelineName: string;
  readonly pipelineRoleArn: string | undefined;
  readonly region: string | undefined;
  readonly sagepipeVersion: string;
  readonly assetBucket: string | undefined;
  readonly assetPrefix: string;
  readonly runtimeBundle: Uint8Array | undefined;
  readonly assets: Map<string, RegisteredAsset>;
  featureGroupRequest(group: FeatureGroup): JsonObject;
}

const S3_URI = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Says which part of a text that is not an S3 URI is wrong, for the INVALID_S3_URI message. */
export function describeS3UriProblem(text: string): string {
  if (!text.startsWith('s3://')) {
    return /^s3:\/\//i.test(text) ? 'the scheme must be written in lower case, s3://' : 'it does not start with s3://';
  }
  const bucket = text.slice('s3://'.length).split('/')[0] ?? '';
  if (bucket === '') {
    return 'the bucket name is missing';
  }
  if (bucket.length < 3 || bucket.length > 63) {
    return `the bucket name '${bucket}' has ${bucket.length} characters, not 3 to 63`;
  }
  if (/[^a-z0-9.-]/.test(bucket)) {
    return `the bucket name '${bucket}' contains characters other than lower-case letters, digits, dots and hyphens`;
  }
  return `the bucket name '${bucket}' must start and end with a letter or digit`;
}

function bucketForUris(bucket: string | undefined): string {
  if (bucket === undefined) {
    return 'missing-asset-bucket';
  }
  return BUCKET_NAME.test(bucket) ? bucket : 'invalid-asset-bucket';
}

/** Creates the render context of one step. */
export function createRenderContext(session: CompileSession, stepPath: FieldPath): RenderContext {
  const report = (issue: Omit<IssueInput, 'path'> & { readonly path: FieldPath }): void => {
    session.issues.add({ ...issue, path: issue.path.toString() });
  };

  const describeKind = (value: unknown): string => {
    if (isExpression(value)) {
      return value.describe();
    }
    if (Array.isArray(value)) {
      return 'an array';
    }
    return value === null ? 'null' : `a ${typeof value}`;
  };

  const checkPattern = (value: string, path: FieldPath, options: { readonly pattern?: RegExp; readonly rule?: string }): void => {
    if (options.pattern !== undefined && !options.pattern.test(value)) {
      report({
        code: 'INVALID_VALUE',
        path,
        message: `'${value}' is not a valid value here`,
        value,
        rule: options.rule ?? `must match ${options.pattern.source}`,
        fix: 'correct the value so that it matches the rule',
      });
    }
  };

  const missing = (path: FieldPath): void => {
    report({ code: 'MISSING_VALUE', path, message: 'a required value is missing', fix: 'set this field' });
  };

  const context: RenderContext = {
    stepPath,
    pipelineRoleArn: session.pipelineRoleArn,
    pipelineName: session.pipelineName,
    region: session.region,
    sagepipeVersion: session.sagepipeVersion,

    report,

    text(value, path, options = {}) {
      if (value === undefined || value === null) {
        missing(path);
        return '';
      }
      if (isExpression(value)) {
        return value.valueType === 'String' ? value : new Join([value], '');
      }
      if (typeof value === 'number' || typeof value === 'boolean') {
        return String(value);
      }
      if (typeof value !== 'string') {
        report({
          code: 'INVALID_TYPE',
          path,
          message: `expected text or an expression, got ${describeKind(value)}`,
          value,
          rule: 'this field takes a string, a String expression, or another expression converted with a join',
          fix: 'pass a string or an expression',
        });
        return '';
      }
      checkPattern(value, path, options);
      return value;
    },

    literal(value, path, options = {}) {
      if (value === undefined || value === null) {
        missing(path);
        return '';
      }
      if (isExpression(value)) {
        report({
          code: 'EXPRESSION_NOT_ALLOWED',
          path,
          message: `this field is fixed when the pipeline is created, so it cannot take ${value.describe()}`,
          value,
          rule: 'SageMaker does not evaluate expressions in this field',
          fix: 'use a literal string here',
        });
        return '';
      }
      if (typeof value !== 'string') {
        report({
          code: 'INVALID_TYPE',
          path,
          message: `expected a string, got ${describeKind(value)}`,
          value,
          rule: 'this field takes a literal string',
          fix: 'pass a string',
        });
        return '';
      }
      if (options.allowed !== undefined && !options.allowed.includes(value)) {
        report({
          code: 'INVALID_VALUE',
          path,
          message: `'${value}' is not one of the allowed values`,
          value,
          rule: `allowed values: ${options.allowed.join(', ')}`,
          fix: `use one of ${options.allowed.join(', ')}`,
        });
      }
      checkPattern(value, path, options);
      return value;
    },

    integer(value, path, rule = {}) {
      return numeric(value, path, rule, ['Integer'], 'a whole number');
    },

    number(value, path, rule = {}) {
      return numeric(value, path, rule, ['Integer', 'Float'], 'a number');
    },

    boolean(value, path) {
      if (isExpression(value)) {
        if (value.valueType !== 'Boolean') {
          wrongExpressionType(value, path, 'Boolean');
        }
        return value;
      }
      if (typeof value !== 'boolean') {
        report({
          code: 'INVALID_TYPE',
          path,
          message: `expected true or false, got ${describeKind(value)}`,
          value,
          rule: 'this field takes a boolean or a Boolean expression',
          fix: 'pass true, false or a Boolean parameter',
        });
        return false;
      }
      return value;
    },

    s3Uri(value, path) {
      if (typeof value === 'string' && !S3_URI.test(value)) {
        report({
          code: 'INVALID_S3_URI',
          path,
          message: `'${value}' is not an S3 URI: ${describeS3UriProblem(value)}`,
          value,
          rule: 'S3 URIs look like s3://bucket/key; bucket names are 3-63 lower-case letters, digits, dots and hyphens',
          fix: 'write the location as s3://<bucket>/<prefix>',
        });
        return value;
      }
      return context.text(value, path);
    },

    condition(condition: Condition, path: FieldPath): ArgumentTree {
      if (!isCondition(condition)) {
        report({
          code: 'INVALID_CONDITION',
          path,
          message: `expected a condition, got ${describeKind(condition)}`,
          value: condition,
          rule: 'conditions are made with Condition.equals, Condition.in, Condition.or and the other factories',
          fix: 'build the condition with a Condition factory',
        });
        return null;
      }
      if (condition.type === 'In' && condition.operands().length < 2) {
        report({
          code: 'EMPTY_IN_VALUES',
          path: path.child('values'),
          message: 'an In condition has no values to compare with',
          rule: 'Condition.in needs at least one value',
          fix: 'list the values, or remove the condition',
        });
      }
      if (condition.type === 'Or' && condition.nested().length === 0) {
        report({
          code: 'EMPTY_OR_CONDITIONS',
          path: path.child('conditions'),
          message: 'an Or condition has no conditions',
          rule: 'Condition.or needs at least one condition',
          fix: 'pass the alternatives to Condition.or',
        });
      }
      return condition.toTree(context, path);
    },

    operand(value: ExpressionValue, path: FieldPath): ArgumentTree {
      if (isExpression(value)) {
        return value;
      }
      if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) {
        return value;
      }
      report({
        code: 'INVALID_OPERAND',
        path,
        message: `expected a string, number, boolean or expression, got ${describeKind(value)}`,
        value,
        rule: 'operands are literals or expressions',
        fix: 'pass a literal or a parameter, property or execution variable',
      });
      return null;
    },

    nested(step: Step): NestedStep {
      return new NestedStep(step);
    },

    asset(request: AssetRequest): AssetLocation {
      const sha256 = createHash('sha256').update(request.content).digest('hex');
      const key = `${sha256}/${request.fileName}`;
      const existing = session.assets.get(key);
      if (existing !== undefined) {
        return existing;
      }
      const objectKey = [session.assetPrefix, 'assets', sha256, request.fileName].filter((part) => part !== '').join('/');
      if (session.assetBucket === undefined) {
        report({
          code: 'MISSING_ASSET_LOCATION',
          path: new FieldPath(['pipeline', 'assets']),
          message: `asset ${request.fileName} needs an S3 location, but the pipeline sets no asset bucket`,
          rule: 'steps that ship files (such as feature-store ingest) need pipeline assets: { bucket, prefix }',
          fix: 'set assets: { bucket: "<bucket>", prefix: "<prefix>" } on the pipeline',
        });
      }
      const registered: RegisteredAsset = {
        kind: request.kind,
        content: request.content,
        sha256,
        fileName: request.fileName,
        // An invalid or missing bucket is reported once, at pipeline.assets. A stand-in bucket name
        // keeps every URI derived from it valid, so the error is not repeated at each input.
        s3Uri: `s3://${bucketForUris(session.assetBucket)}/${objectKey}`,
        artifactPath: `assets/${sha256}/${request.fileName}`,
      };
      session.assets.set(key, registered);
      return registered;
    },

    runtimeBundle(): AssetLocation {
      if (session.runtimeBundle === undefined) {
        report({
          code: 'MISSING_RUNTIME_BUNDLE',
          path: stepPath,
          message: 'the ingest runtime bundle was not provided to the compiler',
          rule: 'feature-store ingest steps ship the runtime bundle as an asset',
          fix: 'run `npm run build` so that dist/runtime-bundle/ingest.mjs exists, or pass runtimeBundle to compile()',
        });
        return context.asset({ fileName: RUNTIME_BUNDLE_FILE, kind: 'runtime-bundle', content: new Uint8Array() });
      }
      return context.asset({ fileName: RUNTIME_BUNDLE_FILE, kind: 'runtime-bundle', content: session.runtimeBundle });
    },

    featureGroupRequest(group: FeatureGroup): JsonObject {
      return session.featureGroupRequest(group);
    },
  };

  function wrongExpressionType(value: Expression, path: FieldPath, expected: string): void {
    report({
      code: 'EXPRESSION_TYPE_MISMATCH',
      path,
      message: `step field expects ${expected}, but ${value.describe()} has type ${value.valueType ?? 'unknown'}`,
      value,
      rule: `this field takes ${/^[AEIOU]/.test(expected) ? 'an' : 'a'} ${expected} value or expression`,
      fix: `pass a literal or an expression of type ${expected}`,
    });
  }

  function numeric(value: unknown, path: FieldPath, rule: NumberRule, types: readonly string[], what: string): ArgumentTree {
    if (isExpression(value)) {
      if (value.valueType === undefined || !types.includes(value.valueType)) {
        wrongExpressionType(value, path, types.join(' or '));
      }
      return value;
    }
    const whole = types.length === 1;
    if (typeof value !== 'number' || !Number.isFinite(value) || (whole && !Number.isInteger(value))) {
      report({
        code: 'INVALID_TYPE',
        path,
        message: `expected ${what}, got ${typeof value === 'number' ? String(value) : describeKind(value)}`,
        value,
        rule: `this field takes ${what} or an expression of type ${types.join(' or ')}`,
        fix: `pass ${what}`,
      });
      return 0;
    }
    if ((rule.min !== undefined && value < rule.min) || (rule.max !== undefined && value > rule.max)) {
      report({
        code: 'OUT_OF_RANGE',
        path,
        message: `${value} is out of range`,
        value,
        rule: `${rule.min ?? '−∞'} ≤ value ≤ ${rule.max ?? '∞'}`,
        fix: `choose a value${rule.min !== undefined ? ` of at least ${rule.min}` : ''}${rule.max !== undefined ? ` and at most ${rule.max}` : ''}`,
      });
    }
    return value;
  }

  return context;
}
