import { parseArgs } from 'node:util';
import { compileEntry } from '../compile-entry.js';
import type { Command } from '../command.js';
import { createOutput, ExitCode, issuesToJson, printIssues, UsageError } from '../output.js';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Report every problem in a pipeline entry without writing anything',
  usage: `Usage: sagepipe validate <entry.ts> [--json]

Type-checks, evaluates and validates the entry like compile, and prints every error and
warning with its code, path, value, rule and fix. Writes nothing.

Options:
  --json        Print {"ok": ..., "issues": [...]} on stdout
  -h, --help    Show this help

Exit codes: 0 no errors (warnings may be printed), 1 errors found, 2 bad usage.`,

  async run(args) {
    const { values, positionals } = parseArgs({ args: [...args], allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
    if (positionals.length !== 1) {
      throw new UsageError(positionals.length === 0 ? 'missing the entry file' : `expected one entry file, got ${positionals.length}`);
    }
    const output = createOutput(values.json);
    const result = await compileEntry(positionals[0] as string);
    const ok = result.artifacts !== undefined;
    if (output.json) {
      output.result(JSON.stringify({ ok, issues: issuesToJson(result.issues) }, null, 2));
    } else {
      printIssues(output, result.issues);
      if (ok) {
        output.result('no errors');
      }
    }
    return ok ? ExitCode.ok : ExitCode.failed;
  },
};
