/**
 * Bundles the ingest runtime into one ES module, dist/runtime-bundle/ingest.mjs, with the AWS SDK
 * included, so the processing container needs nothing but Node.js. esbuild output is
 * deterministic for the same sources and esbuild version, so the bundle's hash is stable.
 */
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outfile = join(root, 'dist', 'runtime-bundle', 'ingest.mjs');
mkdirSync(dirname(outfile), { recursive: true });

const result = await build({
  absWorkingDir: root,
  entryPoints: ['runtime/bootstrap.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  minify: true,
  keepNames: true,
  legalComments: 'eof',
  logLevel: 'warning',
  // Some CommonJS dependencies of the AWS SDK call require(); ES modules need it defined.
  banner: { js: "import { createRequire as __sagepipeCreateRequire } from 'node:module'; const require = __sagepipeCreateRequire(import.meta.url);" },
  metafile: true,
});

const inputs = Object.keys(result.metafile.inputs);
const native = inputs.filter((input) => input.includes('@duckdb') || input.endsWith('.node'));
if (native.length > 0) {
  throw new Error(`the runtime bundle must not include native modules, but it imports: ${native.join(', ')}`);
}
// The runtime runs from the bundle alone and reads only its compiled config, never the DSL.
const authoring = inputs.filter((input) => /^(dsl|steps|compiler|cli|runtime\/local)\//.test(input));
if (authoring.length > 0) {
  throw new Error(`the runtime bundle must not include authoring, compiler, CLI or local-mode code, but it imports: ${authoring.join(', ')}`);
}
