import { compile, type CompileResult } from '../compiler/compile.js';
import { loadPipeline, resolveEntry, typeCheckEntry } from './entry.js';
import { ExitCode, UserError } from './output.js';
import { checkArtifactsAgainstSchemas } from './self-check.js';
import { readRuntimeBundle, SAGEPIPE_VERSION } from './package-info.js';

/**
 * Type-checks, evaluates and compiles an entry file. Type errors stop before the entry runs,
 * because evaluating ill-typed code would report confusing follow-on errors.
 */
export async function compileEntry(entry: string, options: { readonly typeCheck?: boolean } = {}): Promise<CompileResult> {
  const entryPath = resolveEntry(entry);
  if (options.typeCheck ?? true) {
    const typeIssues = typeCheckEntry(entryPath);
    if (typeIssues.some((issue) => issue.severity === 'error')) {
      throw new UserError(`${entry} does not compile with TypeScript`, ExitCode.failed, typeIssues);
    }
  }
  const pipeline = await loadPipeline(entryPath);
  const result = compile(pipeline, { runtimeBundle: readRuntimeBundle(), sagepipeVersion: SAGEPIPE_VERSION });
  if (result.artifacts === undefined) {
    return result;
  }
  const mismatches = checkArtifactsAgainstSchemas(result.artifacts);
  return mismatches.length === 0 ? result : { issues: [...result.issues, ...mismatches], artifacts: undefined };
}
