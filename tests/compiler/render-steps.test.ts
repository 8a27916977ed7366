import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Execution } from '../../dsl/execution.js';
import { str } from '../../dsl/expressions.js';
import { param } from '../../dsl/parameters.js';
import { retry } from '../../dsl/retry.js';
import { failStep } from '../../steps/fail.js';
import { processingStep } from '../../steps/processing.js';
import { trainingStep } from '../../steps/training.js';
import { transformStep } from '../../steps/transform.js';
import { compileOk, ROLE, stepJson, testPipeline } from '../support/compile.js';

const IMAGE = '123456789012.dkr.ecr.us-west-2.amazonaws.com/prep:1';

test('processing step renders every field', () => {
  const epochs = param.integer('Epochs', { default: 3 });
  const instanceType = param.string('InstanceType', { default: 'ml.m5.large' });
  const count = param.integer('InstanceCount', { default: 2 });
  const prep = processingStep('Prep', {
    imageUri: IMAGE,
    instanceType,
    instanceCount: count,
    volumeSizeInGB: 50,
    entrypoint: ['python3', '/opt/ml/processing/code/prep.py'],
    arguments: ['--epochs', epochs, '--run', Execution.PipelineExecutionId],
    environment: { MODE: 'full', EPOCHS: epochs },
    inputs: [{ name: 'raw', source: 's3://bucket/raw/', destination: '/opt/ml/processing/input/raw', distribution: 'ShardedByS3Key' }],
    outputs: [{ name: 'train', source: '/opt/ml/processing/train', destination: str`s3://bucket/runs/${Execution.PipelineExecutionId}/train` }],
    propertyFiles: [{ name: 'Stats', outputName: 'train', path: 'stats.json' }],
    maxRuntimeInSeconds: 3600,
    network: { enableNetworkIsolation: true, vpc: { securityGroupIds: ['sg-1'], subnets: ['subnet-1', 'subnet-2'] } },
    tags: { team: 'ml' },
    displayName: 'Prepare',
    description: 'Prepares the data',
    cache: { enabled: true, expireAfter: 'P30D' },
    retryPolicies: [retry.sageMakerJob(['SageMaker.CAPACITY_ERROR'], { maxAttempts: 3, intervalSeconds: 10, backoffRate: 1.5 })],
  });
  const { definition } = compileOk(testPipeline([prep], { parameters: [epochs, instanceType, count] }));

  assert.equal(stepJson(definition, 'Prep'), {
    Name: 'Prep',
    Type: 'Processing',
    Arguments: {
      ProcessingResources: { ClusterConfig: { InstanceCount: { Get: 'Parameters.InstanceCount' }, InstanceType: { Get: 'Parameters.InstanceType' }, VolumeSizeInGB: 50 } },
      AppSpecification: {
        ImageUri: IMAGE,
        ContainerArguments: ['--epochs', { 'Std:Join': { On: '', Values: [{ Get: 'Parameters.Epochs' }] } }, '--run', { Get: 'Execution.PipelineExecutionId' }],
        ContainerEntrypoint: ['python3', '/opt/ml/processing/code/prep.py'],
      },
      RoleArn: ROLE,
      ProcessingInputs: [
        {
          InputName: 'raw',
          S3Input: {
            S3Uri: 's3://bucket/raw/',
            LocalPath: '/opt/ml/processing/input/raw',
            S3DataType: 'S3Prefix',
            S3InputMode: 'File',
            S3DataDistributionType: 'ShardedByS3Key',
            S3CompressionType: 'None',
          },
        },
      ],
      ProcessingOutputConfig: {
        Outputs: [
          {
            OutputName: 'train',
            S3Output: {
              S3Uri: { 'Std:Join': { On: '', Values: ['s3://bucket/runs/', { Get: 'Execution.PipelineExecutionId' }, '/train'] } },
              LocalPath: '/opt/ml/processing/train',
              S3UploadMode: 'EndOfJob',
            },
          },
        ],
      },
      Environment: { MODE: 'full', EPOCHS: { 'Std:Join': { On: '', Values: [{ Get: 'Parameters.Epochs' }] } } },
      NetworkConfig: { EnableNetworkIsolation: true, VpcConfig: { SecurityGroupIds: ['sg-1'], Subnets: ['subnet-1', 'subnet-2'] } },
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
      Tags: [{ Key: 'team', Value: 'ml' }],
    },
    DisplayName: 'Prepare',
    Description: 'Prepares the data',
    RetryPolicies: [{ BackoffRate: 1.5, IntervalSeconds: 10, MaxAttempts: 3, ExceptionType: ['SageMaker.CAPACITY_ERROR'] }],
    CacheConfig: { Enabled: true, ExpireAfter: 'P30D' },
    PropertyFiles: [{ PropertyFileName: 'Stats', OutputName: 'train', FilePath: 'stats.json' }],
  });
});

test('training step renders channels, metrics and hyperparameters', () => {
  const learningRate = param.float('LearningRate', { default: 0.1 });
  const prep = processingStep('Prep', {
    imageUri: IMAGE,
    instanceType: 'ml.m5.large',
    outputs: [{ name: 'train', source: '/opt/ml/processing/train', destination: 's3://bucket/train/' }],
  });
  const fit = trainingStep('Fit', {
    imageUri: 'xgboost:1',
    instanceType: 'ml.m5.xlarge',
    outputPath: 's3://bucket/models/',
    channels: [{ name: 'train', s3Uri: prep.properties.outputs.train.s3Uri, contentType: 'text/csv' }],
    hyperParameters: { eta: learningRate, rounds: 100, objective: 'binary:logistic' },
    metricDefinitions: [{ name: 'validation:auc', regex: 'validation-auc:([0-9.]+)' }],
    retryPolicies: [retry.step(['Step.THROTTLING'], { expireAfterMin: 60 })],
  });
  const { definition } = compileOk(testPipeline([prep, fit], { parameters: [learningRate] }));

  assert.equal(stepJson(definition, 'Fit'), {
    Name: 'Fit',
    Type: 'Training',
    Arguments: {
      AlgorithmSpecification: {
        TrainingInputMode: 'File',
        TrainingImage: 'xgboost:1',
        MetricDefinitions: [{ Name: 'validation:auc', Regex: 'validation-auc:([0-9.]+)' }],
      },
      OutputDataConfig: { S3OutputPath: 's3://bucket/models/' },
      StoppingCondition: { MaxRuntimeInSeconds: 86400 },
      ResourceConfig: { VolumeSizeInGB: 30, InstanceCount: 1, InstanceType: 'ml.m5.xlarge' },
      RoleArn: ROLE,
      InputDataConfig: [
        {
          ChannelName: 'train',
          DataSource: {
            S3DataSource: {
              S3DataType: 'S3Prefix',
              S3Uri: { Get: "Steps.Prep.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri" },
              S3DataDistributionType: 'FullyReplicated',
            },
          },
          ContentType: 'text/csv',
        },
      ],
      HyperParameters: {
        eta: { 'Std:Join': { On: '', Values: [{ Get: 'Parameters.LearningRate' }] } },
        rounds: '100',
        objective: 'binary:logistic',
      },
    },
    RetryPolicies: [{ BackoffRate: 2, IntervalSeconds: 1, ExpireAfterMin: 60, ExceptionType: ['Step.THROTTLING'] }],
  });
});

test('transform step reads a training property', () => {
  const fit = trainingStep('Fit', { imageUri: 'xgboost:1', instanceType: 'ml.m5.xlarge', outputPath: 's3://bucket/models/' });
  const score = transformStep('Score', {
    modelName: 'churn-model',
    inputS3Uri: fit.properties.modelArtifacts.s3ModelArtifacts,
    contentType: 'text/csv',
    splitType: 'Line',
    outputPath: 's3://bucket/scores/',
    assembleWith: 'Line',
    instanceType: 'ml.m5.large',
    batchStrategy: 'MultiRecord',
    cache: { enabled: false },
  });
  const { definition } = compileOk(testPipeline([fit, score]));

  assert.equal(stepJson(definition, 'Score'), {
    Name: 'Score',
    Type: 'Transform',
    Arguments: {
      ModelName: 'churn-model',
      TransformInput: {
        DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: { Get: 'Steps.Fit.ModelArtifacts.S3ModelArtifacts' } } },
        ContentType: 'text/csv',
        SplitType: 'Line',
      },
      TransformOutput: { S3OutputPath: 's3://bucket/scores/', AssembleWith: 'Line' },
      TransformResources: { InstanceType: 'ml.m5.large', InstanceCount: 1 },
      BatchStrategy: 'MultiRecord',
    },
    CacheConfig: { Enabled: false },
  });
});

test('fail step message may be a join', () => {
  const stop = failStep('Stop', { errorMessage: str`run ${Execution.PipelineExecutionId} failed` });
  const { definition } = compileOk(testPipeline([stop]));
  assert.equal(stepJson(definition, 'Stop'), {
    Name: 'Stop',
    Type: 'Fail',
    Arguments: { ErrorMessage: { 'Std:Join': { On: '', Values: ['run ', { Get: 'Execution.PipelineExecutionId' }, ' failed'] } } },
  });
});

test('all eight execution variables render', () => {
  const names = ['StartDateTime', 'CurrentDateTime', 'PipelineName', 'PipelineArn', 'PipelineExecutionId', 'PipelineExecutionArn', 'TrainingJobName', 'ProcessingJobName'] as const;
  const stop = failStep('Stop', { errorMessage: str`${Execution.StartDateTime} ${Execution.CurrentDateTime} ${Execution.PipelineName} ${Execution.PipelineArn} ${Execution.PipelineExecutionId} ${Execution.PipelineExecutionArn} ${Execution.TrainingJobName} ${Execution.ProcessingJobName}` });
  const { definition } = compileOk(testPipeline([stop]));
  const values = ((stepJson(definition, 'Stop')['Arguments'] as Record<string, Record<string, { Values: unknown[] }>>)['ErrorMessage'] as Record<string, { Values: unknown[] }>)['Std:Join']?.Values;
  assert.equal(values?.filter((value) => typeof value === 'object'), names.map((name) => ({ Get: `Execution.${name}` })));
});

test('parameters of every type are declared', () => {
  const parameters = [
    param.string('Mode', { default: 'full', allowedValues: ['full', 'sample'] }),
    param.string('Bucket'),
    param.integer('Count', { default: 0 }),
    param.float('Threshold', { default: 0.75 }),
    param.boolean('Approve', { default: false }),
  ];
  const { definition } = compileOk(testPipeline([failStep('Stop')], { parameters }));
  assert.equal(definition['Parameters'], [
    { Name: 'Mode', Type: 'String', DefaultValue: 'full', EnumValues: ['full', 'sample'] },
    { Name: 'Bucket', Type: 'String' },
    { Name: 'Count', Type: 'Integer', DefaultValue: 0 },
    { Name: 'Threshold', Type: 'Float', DefaultValue: 0.75 },
    { Name: 'Approve', Type: 'Boolean', DefaultValue: false },
  ]);
});

test('definition keys follow the SDK order', () => {
  const { definition } = compileOk(testPipeline([failStep('Stop')], { experimentConfig: null }));
  assert.equal(Object.keys(definition), ['Version', 'Metadata', 'Parameters', 'PipelineExperimentConfig', 'Steps']);
  assert.is(definition['Version'], '2020-12-01');
  assert.equal(definition['Metadata'], {});
  assert.is(definition['PipelineExperimentConfig'], null);
});

test('default experiment config uses execution variables', () => {
  const { definition } = compileOk(testPipeline([failStep('Stop')]));
  assert.equal(definition['PipelineExperimentConfig'], {
    ExperimentName: { Get: 'Execution.PipelineName' },
    TrialName: { Get: 'Execution.PipelineExecutionId' },
  });
});

test.run();
