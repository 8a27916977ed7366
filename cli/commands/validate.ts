import { parseArgs } from 'node:util';
import { compileEntry } from '../compile-entry.js';
import type { Command } from '../command.js';
import { createOutput, ExitCode, issuesToJson, printIssues, UsageError } from '../output.js';

export const validateCommand: Command = {
  name: 'validate',
  usage: `Usage: sagepipe validate <entry.ts> [--no-type-check] [--json]

Type-checks, evaluates and validates the entry like compile, and prints every error and
warning with its code, path, value, rule and fix. Writes nothing.

Options:
  --no-type-check    Skip the TypeScript check (faster; a duplicate key in an object literal
                     is then not caught, because JavaScript keeps the last one)
  --json             Print {"ok": ..., "issues": [...]} on stdout
  -h, --help         Show this help

Exit codes: 0 no errors (warnings may be printed), 1 errors found, 2 bad usage.`,

  async run(args) {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false }, 'no-type-check': { type: 'boolean', default: false } },
    });
    if (positionals.length !== 1) {
      throw new UsageError(positionals.length === 0 ? 'missing the entry file' : `expected one entry file, got ${positionals.length}`);
    }
    const output = createOutput(values.json);
    const result = await compileEntry(positionals[0] as string, { typeCheck: !values['no-type-check'] });
    const ok = result.artifacts !== undefined;
    if (output.json) {
      output.result(JSON.stringify({ ok, issues: issuesToJson(result.issues) }, null, 2));
    } else {
      printIssues(output, result.issues, { summary: !ok });
      if (ok) {
        const warnings = result.issues.length;
        output.result(warnings === 0 ? 'no errors' : `no errors, ${warnings} warning(s)`);
      }
    }
    return ok ? ExitCode.ok : ExitCode.failed;
  },
};
