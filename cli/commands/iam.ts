import { existsSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ArtifactFile } from '../../compiler/manifest.js';
import { readArtifactFolder } from '../artifact-folder.js';
import type { Command } from '../command.js';
import { compileEntry } from '../compile-entry.js';
import { createOutput, ExitCode, issuesToJson, printIssues, UsageError, UserError } from '../output.js';

export const iamCommand: Command = {
  name: 'iam',
  usage: `Usage: sagepipe iam <entry.ts | artifact-folder> [--json] [--no-type-check]

Prints the IAM review page: each role's policy statements with the steps that need them and
why, the trust policies, the CI deployer's policy and trust template, the lint findings, and
what could not be derived. Needs no AWS credentials.

Given an entry file, compiles the pipeline in memory (nothing is written) and prints the
review even when IAM lint errors stop the compile, so the errors can be reviewed. Given an
artifact folder written by \`sagepipe compile\`, checks the folder's hashes and prints
iam/review.md.

Options:
  --json             Print {"ok", "review", "documents": [{"path", "iamRole", "document"}],
                     "issues"} on stdout; documents are listed when the compile succeeds
  --no-type-check    Skip the TypeScript check of an entry file
  -h, --help         Show this help

Exit codes: 0 review printed and no errors, 1 type, validation or IAM lint errors (the review
is still printed when it could be derived) or no review in the folder, 2 bad usage.`,

  async run(args) {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        'no-type-check': { type: 'boolean', default: false },
      },
    });
    if (positionals.length !== 1) {
      throw new UsageError(positionals.length === 0 ? 'missing the entry file or artifact folder' : `expected one entry file or artifact folder, got ${positionals.length}`);
    }
    const target = positionals[0] as string;
    const output = createOutput(values.json);

    if (existsSync(target) && statSync(target).isDirectory()) {
      const folder = readArtifactFolder(target);
      const reviewFile = folder.manifest.files.find((file) => file.role === 'iam-review');
      if (reviewFile === undefined) {
        throw new UserError(`no IAM review found in ${target}: the pipeline was compiled without a Region or a valid role ARN (see the IAM_NOT_DERIVED warning of compile)`, ExitCode.failed);
      }
      const review = folder.read(reviewFile.path).toString('utf8');
      if (output.json) {
        const documents = folder.manifest.files
          .filter((file) => file.role === 'iam-policy' || file.role === 'iam-trust-policy')
          .map((file) => ({ path: file.path, iamRole: file.iamRole, document: folder.readJson<unknown>(file.path) }));
        output.result(JSON.stringify({ ok: true, review, documents, issues: [] }, null, 2));
      } else {
        output.result(review);
      }
      return ExitCode.ok;
    }

    const result = await compileEntry(target, { typeCheck: !values['no-type-check'] });
    const ok = result.artifacts !== undefined;
    if (output.json) {
      const documents = (result.artifacts?.files ?? []).filter(isIamDocument).map((file) => ({
        path: file.path,
        iamRole: file.iamRole,
        document: JSON.parse(new TextDecoder().decode(file.content)) as unknown,
      }));
      output.result(JSON.stringify({ ok, review: result.iamReview ?? null, documents, issues: issuesToJson(result.issues) }, null, 2));
      return ok ? ExitCode.ok : ExitCode.failed;
    }

    printIssues(output, result.issues);
    if (result.iamReview !== undefined) {
      output.result(result.iamReview);
    } else if (ok) {
      output.diagnostic('no IAM review: the pipeline sets no Region or no valid role ARN (see the IAM_NOT_DERIVED warning)');
      return ExitCode.failed;
    }
    return ok ? ExitCode.ok : ExitCode.failed;
  },
};

function isIamDocument(file: ArtifactFile): boolean {
  return file.role === 'iam-policy' || file.role === 'iam-trust-policy';
}
