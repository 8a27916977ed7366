/**
 * Faults a test injects into the local AWS endpoint: errors returned instead of the real answer
 * (a number of times, or at a rate), and latency added before an operation answers.
 */
import type { EndpointRequest, ServiceName } from './wire.js';
import { ServiceError } from './wire.js';

/** An error to return instead of running the operation. */
export interface InjectedError {
  readonly status: number;
  readonly code: string;
  readonly message?: string;
}

/** Which requests a fault applies to. */
export interface FaultTarget {
  readonly service?: ServiceName;
  readonly operation?: string;
  /** Narrows the fault further, such as to the PutRecord calls of one record identifier. */
  readonly when?: (request: EndpointRequest) => boolean;
}

export interface FaultRule extends FaultTarget {
  readonly error: InjectedError;
  /** How many matching requests fail; the rest pass. @default Infinity */
  readonly times?: number;
  /**
   * Fraction (0–1) of matching requests that fail, drawn from a seeded generator so a run is
   * repeatable. @default 1
   */
  readonly rate?: number;
}

interface ActiveRule {
  readonly rule: FaultRule;
  remaining: number;
}

/** The injected faults of one endpoint. */
export class FaultPlan {
  private readonly rules: ActiveRule[] = [];
  private readonly latencies: { readonly target: FaultTarget; readonly milliseconds: number }[] = [];
  private seed: number;

  constructor(seed = 42) {
    this.seed = seed;
  }

  /** Adds an error rule; rules are checked in the order added. */
  inject(rule: FaultRule): void {
    this.rules.push({ rule, remaining: rule.times ?? Number.POSITIVE_INFINITY });
  }

  /** Delays every matching request by `milliseconds` before it is answered. */
  delay(target: FaultTarget, milliseconds: number): void {
    this.latencies.push({ target, milliseconds });
  }

  /** Removes every rule and delay. */
  clear(): void {
    this.rules.length = 0;
    this.latencies.length = 0;
  }

  /** Total delay for a request, in milliseconds. */
  latencyFor(request: EndpointRequest): number {
    return this.latencies.filter((latency) => matches(latency.target, request)).reduce((sum, latency) => sum + latency.milliseconds, 0);
  }

  /** Returns the error to send for this request, or undefined to let it through. */
  errorFor(request: EndpointRequest): ServiceError | undefined {
    for (const active of this.rules) {
      if (active.remaining <= 0 || !matches(active.rule, request)) {
        continue;
      }
      if (active.rule.rate !== undefined && this.nextRandom() >= active.rule.rate) {
        continue;
      }
      active.remaining -= 1;
      const { status, code, message } = active.rule.error;
      return new ServiceError(status, code, message ?? `injected ${code}`);
    }
    return undefined;
  }

  /** A small linear congruential generator: enough for repeatable rates, not for anything else. */
  private nextRandom(): number {
    this.seed = (Math.imul(this.seed, 1664525) + 1013904223) >>> 0;
    return this.seed / 2 ** 32;
  }
}

function matches(target: FaultTarget, request: EndpointRequest): boolean {
  if (target.service !== undefined && target.service !== request.service) {
    return false;
  }
  if (target.operation !== undefined && target.operation !== request.operation) {
    return false;
  }
  return target.when === undefined || target.when(request);
}
