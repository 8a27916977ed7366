/**
 * Waits for feature groups to reach `Created` after CreateFeatureGroup, polling
 * DescribeFeatureGroup with growing delays. `CreateFailed` ends the wait with its reason.
 */
import { pollDelays } from '../../runtime/aws/backoff.js';
import type { Clock, FeatureGroupControl } from '../../runtime/ports.js';
import { ExitCode, UserError } from '../output.js';

export interface FeatureGroupWaitOptions {
  readonly timeoutSeconds: number;
  readonly clock: Clock;
  /** First poll delay in milliseconds; later delays double up to 15 s. @default 500 */
  readonly initialDelayMs?: number;
  /** Called on each status change, for progress output. */
  readonly onStatus?: (name: string, status: string) => void;
}

/**
 * Resolves when the group is `Created`. Throws a UserError with exit code 3 when it ends
 * `CreateFailed` (with the service's FailureReason), disappears, or is still not `Created`
 * after the timeout.
 */
export async function waitForFeatureGroup(control: FeatureGroupControl, name: string, options: FeatureGroupWaitOptions): Promise<number> {
  const started = options.clock.now().getTime();
  const deadline = started + options.timeoutSeconds * 1000;
  const delays = pollDelays(options.initialDelayMs ?? 500, 15_000);
  let last: string | undefined;
  for (;;) {
    const description = await control.describe(name);
    const status = description?.status ?? 'NotFound';
    if (status !== last) {
      options.onStatus?.(name, status);
      last = status;
    }
    if (status === 'Created') {
      return options.clock.now().getTime() - started;
    }
    if (status === 'CreateFailed') {
      throw new UserError(`feature group ${name} ended CreateFailed: ${description?.failureReason ?? 'the service gave no reason'}\n  fix: correct the cause, delete the group, and run upsert again`, ExitCode.aws);
    }
    if (status !== 'Creating') {
      throw new UserError(`feature group ${name} is ${status} while upsert waits for it to be Created`, ExitCode.aws);
    }
    const delay = delays.next().value;
    if (options.clock.now().getTime() + delay > deadline) {
      throw new UserError(
        `timed out after ${options.timeoutSeconds} s waiting for feature group ${name} to be Created; it is still Creating\n  fix: run upsert again later, or raise --wait-timeout`,
        ExitCode.aws,
      );
    }
    await options.clock.sleep(delay);
  }
}
