import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { feature, featureGroup } from '../../dsl/feature-group.js';
import { failStep } from '../../steps/fail.js';
import { compileForTest, compileOk, issueKeys, ROLE, testPipeline } from '../support/compile.js';

test('feature group with every option renders', () => {
  const group = featureGroup({
    name: 'customer-embeddings',
    description: 'Embeddings per customer',
    recordIdentifier: 'customer_id',
    eventTime: 'updated_at',
    features: {
      customer_id: feature.string(),
      updated_at: feature.fractional(),
      embedding: feature.fractional().vector(4),
      tags: feature.string().list(),
      segments: feature.integral().set(),
    },
    onlineStore: { enabled: true, storageType: 'InMemory', ttl: { unit: 'Days', value: 30 }, kmsKeyId: 'arn:aws:kms:us-west-2:123456789012:key/online' },
    offlineStore: {
      s3Uri: 's3://bucket/offline/',
      kmsKeyId: 'arn:aws:kms:us-west-2:123456789012:key/offline',
      tableFormat: 'Glue',
      dataCatalog: { catalog: 'awsdatacatalog', database: 'sagemaker_featurestore', tableName: 'customer_embeddings' },
    },
    throughput: { mode: 'OnDemand' },
    roleArn: ROLE,
    tags: { team: 'ml', cost: 'shared' },
  });
  const { result } = compileOk(testPipeline([failStep('Stop')], { featureGroups: [group] }));

  assert.equal(result.artifacts?.featureGroupRequests.get('customer-embeddings'), {
    FeatureGroupName: 'customer-embeddings',
    RecordIdentifierFeatureName: 'customer_id',
    EventTimeFeatureName: 'updated_at',
    FeatureDefinitions: [
      { FeatureName: 'customer_id', FeatureType: 'String' },
      { FeatureName: 'updated_at', FeatureType: 'Fractional' },
      { FeatureName: 'embedding', FeatureType: 'Fractional', CollectionType: 'Vector', CollectionConfig: { VectorConfig: { Dimension: 4 } } },
      { FeatureName: 'tags', FeatureType: 'String', CollectionType: 'List' },
      { FeatureName: 'segments', FeatureType: 'Integral', CollectionType: 'Set' },
    ],
    RoleArn: ROLE,
    OnlineStoreConfig: {
      EnableOnlineStore: true,
      SecurityConfig: { KmsKeyId: 'arn:aws:kms:us-west-2:123456789012:key/online' },
      TtlDuration: { Unit: 'Days', Value: 30 },
      StorageType: 'InMemory',
    },
    OfflineStoreConfig: {
      DisableGlueTableCreation: false,
      S3StorageConfig: { S3Uri: 's3://bucket/offline/', KmsKeyId: 'arn:aws:kms:us-west-2:123456789012:key/offline' },
      DataCatalogConfig: { TableName: 'customer_embeddings', Catalog: 'awsdatacatalog', Database: 'sagemaker_featurestore' },
      TableFormat: 'Glue',
    },
    ThroughputConfig: { ThroughputMode: 'OnDemand' },
    Description: 'Embeddings per customer',
    Tags: [
      { Key: 'team', Value: 'ml' },
      { Key: 'cost', Value: 'shared' },
    ],
  });
});

test('offline-only group omits the online store', () => {
  const group = featureGroup({
    name: 'plain',
    recordIdentifier: 'id',
    eventTime: 'ts',
    features: { id: feature.string(), ts: feature.string() },
    onlineStore: { enabled: false },
    offlineStore: { s3Uri: 's3://bucket/offline/' },
    throughput: { mode: 'Provisioned', readCapacityUnits: 10, writeCapacityUnits: 20 },
    roleArn: ROLE,
  });
  const { result } = compileOk(testPipeline([failStep('Stop')], { featureGroups: [group] }));
  const request = result.artifacts?.featureGroupRequests.get('plain');
  assert.equal(Object.keys(request ?? {}), ['FeatureGroupName', 'RecordIdentifierFeatureName', 'EventTimeFeatureName', 'FeatureDefinitions', 'RoleArn', 'OfflineStoreConfig', 'ThroughputConfig']);
  assert.equal(request?.['ThroughputConfig'], { ThroughputMode: 'Provisioned', ProvisionedReadCapacityUnits: 10, ProvisionedWriteCapacityUnits: 20 });
});

test('cleaning declarations are checked against the type', () => {
  const group = featureGroup({
    name: 'checks',
    recordIdentifier: 'id',
    eventTime: 'ts',
    features: {
      id: feature.string(),
      ts: feature.string(),
      score: feature.fractional().booleanWords(),
      plan: feature.integral().allowedValues(['basic']),
      tier: feature.string().allowedValues(['Gold', 'gold ']),
      flag: feature.integral().booleanWords({ true: ['y', 'yes'], false: ['n', 'YES'] }),
    },
    offlineStore: { s3Uri: 's3://bucket/offline/' },
    roleArn: ROLE,
  });
  const result = compileForTest(testPipeline([failStep('Stop')], { featureGroups: [group] }));
  assert.equal(issueKeys(result), [
    'BOOLEAN_WORDS_NOT_INTEGRAL@featureGroups.checks.features.score.cleaning.booleanWords',
    'ALLOWED_VALUES_NOT_STRING@featureGroups.checks.features.plan.cleaning.allowedValues',
    'AMBIGUOUS_ALLOWED_VALUES@featureGroups.checks.features.tier.cleaning.allowedValues',
    'AMBIGUOUS_BOOLEAN_WORDS@featureGroups.checks.features.flag.cleaning.booleanWords',
  ]);
});

test('two groups with one name are rejected', () => {
  const make = () =>
    featureGroup({ name: 'twins', recordIdentifier: 'id', eventTime: 'ts', features: { id: feature.string(), ts: feature.string() }, onlineStore: { enabled: true } });
  const result = compileForTest(testPipeline([failStep('Stop')], { featureGroups: [make(), make()] }));
  assert.equal(issueKeys(result), ['DUPLICATE_FEATURE_GROUP@featureGroups.twins']);
});

test.run();
