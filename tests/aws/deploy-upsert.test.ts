import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { writeArtifactFolder } from '../../cli/artifact-folder.js';
import { compile } from '../../compiler/compile.js';
import type { Manifest } from '../../compiler/manifest.js';
import { pipeline, processingStep } from '../../dsl/index.js';
import { type AwsEndpoint, endpointEnvironment, type RecordedCall, startAwsEndpoint } from '../support/aws-endpoint/index.js';
import { ChurnWorkspace } from '../support/churn-example.js';
import { runCliAsync } from '../support/child-process.js';

const BUCKET = 'mlbucket-sagemaker';
const PIPELINE = 'feature-store-ingestion-pipeline';
const GROUP = 'mlops_poc_churn_classification_feature';
const WRITES = new Set(['PutObject', 'CreateFeatureGroup', 'UpdateFeatureGroup', 'CreatePipeline', 'UpdatePipeline', 'AddTags', 'StartPipelineExecution']);

function writes(calls: readonly RecordedCall[]): string[] {
  return calls.filter((call) => WRITES.has(call.operation)).map((call) => call.operation);
}

function manifestOf(folder: string): Manifest {
  return JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as Manifest;
}

interface Context {
  endpoint: AwsEndpoint;
  workspace: ChurnWorkspace;
  cli: (args: readonly string[]) => ReturnType<typeof runCliAsync>;
}

const upsert = suite<Context>('upsert and plan');

upsert.before.each(async (context) => {
  context.endpoint = await startAwsEndpoint();
  context.endpoint.s3.createBucket(BUCKET);
  context.workspace = new ChurnWorkspace();
  context.cli = (args) => runCliAsync(args, { env: endpointEnvironment(context.endpoint) });
});

upsert.after.each(async (context) => {
  context.workspace.remove();
  await context.endpoint.close();
  assert.equal(context.endpoint.internalErrors, []);
});

upsert('create then update then no-op', async ({ endpoint, workspace, cli }) => {
  const first = await workspace.compile('v1');

  const created = await cli(['upsert', first]);

  assert.is(created.status, 0, created.stderr);
  assert.equal(writes(endpoint.calls), ['PutObject', 'PutObject', 'CreateFeatureGroup', 'CreatePipeline']);
  const [create] = endpoint.callsTo('CreatePipeline');
  assert.is(create?.input['PipelineDefinition'], readFileSync(join(first, 'pipeline', 'definition.json'), 'utf8'));
  assert.is(create?.input['PipelineDefinitionS3Location'], undefined);
  assert.equal(create?.input['Tags'], [{ Key: 'project', Value: 'feature-store-churn-poc' }]);
  assert.is(endpoint.sagemaker.featureGroups.get(GROUP)?.status, 'Created');
  for (const file of manifestOf(first).files.filter((entry) => entry.role === 'asset')) {
    const stored = endpoint.s3.getObjectByUri(file.s3Uri as string);
    assert.ok(stored?.body.equals(readFileSync(join(first, file.path))), `${file.path} was uploaded byte for byte`);
    assert.is(stored?.metadata['sha256'], file.sha256);
  }
  assert.match(created.stdout, 'created pipeline feature-store-ingestion-pipeline');

  workspace.setConfig('processing_instance_type', 'ml.m5.2xlarge');
  const second = await workspace.compile('v2');
  const before = endpoint.calls.length;
  const updated = await cli(['upsert', second]);

  assert.is(updated.status, 0, updated.stderr);
  assert.equal(writes(endpoint.calls.slice(before)), ['UpdatePipeline']);
  assert.is(endpoint.sagemaker.pipelines.definitionOf(PIPELINE), readFileSync(join(second, 'pipeline', 'definition.json'), 'utf8'));

  const again = endpoint.calls.length;
  const unchanged = await cli(['upsert', second]);

  assert.is(unchanged.status, 0, unchanged.stderr);
  assert.equal(writes(endpoint.calls.slice(again)), []);
  assert.match(unchanged.stdout, 'No changes: 4 resource(s) of pipeline feature-store-ingestion-pipeline are up to date in us-west-2.');
});

upsert('plan shows one field change', async ({ workspace, cli }) => {
  assert.is((await cli(['upsert', await workspace.compile('v1')])).status, 0);
  workspace.setConfig('processing_instance_type', 'ml.m5.2xlarge');
  const edited = await workspace.compile('v2');

  const text = await cli(['plan', edited]);
  const json = await cli(['plan', edited, '--json']);

  assert.is(text.status, 0, text.stderr);
  assert.match(text.stdout, '~ pipeline       feature-store-ingestion-pipeline');
  assert.match(text.stdout, '      ~ Parameters[ProcessingInstanceType].DefaultValue: "ml.m5.xlarge" -> "ml.m5.2xlarge"');
  assert.match(text.stdout, 'Summary: 0 to create, 1 to update, 3 unchanged, 0 in conflict.');
  const plan = (JSON.parse(json.stdout) as { plan: { hasChanges: boolean; resources: { kind: string; action: string; definitionChanges?: unknown[] }[] } }).plan;
  assert.is(plan.hasChanges, true);
  const pipelinePlan = plan.resources.find((resource) => resource.kind === 'pipeline');
  assert.equal(pipelinePlan?.definitionChanges, [{ path: 'Parameters[ProcessingInstanceType].DefaultValue', change: 'changed', before: 'ml.m5.xlarge', after: 'ml.m5.2xlarge' }]);
  assert.equal(
    plan.resources.filter((resource) => resource.kind !== 'pipeline').map((resource) => resource.action),
    ['unchanged', 'unchanged', 'unchanged'],
  );
});

upsert('plan makes read calls only', async ({ endpoint, workspace, cli }) => {
  const folder = await workspace.compile();

  const result = await cli(['plan', folder]);

  assert.is(result.status, 0, result.stderr);
  assert.equal(writes(endpoint.calls), []);
  assert.equal([...new Set(endpoint.calls.map((call) => call.operation))].sort(), ['DescribeFeatureGroup', 'DescribePipeline', 'HeadObject']);
  assert.match(result.stdout, 'Summary: 4 to create, 0 to update, 0 unchanged, 0 in conflict.');
});

upsert('dry run changes nothing', async ({ endpoint, workspace, cli }) => {
  const result = await cli(['upsert', await workspace.compile(), '--dry-run']);

  assert.is(result.status, 0, result.stderr);
  assert.equal(writes(endpoint.calls), []);
  assert.match(result.stdout, 'Dry run: nothing was changed.');
});

upsert('placeholders refused before any call', async ({ endpoint, cli }) => {
  const original = new ChurnWorkspace(false);
  try {
    const result = await cli(['upsert', await original.compile(), '--json']);

    assert.is(result.status, 1);
    assert.is(endpoint.calls.length, 0);
    const output = JSON.parse(result.stdout) as { ok: boolean; issues: { code: string; path: string; value: string }[] };
    assert.is(output.ok, false);
    assert.ok(output.issues.every((issue) => issue.code === 'PLACEHOLDER_VALUE'));
    assert.ok(output.issues.some((issue) => issue.path === 'config.role_arn' && issue.value === 'arn:aws:iam::ACCOUNT_ID:role/ML-Role-Pipelines'));
    assert.ok(output.issues.some((issue) => issue.path === 'config.notification_email' && issue.value === 'your-email@example.com'));
  } finally {
    original.remove();
  }
});

upsert('large definition goes through s3', async ({ endpoint, cli }) => {
  const steps = Array.from({ length: 60 }, (_, index) =>
    processingStep(`Prepare${index}`, {
      imageUri: '123456789012.dkr.ecr.us-west-2.amazonaws.com/prepare:1',
      instanceType: 'ml.m5.xlarge',
      environment: Object.fromEntries(Array.from({ length: 20 }, (_, key) => [`SETTING_${key}`, `value-${index}-${key}-${'x'.repeat(80)}`])),
    }),
  );
  const large = pipeline('large-definition-pipeline', {
    steps,
    roleArn: 'arn:aws:iam::123456789012:role/Pipelines',
    region: 'us-west-2',
    assets: { bucket: BUCKET, prefix: 'large' },
  });
  const result = compile(large, { sagepipeVersion: '0.1.0' });
  assert.ok(result.artifacts !== undefined, JSON.stringify(result.issues));
  const folder = mkdtempSync(join(tmpdir(), 'sagepipe-large-'));
  try {
    writeArtifactFolder(folder, result.artifacts);
    const manifest = manifestOf(folder);
    assert.is(manifest.pipeline.deployDefinitionVia, 's3');
    assert.ok(manifest.pipeline.definitionBytes >= 100 * 1024);

    const deployed = await cli(['upsert', folder]);

    assert.is(deployed.status, 0, deployed.stderr);
    const [create] = endpoint.callsTo('CreatePipeline');
    assert.is(create?.input['PipelineDefinition'], undefined);
    const definitionSha = manifest.files.find((file) => file.path === manifest.pipeline.definitionFile)?.sha256;
    assert.equal(create?.input['PipelineDefinitionS3Location'], { Bucket: BUCKET, ObjectKey: `large/assets/${definitionSha}/definition.json` });
    const definition = readFileSync(join(folder, manifest.pipeline.definitionFile));
    assert.ok(endpoint.s3.getObject(BUCKET, `large/assets/${definitionSha}/definition.json`)?.body.equals(definition));
    assert.is(endpoint.sagemaker.pipelines.definitionOf('large-definition-pipeline'), definition.toString('utf8'));

    const before = endpoint.calls.length;
    const again = await cli(['upsert', folder]);
    assert.is(again.status, 0, again.stderr);
    assert.equal(writes(endpoint.calls.slice(before)), []);
    // The pipeline declares no tags, so there is nothing to compare and no ListTags call.
    assert.is(endpoint.callsTo('ListTags').length, 0);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

upsert('unlisted definition is never sent', async ({ endpoint, workspace, cli }) => {
  const folder = await workspace.compile();
  const manifest = manifestOf(folder);
  // The review copy is listed, but with the review role: it must not be deployed as the definition.
  // The checksum is rewritten too, so that the role check itself is what refuses the folder.
  const edited = JSON.stringify({ ...manifest, pipeline: { ...manifest.pipeline, definitionFile: 'pipeline/definition.review.json' } }, null, 2);
  writeFileSync(join(folder, 'manifest.json'), edited);
  writeFileSync(join(folder, 'manifest.sha256'), `${createHash('sha256').update(edited).digest('hex')}  manifest.json\n`);

  const result = await cli(['upsert', folder]);

  assert.is(result.status, 1);
  assert.match(result.stderr, 'does not list it with the pipeline-definition role');
  assert.is(endpoint.calls.length, 0);
});

upsert('create failed feature group reported', async ({ endpoint, workspace, cli }) => {
  endpoint.sagemaker.featureGroups.behave(GROUP, { outcome: 'CreateFailed', describesWhileCreating: 1, failureReason: 'The role cannot write to s3://mlbucket-sagemaker/mlops/feature_store_poc/offline_store/' });

  const result = await cli(['upsert', await workspace.compile()]);

  assert.is(result.status, 3);
  assert.match(result.stderr, `feature group ${GROUP} ended CreateFailed: The role cannot write to s3://mlbucket-sagemaker/mlops/feature_store_poc/offline_store/`);
  assert.is(endpoint.callsTo('CreatePipeline').length, 0);
  assert.not.match(result.stderr, '    at ');
});

upsert('creating feature group times out', async ({ endpoint, workspace, cli }) => {
  endpoint.sagemaker.featureGroups.behave(GROUP, { outcome: 'Creating' });

  const result = await cli(['upsert', await workspace.compile(), '--wait-timeout', '1']);

  assert.is(result.status, 3);
  assert.match(result.stderr, `timed out after 1 s waiting for feature group ${GROUP} to be Created`);
  assert.ok(endpoint.callsTo('DescribeFeatureGroup').length >= 2);
  assert.is(endpoint.callsTo('CreatePipeline').length, 0);
});

upsert('group with other schema blocks upsert', async ({ endpoint, workspace, cli }) => {
  const folder = await workspace.compile();
  const request = JSON.parse(readFileSync(join(folder, 'feature-groups', `${GROUP}.json`), 'utf8')) as { FeatureDefinitions: { FeatureName: string; FeatureType: string }[] };
  request.FeatureDefinitions = request.FeatureDefinitions.map((definition) => (definition.FeatureName === 'age' ? { ...definition, FeatureType: 'String' } : definition)).filter(
    (definition) => definition.FeatureName !== 'churn',
  );
  endpoint.sagemaker.featureGroups.seed(request as unknown as Record<string, unknown>);

  const planned = await cli(['plan', folder]);
  const applied = await cli(['upsert', folder]);

  assert.is(planned.status, 1);
  assert.match(planned.stdout, `! feature group  ${GROUP}`);
  assert.match(planned.stdout, 'FeatureDefinitions[age].FeatureType: deployed "String", compiled "Integral"');
  assert.match(planned.stdout, 'FeatureDefinitions[churn]: deployed absent, compiled "Integral" (can be added with --add-features)');
  assert.is(applied.status, 1);
  assert.match(applied.stderr, 'upsert stopped before any change');
  assert.match(applied.stderr, 'FeatureDefinitions[age].FeatureType: deployed "String", compiled "Integral"');
  assert.equal(writes(endpoint.calls), []);
});

upsert('missing features need the flag', async ({ endpoint, workspace, cli }) => {
  const folder = await workspace.compile();
  const request = JSON.parse(readFileSync(join(folder, 'feature-groups', `${GROUP}.json`), 'utf8')) as { FeatureDefinitions: { FeatureName: string; FeatureType: string }[] };
  request.FeatureDefinitions = [
    ...request.FeatureDefinitions.filter((definition) => definition.FeatureName !== 'churn' && definition.FeatureName !== 'tech_support'),
    { FeatureName: 'legacy_score', FeatureType: 'Fractional' },
  ];
  endpoint.sagemaker.featureGroups.seed(request as unknown as Record<string, unknown>);

  const refused = await cli(['upsert', folder]);
  const planned = await cli(['plan', folder, '--add-features']);
  const added = await cli(['upsert', folder, '--add-features']);
  const before = endpoint.calls.length;
  const again = await cli(['upsert', folder, '--add-features']);

  assert.is(refused.status, 1);
  assert.match(refused.stderr, 'lacks 2 compiled feature(s); pass --add-features to add them');
  assert.is(planned.status, 0, planned.stderr);
  assert.match(planned.stdout, `~ feature group  ${GROUP}`);
  assert.match(planned.stdout, 'FeatureDefinitions[tech_support]: deployed absent, compiled "String" (added by upsert)');
  assert.match(planned.stdout, 'FeatureDefinitions[legacy_score]: deployed "Fractional", compiled absent (records leave it out)');
  assert.is(added.status, 0, added.stderr);
  const updates = endpoint.callsTo('UpdateFeatureGroup');
  assert.is(updates.length, 1);
  assert.equal(updates[0]?.input['FeatureAdditions'], [
    { FeatureName: 'tech_support', FeatureType: 'String' },
    { FeatureName: 'churn', FeatureType: 'Integral' },
  ]);
  assert.match(added.stdout, `updated feature group ${GROUP} (added tech_support, churn)`);
  assert.is(again.status, 0, again.stderr);
  assert.equal(writes(endpoint.calls.slice(before)), []);
});

upsert('aws failure exits 3 without stack', async ({ endpoint, workspace, cli }) => {
  endpoint.faults.inject({ operation: 'CreatePipeline', error: { status: 400, code: 'AccessDeniedException', message: 'not authorized to perform sagemaker:CreatePipeline' } });

  const result = await cli(['upsert', await workspace.compile()]);

  assert.is(result.status, 3);
  assert.match(result.stderr, 'CreatePipeline failed for pipeline feature-store-ingestion-pipeline: AccessDeniedException: not authorized to perform sagemaker:CreatePipeline');
  assert.match(result.stderr, "fix: grant the deployer's IAM role");
  assert.not.match(result.stderr, '    at ');
});

upsert('create race falls back to update', async ({ endpoint, workspace, cli }) => {
  const folder = await workspace.compile();
  endpoint.faults.inject({
    operation: 'CreatePipeline',
    times: 1,
    // Another deployer creates the pipeline between this deployer's describe and create.
    when: () => {
      endpoint.sagemaker.pipelines.seed(PIPELINE, '{"Version":"2020-12-01","Steps":[]}');
      return true;
    },
    error: { status: 400, code: 'ValidationException', message: 'the pipeline name is taken' },
  });

  const result = await cli(['upsert', folder]);

  assert.is(result.status, 0, result.stderr);
  assert.equal(writes(endpoint.calls), ['PutObject', 'PutObject', 'CreateFeatureGroup', 'CreatePipeline', 'UpdatePipeline', 'AddTags']);
  assert.is(endpoint.sagemaker.pipelines.definitionOf(PIPELINE), readFileSync(join(folder, 'pipeline', 'definition.json'), 'utf8'));
});

upsert('region flag must match compiled region', async ({ endpoint, workspace, cli }) => {
  const result = await cli(['upsert', await workspace.compile(), '--region', 'eu-west-1']);

  assert.is(result.status, 2);
  assert.match(result.stderr, '--region eu-west-1 differs from the Region the pipeline was compiled for (us-west-2)');
  assert.is(endpoint.calls.length, 0);
});

upsert('profile flag selects credentials', async ({ endpoint, workspace }) => {
  const folder = await workspace.compile();
  const files = mkdtempSync(join(tmpdir(), 'sagepipe-profile-'));
  try {
    writeFileSync(join(files, 'config'), '[profile deployer]\nregion = us-west-2\n');
    writeFileSync(join(files, 'credentials'), '[deployer]\naws_access_key_id = deployer-key\naws_secret_access_key = deployer-secret\n');
    const environment: Record<string, string> = {
      AWS_ENDPOINT_URL: endpoint.url,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: join(files, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(files, 'credentials'),
    };

    const result = await runCliAsync(['plan', folder, '--profile', 'deployer'], { env: environment });

    assert.is(result.status, 0, result.stderr);
    assert.ok(endpoint.calls.length > 0);
    assert.ok(endpoint.calls.every((call) => call.accessKeyId === 'deployer-key' && call.region === 'us-west-2'));
  } finally {
    rmSync(files, { recursive: true, force: true });
  }
});

upsert('endpoint url flag is honoured', async ({ endpoint, workspace }) => {
  const folder = await workspace.compile();
  const other = await startAwsEndpoint();
  try {
    const result = await runCliAsync(['plan', folder, '--endpoint-url', endpoint.url], { env: endpointEnvironment(other) });

    assert.is(result.status, 0, result.stderr);
    assert.is(endpoint.callsTo('DescribePipeline').length, 1);
    assert.is(other.calls.length, 0);
  } finally {
    await other.close();
  }
});

upsert.run();
