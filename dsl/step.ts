import type { ArgumentTree, RenderContext } from '../steps/context.js';
import { STEP, hasBrand } from './brand.js';
import type { CacheConfig, RetryPolicy } from './retry.js';

/** The step `Type` values sagepipe renders. */
export type StepType = 'Processing' | 'Training' | 'Transform' | 'Condition' | 'Fail';

/** How `sagepipe run --local` executes a step kind. */
export type LocalExecution = 'ingest' | 'condition' | 'fail' | 'container';

/** Options every step kind accepts. */
export interface StepOptions {
  /** Steps that must finish first, as objects or names; rendered as `DependsOn`. @default - none */
  readonly dependsOn?: readonly (Step | string)[];
  /** Name shown in SageMaker Studio. @default - the step name */
  readonly displayName?: string;
  readonly description?: string;
}

/** Options of steps that run a SageMaker job (Processing, Training, Transform). */
export interface JobStepOptions extends StepOptions {
  /** Rendered as `RetryPolicies`. @default - no retries */
  readonly retryPolicies?: readonly RetryPolicy[];
  /** Rendered as `CacheConfig`. @default - caching off, and no `CacheConfig` key */
  readonly cache?: CacheConfig;
}

/**
 * A node of the pipeline graph. Each step kind lives in its own module under `steps/` and
 * renders its own `Arguments`; the compiler renders the keys every step shares.
 */
export abstract class Step {
  readonly [STEP] = true;
  abstract readonly type: StepType;
  /** How the local runner executes this step. */
  abstract readonly localExecution: LocalExecution;

  readonly dependsOn: readonly (Step | string)[];
  readonly displayName: string | undefined;
  readonly description: string | undefined;

  constructor(
    readonly name: string,
    options: StepOptions = {},
  ) {
    this.dependsOn = options.dependsOn ?? [];
    this.displayName = options.displayName;
    this.description = options.description;
  }

  /** Builds the step's `Arguments`, reporting invalid values through the context. */
  abstract renderArguments(context: RenderContext): ArgumentTree;

  /** Steps rendered inside this one (a Condition step's branches). */
  nestedSteps(): readonly Step[] {
    return [];
  }

  /** Retry policies, for kinds that support them. */
  get retryPolicies(): readonly RetryPolicy[] {
    return [];
  }

  /** Cache settings, for kinds that support them. */
  get cache(): CacheConfig | undefined {
    return undefined;
  }

  /** Keys this kind renders after the shared ones, such as a Processing step's `PropertyFiles`. */
  renderExtraKeys(_context: RenderContext): Record<string, ArgumentTree> {
    return {};
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `<${this.type} step '${this.name}'>`;
  }
}

export function isStep(value: unknown): value is Step {
  return hasBrand(value, STEP);
}

/** Base class for steps that run a SageMaker job and accept retry and cache settings. */
export abstract class JobStep extends Step {
  private readonly jobOptions: JobStepOptions;

  constructor(name: string, options: JobStepOptions = {}) {
    super(name, options);
    this.jobOptions = options;
  }

  override get retryPolicies(): readonly RetryPolicy[] {
    return this.jobOptions.retryPolicies ?? [];
  }

  override get cache(): CacheConfig | undefined {
    return this.jobOptions.cache;
  }
}
