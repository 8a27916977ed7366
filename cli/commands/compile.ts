import { parseArgs } from 'node:util';
import { compileEntry } from '../compile-entry.js';
import { writeArtifactFolder } from '../artifact-folder.js';
import type { Command } from '../command.js';
import { createOutput, ExitCode, issuesToJson, printIssues, UsageError } from '../output.js';

export const compileCommand: Command = {
  name: 'compile',
  usage: `Usage: sagepipe compile <entry.ts> [--out DIR] [--no-type-check] [--json]

Type-checks the entry file with the TypeScript compiler, evaluates it, validates the pipeline
and writes the artifact folder: manifest.json, the pipeline definition (compact, as the API
receives it, and pretty-printed for review), the CreatePipeline request fields, one
CreateFeatureGroup request per feature group, and the assets. Under iam/ it writes a policy and
a trust policy per role, the CI deployer's policy and trust template, and review.md; IAM lint
errors stop the compile like validation errors. Needs no AWS credentials.

Options:
  --out DIR          Artifact folder to write (replaced as a whole). Default: sagepipe.out
  --no-type-check    Skip the TypeScript check (faster; evaluation errors may be less clear,
                     and a duplicate key in an object literal is not caught, because
                     JavaScript keeps the last one)
  --json             Print the result as JSON on stdout
  -h, --help         Show this help

Exit codes: 0 written, 1 type errors or validation errors (nothing written), 2 bad usage.`,

  async run(args) {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        out: { type: 'string', default: 'sagepipe.out' },
        'no-type-check': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
    });
    if (positionals.length !== 1) {
      throw new UsageError(positionals.length === 0 ? 'missing the entry file' : `expected one entry file, got ${positionals.length}`);
    }
    const output = createOutput(values.json);
    const result = await compileEntry(positionals[0] as string, { typeCheck: !values['no-type-check'] });

    if (result.artifacts === undefined) {
      if (output.json) {
        output.result(JSON.stringify({ ok: false, issues: issuesToJson(result.issues) }, null, 2));
      } else {
        printIssues(output, result.issues);
      }
      return ExitCode.failed;
    }
    const directory = writeArtifactFolder(values.out, result.artifacts);
    if (output.json) {
      output.result(
        JSON.stringify(
          { ok: true, outDir: directory, files: result.artifacts.manifest.files.map((file) => file.path), issues: issuesToJson(result.issues) },
          null,
          2,
        ),
      );
    } else {
      printIssues(output, result.issues);
      output.result(`wrote ${result.artifacts.files.length + 2} files to ${values.out}`);
    }
    return ExitCode.ok;
  },
};
