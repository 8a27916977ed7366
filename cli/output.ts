import { formatIssue, type Issue, issueToJson } from '../compiler/issues.js';

/** Exit codes of every command; the README lists them. */
export const ExitCode = {
  /** The command did what was asked. */
  ok: 0,
  /** The input has problems (validation, type errors, an invalid config), or a run or execution failed. */
  failed: 1,
  /** The command line is wrong: unknown command or option, missing argument. */
  usage: 2,
  /** An AWS call failed (permissions, throttling that outlasted retries, a service error). */
  aws: 3,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error whose message is meant for the user as it is: printed without a stack trace. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue = ExitCode.failed,
    readonly issues: readonly Issue[] = [],
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** Raised for a malformed command line; the CLI prints the message and the command's usage. */
export class UsageError extends UserError {
  constructor(message: string) {
    super(message, ExitCode.usage);
    this.name = 'UsageError';
  }
}

/** Where a command writes: stdout for results, stderr for diagnostics. */
export interface Output {
  readonly json: boolean;
  result(text: string): void;
  diagnostic(text: string): void;
}

export function createOutput(json: boolean): Output {
  return {
    json,
    result: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    diagnostic: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  };
}

/** Prints issues for people, errors first, with a closing count unless `summary` is false. */
export function printIssues(output: Output, issues: readonly Issue[], options: { readonly summary?: boolean } = {}): void {
  const errors = issues.filter((issue) => issue.severity === 'error');
  const warnings = issues.filter((issue) => issue.severity === 'warning');
  for (const issue of [...errors, ...warnings]) {
    output.diagnostic(formatIssue(issue));
  }
  if (issues.length > 0 && (options.summary ?? true)) {
    output.diagnostic(`${errors.length} error(s), ${warnings.length} warning(s)`);
  }
}

export function issuesToJson(issues: readonly Issue[]): Record<string, unknown>[] {
  return issues.map(issueToJson);
}
