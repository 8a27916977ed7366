import * as assert from 'uvu/assert';
import { compile, type CompileResult } from '../../compiler/compile.js';
import type { Issue } from '../../compiler/issues.js';
import type { JsonObject } from '../../dsl/json.js';
import { type Pipeline, pipeline, type PipelineProps } from '../../dsl/pipeline.js';
import type { Step } from '../../dsl/step.js';

/** Bytes standing in for the runtime bundle in unit tests; golden tests use the real bundle. */
export const TEST_BUNDLE = new TextEncoder().encode('// runtime bundle used by unit tests\n');

export const ROLE = 'arn:aws:iam::123456789012:role/PipelineRole';

export function compileForTest(subject: Pipeline): CompileResult {
  return compile(subject, { runtimeBundle: TEST_BUNDLE, sagepipeVersion: '0.0.0-test' });
}

/** Builds a pipeline with a role and region, so tests only state what they are about. */
export function testPipeline(steps: readonly Step[], props: Partial<PipelineProps> = {}): Pipeline {
  return pipeline('test-pipeline', { roleArn: ROLE, region: 'us-west-2', ...props, steps });
}

/** Compiles and fails the test with every issue printed when there is an error. */
export function compileOk(subject: Pipeline): { definition: JsonObject; issues: readonly Issue[]; result: CompileResult } {
  const result = compileForTest(subject);
  const errors = result.issues.filter((issue) => issue.severity === 'error');
  assert.equal(errors, [], 'expected no errors');
  if (result.artifacts === undefined) {
    throw new Error('compile returned no artifacts');
  }
  return { definition: result.artifacts.definition, issues: result.issues, result };
}

/** The rendered step of the definition with the given name, top level only. */
export function stepJson(definition: JsonObject, name: string): JsonObject {
  const step = (definition['Steps'] as JsonObject[]).find((candidate) => candidate['Name'] === name);
  if (step === undefined) {
    throw new Error(`no step '${name}' in the definition`);
  }
  return step;
}

/** Issues as `code@path` strings, for table tests that pin both. */
export function issueKeys(result: CompileResult, severity: 'error' | 'warning' = 'error'): string[] {
  return result.issues.filter((issue) => issue.severity === severity).map((issue) => `${issue.code}@${issue.path}`);
}
