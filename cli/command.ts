/** A CLI command: its name, help text and implementation. */
export interface Command {
  readonly name: string;
  /** The full `--help` text: usage, description, options with units and defaults, exit codes. */
  readonly usage: string;
  /** Runs the command and returns the exit code; throws UserError for problems the user can fix. */
  run(args: readonly string[]): Promise<number>;
}
