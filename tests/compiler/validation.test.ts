import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Condition } from '../../dsl/conditions.js';
import { feature, featureGroup, type FeatureBuilder, type FeatureGroupProps } from '../../dsl/feature-group.js';
import type { JsonGet } from '../../dsl/expressions.js';
import { param } from '../../dsl/parameters.js';
import { pipeline, type Pipeline } from '../../dsl/pipeline.js';
import { retry } from '../../dsl/retry.js';
import type { Step } from '../../dsl/step.js';
import { conditionStep } from '../../steps/condition.js';
import { failStep } from '../../steps/fail.js';
import { featureStoreIngest } from '../../steps/feature-store-ingest.js';
import { processingStep, type ProcessingStepProps } from '../../steps/processing.js';
import { trainingStep } from '../../steps/training.js';
import { compileForTest, issueKeys, ROLE, testPipeline } from '../support/compile.js';

const IMAGE = '123456789012.dkr.ecr.us-west-2.amazonaws.com/prep:1';

function prep(name = 'Prep', props: Partial<ProcessingStepProps> = {}) {
  return processingStep(name, {
    imageUri: IMAGE,
    instanceType: 'ml.m5.large',
    outputs: [{ name: 'evaluation', source: '/opt/ml/processing/evaluation', destination: 's3://bucket/evaluation/' }],
    propertyFiles: [{ name: 'Report', outputName: 'evaluation', path: 'report.json' }],
    ...props,
  });
}

const baseFeatures = { id: feature.string(), ts: feature.string(), value: feature.fractional() };

function groupPipeline(props: Partial<FeatureGroupProps<Record<string, FeatureBuilder>>>): Pipeline {
  const group = featureGroup({
    name: 'customers',
    recordIdentifier: 'id',
    eventTime: 'ts',
    features: baseFeatures,
    offlineStore: { s3Uri: 's3://bucket/offline/' },
    roleArn: ROLE,
    ...props,
  } as FeatureGroupProps<Record<string, FeatureBuilder>>);
  return testPipeline([failStep('Stop')], { featureGroups: [group] });
}

function ingestPipeline(sourceUri: string): Pipeline {
  const group = featureGroup({
    name: 'customers',
    recordIdentifier: 'id',
    eventTime: 'ts',
    features: baseFeatures,
    offlineStore: { s3Uri: 's3://bucket/offline/' },
    roleArn: ROLE,
  });
  const ingest = featureStoreIngest('IngestToFeatureStore', {
    featureGroup: group,
    source: { database: 'db', table: 'raw', outputLocation: sourceUri },
    instanceType: 'ml.m5.large',
    reportDestination: 's3://bucket/report/',
  });
  return testPipeline([ingest], { assets: { bucket: 'not a bucket!' } });
}

interface Case {
  readonly name: string;
  readonly build: () => Pipeline;
  /** Every error expected, as `CODE@path`. */
  readonly errors: readonly string[];
}

const cases: Case[] = [
  {
    name: 'duplicate step names',
    build: () => testPipeline([failStep('Stop'), failStep('Stop')]),
    errors: ['DUPLICATE_STEP_NAME@steps.Stop'],
  },
  {
    name: 'duplicate name inside a branch',
    build: () => testPipeline([failStep('Stop'), conditionStep('Check', { conditions: [Condition.equals(1, 1)], ifSteps: [failStep('Stop')] })]),
    errors: ['DUPLICATE_STEP_NAME@steps.Stop'],
  },
  {
    name: 'branch step also at top level',
    build: () => {
      const stop = failStep('Stop');
      return testPipeline([stop, conditionStep('Check', { conditions: [Condition.equals(1, 1)], elseSteps: [stop] })]);
    },
    errors: ['STEP_LISTED_TWICE@steps.Stop'],
  },
  {
    name: 'unknown dependsOn target',
    build: () => testPipeline([prep(), failStep('Stop', { dependsOn: ['Prpe'] })]),
    errors: ['UNKNOWN_DEPENDENCY@steps.Stop.dependsOn[0]'],
  },
  {
    name: 'dependency cycle',
    build: () => {
      const steps: Step[] = [];
      const first = failStep('First', { dependsOn: steps });
      const second = failStep('Second', { dependsOn: [first] });
      steps.push(second);
      return testPipeline([first, second]);
    },
    errors: ['DEPENDENCY_CYCLE@steps.First'],
  },
  {
    name: 'self dependency',
    build: () => testPipeline([failStep('Stop', { dependsOn: ['Stop'] })]),
    errors: ['SELF_DEPENDENCY@steps.Stop.dependsOn[0]'],
  },
  {
    name: 'undeclared parameter',
    build: () => testPipeline([prep('Prep', { instanceType: param.string('InstanceType') })]),
    errors: ['UNDECLARED_PARAMETER@steps.Prep'],
  },
  {
    name: 'duplicate parameter',
    build: () => testPipeline([failStep('Stop')], { parameters: [param.string('Mode'), param.string('Mode')] }),
    errors: ['DUPLICATE_PARAMETER@parameters.Mode'],
  },
  {
    name: 'parameter default of the wrong type',
    build: () => testPipeline([failStep('Stop')], { parameters: [param.integer('Count', { default: 1.5 })] }),
    errors: ['INVALID_PARAMETER_DEFAULT@parameters.Count.default'],
  },
  {
    name: 'default outside allowed values',
    build: () => testPipeline([failStep('Stop')], { parameters: [param.string('Mode', { default: 'fast', allowedValues: ['full', 'sample'] })] }),
    errors: ['DEFAULT_NOT_ALLOWED@parameters.Mode.default'],
  },
  {
    name: 'invalid parameter name',
    build: () => testPipeline([failStep('Stop')], { parameters: [param.string('my mode')] }),
    errors: ['INVALID_PARAMETER_NAME@parameters.my mode'],
  },
  {
    name: 'pipeline name with underscore',
    build: () => pipeline('feature_store_pipeline', { roleArn: ROLE, steps: [failStep('Stop')] }),
    errors: ['INVALID_PIPELINE_NAME@pipeline.name'],
  },
  {
    name: 'step name too long',
    build: () => testPipeline([failStep('S'.repeat(65))]),
    errors: [`INVALID_STEP_NAME@steps.${'S'.repeat(65)}`],
  },
  {
    name: 'missing pipeline role',
    build: () => pipeline('p', { steps: [failStep('Stop')] }),
    errors: ['MISSING_ROLE@pipeline.roleArn'],
  },
  {
    name: 'feature group name with a dot',
    build: () => groupPipeline({ name: 'customers.v2' }),
    errors: ['INVALID_FEATURE_GROUP_NAME@featureGroups.customers.v2.name'],
  },
  {
    name: 'feature name ending in underscore',
    build: () => groupPipeline({ features: { ...baseFeatures, bad_: feature.string() } }),
    errors: ['INVALID_FEATURE_NAME@featureGroups.customers.features.bad_'],
  },
  {
    name: 'reserved feature name',
    build: () => groupPipeline({ features: { ...baseFeatures, write_time: feature.string() } }),
    errors: ['RESERVED_FEATURE_NAME@featureGroups.customers.features.write_time'],
  },
  {
    name: 'more than 2500 features',
    build: () => {
      const many: Record<string, FeatureBuilder> = { ...baseFeatures };
      for (let index = 0; index < 2500; index++) {
        many[`f${index}`] = feature.fractional();
      }
      return groupPipeline({ features: many });
    },
    errors: ['INVALID_FEATURE_COUNT@featureGroups.customers.features'],
  },
  {
    name: 'record identifier not declared',
    build: () => groupPipeline({ recordIdentifier: 'customer' }),
    errors: ['KEY_FEATURE_NOT_DECLARED@featureGroups.customers.recordIdentifier'],
  },
  {
    name: 'event time not declared',
    build: () => groupPipeline({ eventTime: 'when' }),
    errors: ['KEY_FEATURE_NOT_DECLARED@featureGroups.customers.eventTime'],
  },
  {
    name: 'integral event time',
    build: () => groupPipeline({ features: { ...baseFeatures, ts: feature.integral() } }),
    errors: ['INVALID_EVENT_TIME_TYPE@featureGroups.customers.features.ts'],
  },
  {
    name: 'iceberg without glue table',
    build: () => groupPipeline({ offlineStore: { s3Uri: 's3://bucket/offline/', tableFormat: 'Iceberg', disableGlueTableCreation: true } }),
    errors: ['ICEBERG_NEEDS_GLUE_TABLE@featureGroups.customers.offlineStore.disableGlueTableCreation'],
  },
  {
    name: 'iceberg with fractional event time',
    build: () => groupPipeline({ features: { ...baseFeatures, ts: feature.fractional() }, offlineStore: { s3Uri: 's3://bucket/offline/', tableFormat: 'Iceberg' } }),
    errors: ['ICEBERG_NEEDS_STRING_EVENT_TIME@featureGroups.customers.features.ts'],
  },
  {
    name: 'data catalog name in upper case',
    build: () =>
      groupPipeline({ offlineStore: { s3Uri: 's3://bucket/offline/', dataCatalog: { catalog: 'AwsDataCatalog', database: 'sagemaker_featurestore', tableName: 'customers' } } }),
    errors: ['INVALID_DATA_CATALOG_NAME@featureGroups.customers.offlineStore.dataCatalog.catalog'],
  },
  {
    name: 'feature group without a store',
    build: () => groupPipeline({ offlineStore: undefined }),
    errors: ['NO_STORE@featureGroups.customers'],
  },
  {
    name: 'retry exception type of the other kind',
    build: () => testPipeline([prep('Prep', { retryPolicies: [retry.step(['SageMaker.CAPACITY_ERROR' as 'Step.THROTTLING'], { maxAttempts: 2 })] })]),
    errors: ['INVALID_RETRY_EXCEPTION_TYPE@steps.Prep.retryPolicies[0].exceptionType[0]'],
  },
  {
    name: 'retry with both limits',
    build: () => testPipeline([prep('Prep', { retryPolicies: [retry.step(['Step.THROTTLING'], { maxAttempts: 2, expireAfterMin: 10 })] })]),
    errors: ['RETRY_BOTH_LIMITS@steps.Prep.retryPolicies[0]'],
  },
  {
    name: 'retry with no limit',
    build: () => testPipeline([prep('Prep', { retryPolicies: [retry.step(['Step.THROTTLING'], {})] })]),
    errors: ['RETRY_NO_LIMIT@steps.Prep.retryPolicies[0]'],
  },
  {
    name: 'retry max attempts above 20',
    build: () => testPipeline([prep('Prep', { retryPolicies: [retry.sageMakerJob(['SageMaker.JOB_INTERNAL_ERROR'], { maxAttempts: 21 })] })]),
    errors: ['INVALID_RETRY_ATTEMPTS@steps.Prep.retryPolicies[0].maxAttempts'],
  },
  {
    name: 'retry expiry above 14400 minutes',
    build: () => testPipeline([prep('Prep', { retryPolicies: [retry.step(['Step.SERVICE_FAULT'], { expireAfterMin: 14_401 })] })]),
    errors: ['INVALID_RETRY_EXPIRY@steps.Prep.retryPolicies[0].expireAfterMin'],
  },
  {
    name: 'cache expiry not ISO-8601',
    build: () => testPipeline([prep('Prep', { cache: { enabled: true, expireAfter: '30 days' } })]),
    errors: ['INVALID_CACHE_EXPIRY@steps.Prep.cacheConfig.expireAfter'],
  },
  {
    name: 'JsonGet on an undeclared property file',
    build: () => {
      const evaluate = prep('Evaluate');
      return testPipeline([evaluate, conditionStep('Check', { conditions: [Condition.greaterThan(evaluate.jsonGet('Missing' as 'Report', 'auc'), 0.5)] })]);
    },
    errors: ['JSONGET_UNKNOWN_PROPERTY_FILE@steps.Check'],
  },
  {
    name: 'JsonGet with an empty path',
    build: () => {
      const evaluate = prep('Evaluate');
      return testPipeline([evaluate, conditionStep('Check', { conditions: [Condition.greaterThan(evaluate.jsonGet('Report', ''), 0.5)] })]);
    },
    errors: ['JSONGET_PATH_NOT_LITERAL@steps.Check'],
  },
  {
    name: 'JsonGet path given as a parameter',
    build: () => {
      const evaluate = prep('Evaluate');
      const path = param.string('MetricPath', { default: 'auc' });
      const jsonGet: JsonGet = evaluate.jsonGet('Report', path as unknown as string);
      return testPipeline([evaluate, conditionStep('Check', { conditions: [Condition.greaterThan(jsonGet, 0.5)] })], { parameters: [path] });
    },
    errors: ['JSONGET_PATH_NOT_LITERAL@steps.Check'],
  },
  {
    name: 'malformed JsonGet path',
    build: () => {
      const evaluate = prep('Evaluate');
      return testPipeline([evaluate, conditionStep('Check', { conditions: [Condition.greaterThan(evaluate.jsonGet('Report', 'metrics..auc[x'), 0.5)] })]);
    },
    errors: ['JSONGET_INVALID_PATH@steps.Check'],
  },
  {
    name: 'two features reading one column',
    build: () => {
      const group = featureGroup({
        name: 'customers',
        recordIdentifier: 'id',
        eventTime: 'ts',
        features: { id: feature.string(), ts: feature.string(), age: feature.integral(), age_text: feature.string().from('AGE') },
        offlineStore: { s3Uri: 's3://bucket/offline/' },
        roleArn: ROLE,
      });
      const ingest = featureStoreIngest('Ingest', {
        featureGroup: group,
        source: { database: 'db', table: 'raw', outputLocation: 's3://bucket/athena/' },
        instanceType: 'ml.m5.large',
        reportDestination: 's3://bucket/report/',
      });
      return testPipeline([ingest], { assets: { bucket: 'bucket' } });
    },
    errors: ['DUPLICATE_SOURCE_COLUMN@steps.Ingest.ingest.features.age_text.sourceColumn'],
  },
  {
    name: 'JsonGet on a training step',
    build: () => {
      const fit = trainingStep('Fit', { imageUri: 'xgboost:1', instanceType: 'ml.m5.xlarge', outputPath: 's3://bucket/models/' });
      const fake = prep('Fake').jsonGet('Report', 'auc');
      Object.defineProperty(fake, 'step', { value: fit });
      return testPipeline([fit, conditionStep('Check', { conditions: [Condition.greaterThan(fake, 0.5)] })]);
    },
    errors: ['JSONGET_NOT_PROCESSING@steps.Check'],
  },
  {
    name: 'property file naming an unknown output',
    build: () => testPipeline([prep('Prep', { propertyFiles: [{ name: 'Report', outputName: 'metrics', path: 'report.json' }] })]),
    errors: ['PROPERTY_FILE_UNKNOWN_OUTPUT@steps.Prep.propertyFiles[0].outputName'],
  },
  {
    name: 'string parameter as instance count',
    build: () => {
      const count = param.string('Count', { default: '2' });
      return testPipeline([prep('Prep', { instanceCount: count as unknown as number })], { parameters: [count] });
    },
    errors: ['EXPRESSION_TYPE_MISMATCH@steps.Prep.arguments.processingResources.clusterConfig.instanceCount'],
  },
  {
    name: 'invalid S3 URI of a processing input',
    build: () =>
      testPipeline([
        prep('Prep', {
          inputs: [
            { name: 'code', source: 's3://bucket/code/', destination: '/opt/ml/processing/input/code' },
            { name: 'data', source: 'bucket/data/', destination: '/opt/ml/processing/input/data' },
          ],
        }),
      ]),
    errors: ['INVALID_S3_URI@steps.Prep.arguments.processingInputs[1].s3Input.s3Uri'],
  },
  {
    name: 'container path outside the processing folder',
    build: () => testPipeline([prep('Prep', { inputs: [{ name: 'code', source: 's3://bucket/code/', destination: '/tmp/code' }] })]),
    errors: ['INVALID_LOCAL_PATH@steps.Prep.arguments.processingInputs[0].s3Input.localPath'],
  },
  {
    name: 'definition over 1 MiB',
    build: () => {
      const steps = Array.from({ length: 20 }, (_, index) => failStep(`Stop${index}`, { errorMessage: 'x'.repeat(60_000) }));
      return testPipeline(steps);
    },
    errors: ['DEFINITION_TOO_LARGE@definition'],
  },
  {
    name: 'ingest source with a bad output location and asset bucket',
    build: () => ingestPipeline('athena-results'),
    errors: ['INVALID_BUCKET_NAME@pipeline.assets.bucket', 'INVALID_S3_URI@steps.IngestToFeatureStore.ingest.source.outputLocation'],
  },
];

for (const testCase of cases) {
  test(`rejects ${testCase.name}`, () => {
    const result = compileForTest(testCase.build());
    assert.equal(issueKeys(result), [...testCase.errors]);
    assert.is(result.artifacts, undefined);
    for (const issue of result.issues.filter((candidate) => candidate.severity === 'error')) {
      assert.ok(issue.message.length > 0, `${issue.code} has no message`);
      assert.ok(issue.fix !== undefined || issue.rule !== undefined, `${issue.code} gives neither rule nor fix`);
    }
  });
}

test('reports every problem at once', () => {
  const result = compileForTest(
    pipeline('bad_name', {
      roleArn: ROLE,
      parameters: [param.integer('Count', { default: 0.5 })],
      steps: [failStep('Stop', { dependsOn: ['Nowhere'] }), failStep('Stop')],
    }),
  );
  assert.equal(issueKeys(result).sort(), [
    'DUPLICATE_STEP_NAME@steps.Stop',
    'INVALID_PARAMETER_DEFAULT@parameters.Count.default',
    'INVALID_PIPELINE_NAME@pipeline.name',
    'UNKNOWN_DEPENDENCY@steps.Stop.dependsOn[0]',
  ]);
});

test('unknown dependency suggests the closest name', () => {
  const result = compileForTest(testPipeline([prep(), failStep('Stop', { dependsOn: ['Prpe'] })]));
  const issue = result.issues.find((candidate) => candidate.code === 'UNKNOWN_DEPENDENCY');
  assert.is(issue?.fix, "did you mean 'Prep'?");
  assert.is(issue?.value, 'Prpe');
});

test('cycle message prints the cycle', () => {
  const steps: Step[] = [];
  const first = failStep('First', { dependsOn: steps });
  const second = failStep('Second', { dependsOn: [first] });
  steps.push(second);
  const issue = compileForTest(testPipeline([first, second])).issues.find((candidate) => candidate.code === 'DEPENDENCY_CYCLE');
  assert.match(issue?.message ?? '', /First -> Second -> First|Second -> First -> Second/);
});

test('large definition is a warning', () => {
  const steps = Array.from({ length: 3 }, (_, index) => failStep(`Stop${index}`, { errorMessage: 'x'.repeat(40_000) }));
  const result = compileForTest(testPipeline(steps));
  assert.equal(issueKeys(result), []);
  assert.equal(issueKeys(result, 'warning'), ['DEFINITION_DEPLOYED_THROUGH_S3@definition']);
  assert.is(result.artifacts?.manifest.pipeline.deployDefinitionVia, 's3');
});

test.run();
