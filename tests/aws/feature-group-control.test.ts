import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AwsCallError } from '../../runtime/aws/errors.js';
import { SageMakerFeatureGroupControl } from '../../runtime/aws/feature-group-control.js';
import { compareFeatureGroup, formatDifference } from '../../runtime/feature-group-schema.js';
import { FeatureGroupExistsError, type FeatureDefinition } from '../../runtime/ports.js';
import { type AwsEndpoint, clientConfig, startAwsEndpoint } from '../support/aws-endpoint/index.js';
import { ManualClock } from '../support/manual-clock.js';

function request(name: string, features: readonly FeatureDefinition[]): Record<string, unknown> {
  return {
    FeatureGroupName: name,
    RecordIdentifierFeatureName: 'customer_id',
    EventTimeFeatureName: 'event_time',
    FeatureDefinitions: [{ FeatureName: 'customer_id', FeatureType: 'String' }, { FeatureName: 'event_time', FeatureType: 'String' }, ...features],
    OfflineStoreConfig: { S3StorageConfig: { S3Uri: 's3://features-bucket/offline/' } },
    RoleArn: 'arn:aws:iam::123456789012:role/FeatureStore',
  };
}

function numbered(count: number, offset = 0): FeatureDefinition[] {
  return Array.from({ length: count }, (_, index) => ({ FeatureName: `f${offset + index}`, FeatureType: 'Fractional' as const }));
}

interface Context {
  endpoint: AwsEndpoint;
  client: SageMakerClient;
  clock: ManualClock;
  control: SageMakerFeatureGroupControl;
}

const control = suite<Context>('feature group control');

control.before.each(async (context) => {
  context.endpoint = await startAwsEndpoint();
  context.client = new SageMakerClient(clientConfig(context.endpoint));
  context.clock = new ManualClock();
  context.control = new SageMakerFeatureGroupControl(context.client, { clock: context.clock });
});

control.after.each(async (context) => {
  context.client.destroy();
  await context.endpoint.close();
  assert.equal(context.endpoint.internalErrors, []);
});

control('describe reads every definitions page', async ({ endpoint, control: groups }) => {
  endpoint.sagemaker.featureGroups.definitionsPageSize = 10;
  endpoint.sagemaker.featureGroups.seed(request('wide', numbered(23)));

  const description = await groups.describe('wide');

  assert.is(description?.featureDefinitions.length, 25);
  assert.is(description?.featureDefinitions[24]?.FeatureName, 'f22');
  assert.is(description?.status, 'Created');
  assert.is(description?.offlineStoreEnabled, true);
  assert.is(description?.onlineStoreEnabled, false);
  const calls = endpoint.callsTo('DescribeFeatureGroup');
  assert.is(calls.length, 3);
  assert.is(calls[0]?.input['NextToken'], undefined);
  assert.type(calls[2]?.input['NextToken'], 'string');
});

control('describe of missing group is undefined', async ({ control: groups }) => {
  assert.is(await groups.describe('absent'), undefined);
});

control('describe wraps other errors', async ({ endpoint, control: groups }) => {
  endpoint.faults.inject({ operation: 'DescribeFeatureGroup', error: { status: 400, code: 'AccessDeniedException', message: 'no access' } });

  const error = (await groups.describe('any').catch((caught: unknown) => caught)) as AwsCallError;

  assert.instance(error, AwsCallError);
  assert.is(error.operation, 'DescribeFeatureGroup');
  assert.is(error.code, 'AccessDeniedException');
  assert.match(error.message, 'DescribeFeatureGroup failed for feature group any: AccessDeniedException');
  assert.ok(error.cause !== undefined);
});

control('create sends the compiled request', async ({ endpoint, control: groups }) => {
  const compiled = request('churn', numbered(2));

  await groups.create(compiled);

  const [call] = endpoint.callsTo('CreateFeatureGroup');
  assert.equal(call?.input, compiled);
  assert.is(endpoint.sagemaker.featureGroups.get('churn')?.status, 'Creating');
});

control('create race raises exists error', async ({ endpoint, control: groups }) => {
  endpoint.sagemaker.featureGroups.seed(request('churn', []));

  const error = await groups.create(request('churn', [])).catch((caught: unknown) => caught);

  assert.instance(error, FeatureGroupExistsError);
  assert.is((error as FeatureGroupExistsError).featureGroupName, 'churn');
});

control('create failure reports its reason', async ({ endpoint, control: groups }) => {
  endpoint.sagemaker.featureGroups.behave('churn', { outcome: 'CreateFailed', describesWhileCreating: 0, failureReason: 'Access denied to s3://features-bucket/offline/' });

  await groups.create(request('churn', []));
  const description = await groups.describe('churn');

  assert.is(description?.status, 'CreateFailed');
  assert.is(description?.failureReason, 'Access denied to s3://features-bucket/offline/');
});

control('additions go in calls of 100', async ({ endpoint, control: groups }) => {
  endpoint.sagemaker.featureGroups.seed(request('churn', []));

  await groups.addFeatures('churn', numbered(230));

  const updates = endpoint.callsTo('UpdateFeatureGroup');
  assert.equal(
    updates.map((call) => (call.input['FeatureAdditions'] as unknown[]).length),
    [100, 100, 30],
  );
  assert.ok(updates.every((call) => call.status === 200));
  const description = await groups.describe('churn');
  assert.is(description?.featureDefinitions.length, 232);
  assert.is(description?.lastUpdateStatus, 'Successful');
});

control('different schema lists each difference', async ({ endpoint, control: groups }) => {
  endpoint.sagemaker.featureGroups.seed(
    request('churn', [
      { FeatureName: 'age', FeatureType: 'String' },
      { FeatureName: 'legacy_score', FeatureType: 'Fractional' },
    ]),
  );
  const compiled = request('churn', [
    { FeatureName: 'age', FeatureType: 'Integral' },
    { FeatureName: 'churn', FeatureType: 'Integral' },
  ]);

  const deployed = await groups.describe('churn');
  assert.ok(deployed !== undefined);
  const differences = compareFeatureGroup(deployed, compiled);

  assert.equal(
    differences.map((difference) => [difference.kind, difference.path, difference.additive]),
    [
      ['feature-type', 'FeatureDefinitions[age].FeatureType', false],
      ['feature-missing', 'FeatureDefinitions[churn]', true],
      ['feature-unexpected', 'FeatureDefinitions[legacy_score]', false],
    ],
  );
  assert.is(formatDifference(differences[0] as never), 'FeatureDefinitions[age].FeatureType: deployed "String", compiled "Integral"');
});

control('same schema has no differences', async ({ endpoint, control: groups }) => {
  const compiled = request('churn', numbered(3));
  endpoint.sagemaker.featureGroups.seed(compiled);

  const deployed = await groups.describe('churn');

  assert.equal(compareFeatureGroup(deployed as never, compiled), []);
});

control.run();
