import { ExitCode, UserError } from '../output.js';

/** Parses a positive number of seconds, or returns undefined when the option is absent. */
export function parseSeconds(text: string | undefined, option: string): number | undefined {
  if (text === undefined) {
    return undefined;
  }
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
    throw new UserError(`${option} must be a positive number of seconds, got '${text}'`, ExitCode.usage);
  }
  return value;
}
