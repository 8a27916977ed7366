import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compile } from '../../compiler/compile.js';
import { countDefinitionSteps, generatePipeline } from '../../bench/compile-pipelines.js';
import { stableJson } from '../../bench/results.js';
import { summarize } from '../../bench/stats.js';

test('summarize odd count', () => {
  const summary = summarize([5, 1, 3]);

  assert.is(summary.median, 3);
  assert.is(summary.min, 1);
  assert.is(summary.max, 5);
  assert.equal(summary.runs, [5, 1, 3]);
});

test('summarize even count', () => {
  assert.is(summarize([4, 1, 3, 2]).median, 2.5);
});

test('summarize rejects no runs', () => {
  assert.throws(() => summarize([]), /no measured runs/);
});

test('stableJson sorts nested keys', () => {
  assert.is(stableJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: 3 } }), '{\n  "a": {\n    "c": 3,\n    "d": [\n      {\n        "y": 2,\n        "z": 1\n      }\n    ]\n  },\n  "b": 1\n}\n');
});

for (const shape of ['mixed', 'processing-chain'] as const) {
  test(`generated ${shape} step counts`, () => {
    for (const steps of [1, 2, 3, 25, 26, 27, 100]) {
      const result = compile(generatePipeline(shape, steps), { sagepipeVersion: '0.0.0-test' });
      const errors = result.issues.filter((issue) => issue.severity === 'error');

      assert.equal(errors, [], `${shape} ${steps}: no errors`);
      assert.is(countDefinitionSteps((result.artifacts?.definition['Steps'] ?? []) as unknown[]), steps, `${shape} ${steps}: step count`);
    }
  });
}

test('mixed shape has every feature', () => {
  const result = compile(generatePipeline('mixed', 60), { sagepipeVersion: '0.0.0-test' });
  const text = JSON.stringify(result.artifacts?.definition);

  assert.ok(text.includes('"Std:Join"'), 'joins');
  assert.ok(text.includes('"Type":"Condition"'), 'conditions');
  assert.ok(text.includes('"Type":"Fail"'), 'fail steps in branches');
  assert.ok(text.includes('"Get":"Steps.p0.ProcessingOutputConfig.Outputs[\'out\'].S3Output.S3Uri"'), 'property reference chain');
  assert.ok(text.includes('"DependsOn":["c0_0","c0_1"'), 'fan-in through DependsOn');
});

test('generator rejects zero steps', () => {
  assert.throws(() => generatePipeline('mixed', 0), /step count 0 is invalid/);
});

test.run();
