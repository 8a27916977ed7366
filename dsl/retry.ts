/** Exception types a `Step` retry policy may list. */
export const STEP_EXCEPTION_TYPES = ['Step.SERVICE_FAULT', 'Step.THROTTLING'] as const;

/** Exception types a SageMaker job retry policy may list. */
export const SAGEMAKER_JOB_EXCEPTION_TYPES = [
  'SageMaker.JOB_INTERNAL_ERROR',
  'SageMaker.CAPACITY_ERROR',
  'SageMaker.RESOURCE_LIMIT',
] as const;

export type StepExceptionType = (typeof STEP_EXCEPTION_TYPES)[number];
export type SageMakerJobExceptionType = (typeof SAGEMAKER_JOB_EXCEPTION_TYPES)[number];

/** Limits of a retry policy; set exactly one of `maxAttempts` and `expireAfterMin`. */
export interface RetryLimits {
  /** Attempts in total, 1 to 20. */
  readonly maxAttempts?: number;
  /** Minutes after which retrying stops, up to 14,400 (10 days). */
  readonly expireAfterMin?: number;
  /** Seconds before the first retry. @default 1 */
  readonly intervalSeconds?: number;
  /** Multiplier applied to the interval after each retry. @default 2 */
  readonly backoffRate?: number;
}

/** A retry policy of a job step, rendered into the step's `RetryPolicies`. */
export interface RetryPolicy extends RetryLimits {
  readonly kind: 'step' | 'sagemaker-job';
  readonly exceptionTypes: readonly string[];
}

/** Factories for the two retry policy kinds of SageMaker Pipelines. */
export const retry = {
  /** Retries when the step itself fails with a service fault or throttling. */
  step(exceptionTypes: readonly StepExceptionType[], limits: RetryLimits): RetryPolicy {
    return { kind: 'step', exceptionTypes, ...limits };
  },
  /** Retries when the SageMaker job fails with an internal, capacity or resource-limit error. */
  sageMakerJob(exceptionTypes: readonly SageMakerJobExceptionType[], limits: RetryLimits): RetryPolicy {
    return { kind: 'sagemaker-job', exceptionTypes, ...limits };
  },
};

/** Step caching, rendered as `CacheConfig`. */
export interface CacheConfig {
  readonly enabled: boolean;
  /** ISO-8601 duration such as `P30D` or `PT12H`. @default - never expires */
  readonly expireAfter?: string;
}
