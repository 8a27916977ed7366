import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sha256Hex } from '../../compiler/manifest.js';
import { runCli } from '../support/cli.js';
import { isGoldenFile, listFiles, readText } from '../support/golden.js';
import { REPO_ROOT } from '../support/paths.js';

const examples = readdirSync(join(REPO_ROOT, 'examples')).filter((name) => listFiles(join(REPO_ROOT, 'examples', name)).includes('pipeline.ts'));

for (const example of examples) {
  test(`${example} compiles to its golden artifacts`, () => {
    const out = mkdtempSync(join(tmpdir(), `sagepipe-golden-${example}-`));
    try {
      const result = runCli(['compile', `examples/${example}/pipeline.ts`, '--out', out]);
      assert.is(result.status, 0, result.stderr);

      const golden = join(REPO_ROOT, 'examples', example, 'expected');
      const produced = listFiles(out);
      assert.equal(produced.filter(isGoldenFile), listFiles(golden), 'the compiled files differ from the golden file list');
      for (const path of produced.filter(isGoldenFile)) {
        assert.fixture(readText(out, path), readText(golden, path), `${path} differs from its golden copy`);
      }

      const manifest = JSON.parse(readText(out, 'manifest.json')) as { files: { path: string; sha256: string }[] };
      for (const file of manifest.files) {
        assert.is(sha256Hex(readFileSync(join(out, file.path))), file.sha256, `${file.path} does not match its manifest hash`);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  test(`${example} compiles to identical bytes twice`, () => {
    const first = mkdtempSync(join(tmpdir(), `sagepipe-twice-a-`));
    const second = mkdtempSync(join(tmpdir(), `sagepipe-twice-b-`));
    try {
      assert.is(runCli(['compile', `examples/${example}/pipeline.ts`, '--out', first, '--no-type-check']).status, 0);
      assert.is(runCli(['compile', `examples/${example}/pipeline.ts`, '--out', second, '--no-type-check']).status, 0);
      const files = listFiles(first);
      assert.equal(listFiles(second), files);
      for (const path of files) {
        assert.ok(readFileSync(join(first, path)).equals(readFileSync(join(second, path))), `${path} differs between two compiles`);
      }
    } finally {
      rmSync(first, { recursive: true, force: true });
      rmSync(second, { recursive: true, force: true });
    }
  });
}

test.run();
