import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { listFiles } from '../support/golden.js';
import { asList, compileExample, fitsOraclePattern, iamDocuments, loadOracle, oracleAction } from '../support/iam-oracle.js';
import { exampleEntry, REPO_ROOT } from '../support/paths.js';

const examples = readdirSync(join(REPO_ROOT, 'examples')).filter((name) => listFiles(join(REPO_ROOT, 'examples', name)).includes('pipeline.ts'));

/** Identity-policy statements of an example, each with the document it is in. */
async function identityStatements(example: string): Promise<{ file: string; statement: Record<string, unknown> }[]> {
  const result = await compileExample(exampleEntry(example));
  assert.ok(result.artifacts, `${example} did not compile: ${JSON.stringify(result.issues.filter((issue) => issue.severity === 'error'))}`);
  return iamDocuments(result)
    .filter((document) => document.role === 'iam-policy')
    .flatMap((document) => document.document.Statement.map((statement) => ({ file: document.path, statement })));
}

test('examples emit IAM documents', async () => {
  for (const example of examples) {
    const result = await compileExample(exampleEntry(example));
    const documents = iamDocuments(result);
    assert.ok(documents.some((document) => document.role === 'iam-policy'), `${example} emits no IAM policy`);
    assert.ok(documents.some((document) => document.role === 'iam-trust-policy'), `${example} emits no trust policy`);
  }
});

for (const example of examples) {
  test(`${example} actions exist in reference`, async () => {
    for (const { file, statement } of await identityStatements(example)) {
      for (const action of asList(statement['Action'])) {
        assert.ok(oracleAction(action), `${file} ${String(statement['Sid'])}: ${action} is not in iam-actions.json`);
      }
    }
  });

  test(`${example} resources fit action patterns`, async () => {
    for (const { file, statement } of await identityStatements(example)) {
      for (const action of asList(statement['Action'])) {
        const info = oracleAction(action);
        if (info === undefined) {
          continue;
        }
        for (const resource of asList(statement['Resource'])) {
          const where = `${file} ${String(statement['Sid'])}: ${action} on ${resource}`;
          if (resource === '*') {
            assert.is(info.supports_resource_level, false, `${where}: "*" although the action takes resource ARNs`);
            continue;
          }
          const patterns = info.resource_types.filter((row) => row.resource_type !== '').map((row) => row.arn);
          assert.ok(patterns.some((pattern) => fitsOraclePattern(pattern, resource)), `${where} fits none of ${patterns.join(', ')}`);
        }
      }
    }
  });

  test(`${example} condition keys apply`, async () => {
    for (const { file, statement } of await identityStatements(example)) {
      const conditions = (statement['Condition'] ?? {}) as Record<string, Record<string, unknown>>;
      const keys = Object.values(conditions).flatMap((block) => Object.keys(block));
      for (const action of asList(statement['Action'])) {
        const info = oracleAction(action);
        const allowed = new Set((info?.resource_types ?? []).flatMap((row) => [...row.condition_keys, ...row.resource_condition_keys]));
        for (const key of keys) {
          assert.ok(key.startsWith('aws:') || allowed.has(key), `${file} ${String(statement['Sid'])}: key ${key} does not apply to ${action}`);
        }
      }
    }
  });

  test(`${example} PassRole exact and conditioned`, async () => {
    const passes = (await identityStatements(example)).filter(({ statement }) => asList(statement['Action']).includes('iam:PassRole'));
    assert.ok(passes.length > 0, `${example} passes no role`);
    for (const { file, statement } of passes) {
      const where = `${file} ${String(statement['Sid'])}`;
      assert.equal(asList(statement['Action']), ['iam:PassRole'], `${where} mixes PassRole with other actions`);
      for (const resource of asList(statement['Resource'])) {
        assert.not.match(resource, /[*?]/, `${where} passes a role pattern`);
        assert.match(resource, /^arn:aws(-cn|-us-gov)?:iam::[^:]+:role\/[\w+=,.@/-]+$/, `${where} passes something that is not a role ARN`);
      }
      assert.equal(statement['Condition'], { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } }, `${where} condition`);
    }
  });

  test(`${example} trust actions exist`, async () => {
    const result = await compileExample(exampleEntry(example));
    for (const document of iamDocuments(result).filter((candidate) => candidate.role === 'iam-trust-policy')) {
      for (const statement of document.document.Statement) {
        for (const action of asList(statement['Action'])) {
          assert.ok(oracleAction(action), `${document.path}: ${action} is not in iam-actions.json`);
        }
      }
    }
  });
}

test('action data matches reference', () => {
  const shipped = JSON.parse(readFileSync(join(REPO_ROOT, 'compiler', 'iam', 'action-data.json'), 'utf8')) as {
    services: Record<string, { resourceTypes: Record<string, { arn: string }>; actions: Record<string, { level: string; resources: string[] }> }>;
  };
  const oracle = loadOracle();
  assert.equal(Object.keys(shipped.services).sort(), Object.keys(oracle.services).sort());
  for (const [prefix, service] of Object.entries(oracle.services)) {
    const data = shipped.services[prefix];
    assert.equal(Object.keys(data?.actions ?? {}).sort(), Object.keys(service.actions).sort(), `${prefix} actions differ`);
    for (const [name, action] of Object.entries(service.actions)) {
      const entry = data?.actions[name];
      assert.is(entry?.level, action.access_level, `${prefix}:${name} access level`);
      const expected = [...new Set(action.resource_types.filter((row) => row.resource_type !== '').map((row) => row.arn))].sort();
      const shippedArns = [...new Set((entry?.resources ?? []).map((type) => data?.resourceTypes[type]?.arn))].sort();
      assert.equal(shippedArns, expected, `${prefix}:${name} ARN patterns`);
    }
  }
});

test.run();
