import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../support/cli.js';
import { REPO_ROOT } from '../support/paths.js';

const README_ENTRY = (): string => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(readme);
  if (block === null) {
    throw new Error('the README has no TypeScript example');
  }
  return block[1] as string;
};

/** A project outside the repository that has sagepipe installed as a dependency, as a user has it. */
function userProject(packageType: 'module' | 'commonjs'): string {
  const project = mkdtempSync(join(tmpdir(), `sagepipe-user-${packageType}-`));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', version: '1.0.0', type: packageType }));
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(REPO_ROOT, join(project, 'node_modules', 'sagepipe'), 'dir');
  writeFileSync(join(project, 'pipeline.ts'), README_ENTRY());
  return project;
}

for (const packageType of ['module', 'commonjs'] as const) {
  test(`entry compiles in a ${packageType} project`, () => {
    const project = userProject(packageType);
    try {
      const result = runCli(['compile', 'pipeline.ts', '--out', 'out'], { cwd: project });
      assert.is(result.status, 0, result.stderr);
      assert.match(result.stdout, /wrote \d+ files to out/);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
}

test.run();
