import { existsSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Project, ts } from 'ts-morph';
import { tsImport } from 'tsx/esm/api';
import type { Issue } from '../compiler/issues.js';
import { ConfigError } from '../dsl/config.js';
import { ImplicitConversionError } from '../dsl/expressions.js';
import { isPipeline, type Pipeline } from '../dsl/pipeline.js';
import { displayPath } from './display-path.js';
import { ExitCode, UserError } from './output.js';
import { PACKAGE_ROOT } from './package-info.js';

/** Compiler options for checking entry files; the same strictness the project itself uses. */
const CHECK_OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  // Bundler resolution reads package "exports" like Node does, and treats every entry as an ES
  // module, which is how tsx evaluates it.
  module: ts.ModuleKind.ES2022,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  skipLibCheck: true,
  esModuleInterop: true,
  resolveJsonModule: true,
  types: [],
};

/** Resolves an entry path given on the command line and checks that it is a TypeScript file. */
export function resolveEntry(entry: string): string {
  const path = resolve(entry);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new UserError(`entry file not found: ${entry}`, ExitCode.failed, [
      { code: 'ENTRY_NOT_FOUND', severity: 'error', path: 'entry', message: `no file at ${path}`, fix: 'pass the path of the pipeline .ts file' },
    ]);
  }
  if (!/\.(m|c)?ts$/.test(path)) {
    throw new UserError(`entry file must be TypeScript (.ts, .mts or .cts): ${entry}`);
  }
  return path;
}

/**
 * Type-checks the entry and the files it imports with the TypeScript compiler (through ts-morph)
 * and returns one issue per diagnostic, with `file:line:column`.
 */
export function typeCheckEntry(entryPath: string): Issue[] {
  const project = new Project({ compilerOptions: CHECK_OPTIONS, skipAddingFilesFromTsConfig: true });
  project.addSourceFileAtPath(entryPath);
  project.resolveSourceFileDependencies();
  const diagnostics = project.getPreEmitDiagnostics().filter((diagnostic) => {
    const file = diagnostic.getSourceFile()?.getFilePath();
    return file === undefined || !file.includes('/node_modules/');
  });
  return diagnostics.map((diagnostic) => {
    const file = diagnostic.getSourceFile();
    const start = diagnostic.getStart();
    let location = 'entry';
    if (file !== undefined && start !== undefined) {
      const { line, column } = file.getLineAndColumnAtPos(start);
      location = `${displayPath(file.getFilePath())}:${line}:${column}`;
    }
    return {
      code: 'TYPE_ERROR',
      severity: diagnostic.getCategory() === ts.DiagnosticCategory.Warning ? ('warning' as const) : ('error' as const),
      path: location,
      message: `TS${diagnostic.getCode()}: ${ts.flattenDiagnosticMessageText(diagnostic.compilerObject.messageText, '\n')}`,
    };
  });
}

/**
 * Evaluates the entry and returns its default export. Errors a user can fix (an invalid config,
 * an expression used as text) become `UserError`s that name the place in the entry.
 */
export async function loadPipeline(entryPath: string): Promise<Pipeline> {
  let module: { default?: unknown };
  try {
    module = (await tsImport(pathToFileURL(entryPath).href, import.meta.url)) as { default?: unknown };
  } catch (error) {
    throw toUserError(error, entryPath);
  }
  let exported = module.default;
  // In a package with "type": "commonjs", tsx loads the entry as CommonJS, so the namespace's
  // default is module.exports and the pipeline is one level down.
  const nested = (exported as { default?: unknown } | undefined)?.default;
  if (!isPipeline(exported) && isPipeline(nested)) {
    exported = nested;
  }
  if (!isPipeline(exported)) {
    throw new UserError(`the entry ${displayPath(entryPath)} does not export a pipeline`, ExitCode.failed, [
      {
        code: 'NOT_A_PIPELINE',
        severity: 'error',
        path: displayPath(entryPath),
        message: 'the default export is not a pipeline',
        value: typeof exported,
        rule: 'the entry file’s default export is the value returned by pipeline(...)',
        fix: 'add `export default pipeline(...)`',
      },
    ]);
  }
  return exported;
}

function toUserError(error: unknown, entryPath: string): UserError {
  if (error instanceof ConfigError || (error as Error | undefined)?.name === 'ConfigError') {
    const configError = error as ConfigError;
    return new UserError(`invalid config file ${displayPath(configError.configPath)}`, ExitCode.failed, configError.issues);
  }
  const where = userFrame(error);
  if (error instanceof ImplicitConversionError || (error as Error | undefined)?.name === 'ImplicitConversionError') {
    return new UserError(`evaluating ${displayPath(entryPath)} failed`, ExitCode.failed, [
      {
        code: 'IMPLICIT_CONVERSION',
        severity: 'error',
        path: where ?? displayPath(entryPath),
        message: (error as Error).message,
        fix: 'replace the template literal or String() call with str`...` or join([...])',
      },
    ]);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new UserError(`evaluating ${displayPath(entryPath)} failed${where ? ` at ${where}` : ''}: ${message}`, ExitCode.failed, [
    {
      code: 'ENTRY_FAILED',
      severity: 'error',
      path: where ?? displayPath(entryPath),
      message,
      fix: 'fix the error in the entry file; set SAGEPIPE_DEBUG=1 to print the stack trace',
    },
  ]);
}

/** Folders of sagepipe's own code; stack frames in them are not the user's. Source maps point frames at them. */
const SAGEPIPE_FOLDERS = ['dsl', 'steps', 'compiler', 'schemas', 'runtime', 'cli', 'dist'].map((folder) => join(PACKAGE_ROOT, folder) + sep);

/** Finds the first stack frame outside sagepipe and node_modules and returns it as `file:line:column`. */
function userFrame(error: unknown): string | undefined {
  const stack = (error as Error | undefined)?.stack ?? '';
  for (const line of stack.split('\n').slice(1)) {
    const match = /\(?((?:file:\/\/)?[^()\s]+):(\d+):(\d+)\)?$/.exec(line.trim());
    if (match === null) {
      continue;
    }
    const file = (match[1] as string).replace(/^file:\/\//, '');
    if (file.includes('/node_modules/') || file.startsWith('node:') || SAGEPIPE_FOLDERS.some((folder) => file.startsWith(folder))) {
      continue;
    }
    return `${displayPath(file.split('?')[0] as string)}:${match[2]}:${match[3]}`;
  }
  return undefined;
}
