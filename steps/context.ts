import type { IssueInput } from '../compiler/issues.js';
import type { Condition } from '../dsl/conditions.js';
import type { Expression, ExpressionValue } from '../dsl/expressions.js';
import type { FeatureGroup } from '../dsl/feature-group.js';
import type { JsonObject } from '../dsl/json.js';
import type { Step } from '../dsl/step.js';

/**
 * A step's request as its renderer builds it: JSON data that may still contain expression
 * objects and references to nested steps. The compiler scans it for references, then
 * serializes it.
 */
export type ArgumentTree =
  | string
  | number
  | boolean
  | null
  | Expression
  | NestedStep
  | readonly ArgumentTree[]
  | { readonly [key: string]: ArgumentTree };

/** A step rendered inside another step's arguments (the branches of a Condition step). */
export class NestedStep {
  constructor(readonly step: Step) {}
}

/**
 * A location in the compiled output, printed as `steps.Ingest.arguments.processingInputs[1].s3Uri`.
 * Paths are linked to their parent, so that creating one per rendered field stays cheap; the text
 * is only built when an issue is reported.
 */
export class FieldPath {
  private readonly parent: FieldPath | undefined;
  private readonly segment: string | number | undefined;

  constructor(segments: readonly (string | number)[] = [], parent?: FieldPath) {
    let current: FieldPath | undefined = parent;
    for (let index = 0; index < segments.length - 1; index++) {
      current = new FieldPath([segments[index] as string | number], current);
    }
    this.parent = current;
    this.segment = segments.length > 0 ? segments[segments.length - 1] : undefined;
  }

  child(...segments: (string | number)[]): FieldPath {
    return new FieldPath(segments, this);
  }

  /** The segments from the root, such as `['steps', 'Ingest', 'arguments']`. */
  get segments(): (string | number)[] {
    const collected: (string | number)[] = [];
    let current: FieldPath | undefined = this;
    while (current !== undefined) {
      if (current.segment !== undefined) {
        collected.push(current.segment);
      }
      current = current.parent;
    }
    return collected.reverse();
  }

  toString(): string {
    let text = '';
    for (const segment of this.segments) {
      if (typeof segment === 'number') {
        text += `[${segment}]`;
      } else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) {
        text += text === '' ? segment : `.${segment}`;
      } else {
        text += `[${JSON.stringify(segment)}]`;
      }
    }
    return text;
  }
}

/** Limits for a numeric field. */
export interface NumberRule {
  readonly min?: number;
  readonly max?: number;
}

/** A file that the compiler writes into the artifact folder and uploads to S3 on deploy. */
export interface AssetRequest {
  /** File name inside the asset's content-addressed folder, such as `ingest-config.json`. */
  readonly fileName: string;
  readonly kind: 'ingest-config' | 'runtime-bundle';
  readonly content: Uint8Array;
}

/** Where an asset lives once deployed. */
export interface AssetLocation {
  readonly s3Uri: string;
  readonly sha256: string;
  readonly fileName: string;
}

/**
 * What a step renderer gets from the compiler: value checks that report issues with their
 * paths, the pipeline's defaults, nested rendering and assets.
 */
export interface RenderContext {
  /** Path of the step being rendered, such as `steps.Ingest`. */
  readonly stepPath: FieldPath;
  /** The pipeline's role, used by job steps that do not set their own. */
  readonly pipelineRoleArn: string | undefined;
  /** The pipeline's name, which some steps use to scope their resources. */
  readonly pipelineName: string;
  /** The pipeline's AWS Region, when declared. */
  readonly region: string | undefined;
  /** Version of sagepipe doing the compile, used to name the default ingest image. */
  readonly sagepipeVersion: string;

  report(issue: Omit<IssueInput, 'path'> & { readonly path: FieldPath }): void;

  /**
   * A field the service reads as text and may evaluate at run time. String expressions stay
   * as they are; other expressions are wrapped in a `Std:Join` so they are never a bare `Get`.
   */
  text(value: unknown, path: FieldPath, options?: { readonly pattern?: RegExp; readonly rule?: string }): ArgumentTree;

  /** A field that must be a literal string, because the service does not evaluate it. */
  literal(value: unknown, path: FieldPath, options?: { readonly pattern?: RegExp; readonly rule?: string; readonly allowed?: readonly string[] }): string;

  /** A whole-number field; an Integer expression renders as a bare `Get`. */
  integer(value: unknown, path: FieldPath, rule?: NumberRule): ArgumentTree;

  /** A numeric field that accepts Integer or Float expressions. */
  number(value: unknown, path: FieldPath, rule?: NumberRule): ArgumentTree;

  /** A boolean field that accepts Boolean expressions. */
  boolean(value: unknown, path: FieldPath): ArgumentTree;

  /** An S3 URI field; literal values must be `s3://bucket/key`. */
  s3Uri(value: unknown, path: FieldPath): ArgumentTree;

  /** A condition, rendered with its operands checked. */
  condition(condition: Condition, path: FieldPath): ArgumentTree;

  /** An operand of a condition or a value of a join. */
  operand(value: ExpressionValue, path: FieldPath): ArgumentTree;

  /** A nested step (in a Condition step's branches). */
  nested(step: Step): NestedStep;

  /** Registers an asset and returns its deployed location. */
  asset(request: AssetRequest): AssetLocation;

  /** The ingest runtime bundle, added as an asset the first time it is asked for. */
  runtimeBundle(): AssetLocation;

  /** The CreateFeatureGroup request of a feature group, rendered and validated once per compile. */
  featureGroupRequest(group: FeatureGroup): JsonObject;
}
