import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../support/cli.js';
import { REPO_ROOT } from '../support/paths.js';

/** TypeScript blocks of the README, which must compile as written. */
function typescriptBlocks(): string[] {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] as string);
}

test('README pipeline example compiles', () => {
  const blocks = typescriptBlocks();
  assert.ok(blocks.length > 0, 'the README has no TypeScript example');
  // The entry must live inside the repository so that `import 'sagepipe'` resolves to this package.
  mkdirSync(join(REPO_ROOT, '.sagepipe'), { recursive: true });
  const folder = mkdtempSync(join(REPO_ROOT, '.sagepipe', 'readme-'));
  try {
    blocks.forEach((block, index) => {
      const entry = join(folder, `example-${index}.ts`);
      writeFileSync(entry, block);
      const result = runCli(['compile', entry, '--out', join(folder, `out-${index}`)]);
      assert.is(result.status, 0, `README example ${index + 1} does not compile:\n${result.stderr}`);
    });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test.run();
