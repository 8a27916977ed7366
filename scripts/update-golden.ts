/**
 * Recompiles every example and replaces its expected/ folder with the output (the runtime
 * bundle's bytes excepted: the manifest pins its hash). Review the diff before committing it.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const examples = readdirSync(join(root, 'examples')).filter((name) => existsSync(join(root, 'examples', name, 'pipeline.ts')));

for (const example of examples) {
  const out = mkdtempSync(join(tmpdir(), `sagepipe-golden-${example}-`));
  const result = spawnSync(process.execPath, [join(root, 'bin', 'sagepipe.js'), 'compile', `examples/${example}/pipeline.ts`, '--out', out], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    throw new Error(`compiling ${example} failed with exit code ${result.status}`);
  }
  const expected = join(root, 'examples', example, 'expected');
  rmSync(expected, { recursive: true, force: true });
  mkdirSync(expected, { recursive: true });
  cpSync(out, expected, { recursive: true, filter: (source) => !source.endsWith('ingest.mjs') });
  rmSync(out, { recursive: true, force: true });
  process.stdout.write(`updated examples/${example}/expected\n`);
}
