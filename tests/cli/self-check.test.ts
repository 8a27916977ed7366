import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { JsonObject } from '../../dsl/json.js';
import { checkArtifactsAgainstSchemas } from '../../cli/self-check.js';
import { failStep } from '../../steps/fail.js';
import { compileOk, testPipeline } from '../support/compile.js';

test('compiled artifacts pass the self-check', () => {
  const { result } = compileOk(testPipeline([failStep('Stop')]));
  assert.equal(checkArtifactsAgainstSchemas(result.artifacts as NonNullable<typeof result.artifacts>), []);
});

test('self-check reports a malformed definition', () => {
  const { result } = compileOk(testPipeline([failStep('Stop')]));
  const artifacts = result.artifacts as NonNullable<typeof result.artifacts>;
  const broken = { ...artifacts, definition: { ...artifacts.definition, Version: '2019-01-01' } as JsonObject };
  const issues = checkArtifactsAgainstSchemas(broken);
  assert.equal(issues.map((issue) => `${issue.code}@${issue.path}`), ['OUTPUT_SCHEMA_MISMATCH@definition.Version']);
  assert.match(issues[0]?.fix ?? '', /bug in sagepipe/);
});

test.run();
