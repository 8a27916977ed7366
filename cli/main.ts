import type { Command } from './command.js';
import { createOutput, ExitCode, issuesToJson, printIssues, UsageError, UserError } from './output.js';
import { SAGEPIPE_VERSION } from './package-info.js';

/** An entry of the command list. The command's module is loaded only when the command runs. */
interface CommandEntry {
  readonly name: string;
  /** Summary line in the command list. */
  readonly summary: string;
  load(): Promise<Command>;
}

/**
 * Every command, in the order `sagepipe --help` lists them. Modules load on demand, so that local
 * commands and help do not pay for loading the AWS SDK.
 */
const COMMANDS: readonly CommandEntry[] = [
  { name: 'compile', summary: 'Type-check a pipeline entry and write its artifact folder', load: async () => (await import('./commands/compile.js')).compileCommand },
  { name: 'validate', summary: 'Report every problem in a pipeline entry without writing anything', load: async () => (await import('./commands/validate.js')).validateCommand },
  { name: 'iam', summary: 'Print the IAM review of a pipeline entry or artifact folder', load: async () => (await import('./commands/iam.js')).iamCommand },
  { name: 'run', summary: 'Execute a compiled pipeline locally on embedded engines', load: async () => (await import('./commands/run.js')).runCommand },
  { name: 'query', summary: 'Run SQL over the local offline store', load: async () => (await import('./commands/query.js')).queryCommand },
  { name: 'generate-data', summary: 'Write a messy synthetic churn table for local runs', load: async () => (await import('./commands/generate-data.js')).generateDataCommand },
  { name: 'demo', summary: 'Generate messy churn data, compile the churn example and run it locally', load: async () => (await import('./commands/demo.js')).demoCommand },
  { name: 'plan', summary: 'Show what upsert would create, update or leave unchanged on AWS', load: async () => (await import('./commands/plan.js')).planCommand },
  { name: 'upsert', summary: 'Deploy an artifact folder: assets, feature groups and the pipeline', load: async () => (await import('./commands/upsert.js')).upsertCommand },
  { name: 'start', summary: 'Start a pipeline execution, and optionally follow it to its end', load: async () => (await import('./commands/start.js')).startCommand },
];

const GENERAL_USAGE = () => `sagepipe ${SAGEPIPE_VERSION}: typed SageMaker pipelines and feature groups, compiled for review and deploy

Usage: sagepipe <command> [options]

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(15)}${command.summary}`).join('\n')}

Run \`sagepipe <command> --help\` (or \`sagepipe help <command>\`) for the options of a command.
Exit codes: 0 ok, 1 problems found or a run failed, 2 bad usage, 3 an AWS call failed.
Environment: SAGEPIPE_DEBUG=1 prints the stack trace of an internal error.`;

/** Runs the CLI and returns the exit code; only this function and the launcher deal with process state. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' && rest[0] !== undefined) {
    return runCli([rest[0], '--help']);
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${GENERAL_USAGE()}\n`);
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${SAGEPIPE_VERSION}\n`);
    return ExitCode.ok;
  }
  const entry = COMMANDS.find((candidate) => candidate.name === name);
  if (entry === undefined) {
    process.stderr.write(`sagepipe: unknown command '${name}'\n\n${GENERAL_USAGE()}\n`);
    return ExitCode.usage;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.usage}\n`);
    return ExitCode.ok;
  }

  const json = rest.includes('--json');
  const output = createOutput(json);
  try {
    return await command.run(rest);
  } catch (error) {
    return reportError(error, command, output);
  }
}

function reportError(error: unknown, command: Command, output: ReturnType<typeof createOutput>): number {
  const code = (error as { code?: string } | undefined)?.code;
  if (error instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
    output.diagnostic(`sagepipe ${command.name}: ${(error as Error).message}\n\n${command.usage}`);
    return ExitCode.usage;
  }
  if (error instanceof UserError) {
    if (output.json) {
      output.result(JSON.stringify({ ok: false, error: error.message, issues: issuesToJson(error.issues) }, null, 2));
    } else {
      output.diagnostic(`sagepipe ${command.name}: ${error.message}`);
      printIssues(output, error.issues);
    }
    return error.exitCode;
  }
  output.diagnostic(`sagepipe ${command.name}: internal error: ${(error as Error)?.message ?? String(error)}`);
  if (process.env['SAGEPIPE_DEBUG'] === '1') {
    output.diagnostic((error as Error)?.stack ?? '');
  } else {
    output.diagnostic('This is a bug in sagepipe. Set SAGEPIPE_DEBUG=1 to print the stack trace, and report it.');
  }
  return ExitCode.failed;
}

process.exitCode = await runCli(process.argv.slice(2));
