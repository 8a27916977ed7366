import { StepProperty } from '../dsl/expressions.js';
import type { ExpressionValue, IntegerValue, StringValue } from '../dsl/expressions.js';
import { JobStep, type JobStepOptions } from '../dsl/step.js';
import { renderEnvironment, renderTags, reportDuplicateNames } from './common.js';
import type { ArgumentTree, FieldPath, RenderContext } from './context.js';
import type { IamContext, IamDeclaring, IamNeed, S3PropertySource, S3PropertyTarget, StepIamNeeds } from './iam.js';
import {
  ecrPullNeeds,
  jobLogNeeds,
  type JobKindSpec,
  kmsKeyArn,
  passRoleNeed,
  propertyFileReadNeeds,
  reportVpcGap,
  s3KeyNeeds,
  s3ReadNeeds,
  s3WriteNeeds,
  startJobNeeds,
  volumeKeyNeeds,
} from './iam-needs.js';
import { type NetworkProps, renderVpc } from './processing.js';

const TRAINING_JOB: JobKindSpec = { resourceType: 'training-job', actionNoun: 'TrainingJob', label: 'training job' };

/** A data channel of a training job, rendered into `InputDataConfig`. */
export interface TrainingChannelProps {
  /** Rendered as `ChannelName`, such as `train` or `validation`. */
  readonly name: string;
  /** S3 URI of the data. */
  readonly s3Uri: StringValue;
  readonly contentType?: StringValue;
  /** @default 'S3Prefix' */
  readonly s3DataType?: 'S3Prefix' | 'ManifestFile' | 'AugmentedManifestFile';
  /** @default 'FullyReplicated' */
  readonly distribution?: 'FullyReplicated' | 'ShardedByS3Key';
  /** @default 'None' */
  readonly compression?: 'None' | 'Gzip';
  readonly inputMode?: 'File' | 'Pipe' | 'FastFile';
}

/** A metric the algorithm prints, found in its logs by a regular expression. */
export interface MetricDefinitionProps {
  readonly name: string;
  readonly regex: string;
}

/** Settings of a Training step; see CreateTrainingJob in the SageMaker API reference. */
export interface TrainingStepProps<M extends readonly MetricDefinitionProps[] = readonly MetricDefinitionProps[]>
  extends JobStepOptions {
  readonly imageUri: StringValue;
  readonly instanceType: StringValue;
  /** @default 1 */
  readonly instanceCount?: IntegerValue;
  /** @default 30 */
  readonly volumeSizeInGB?: IntegerValue;
  readonly volumeKmsKeyId?: StringValue;
  /** @default 'File' */
  readonly inputMode?: 'File' | 'Pipe' | 'FastFile';
  /** Role the job runs as. @default - the pipeline's role */
  readonly roleArn?: string;
  /** S3 folder for `model.tar.gz`, rendered as `OutputDataConfig.S3OutputPath`. */
  readonly outputPath: StringValue;
  readonly outputKmsKeyId?: StringValue;
  readonly channels?: readonly TrainingChannelProps[];
  /** Rendered as `HyperParameters`; SageMaker passes every value as a string. */
  readonly hyperParameters?: Readonly<Record<string, ExpressionValue>>;
  readonly metricDefinitions?: M;
  readonly environment?: Readonly<Record<string, ExpressionValue>>;
  /** @default 86400 (one day) */
  readonly maxRuntimeInSeconds?: IntegerValue;
  readonly network?: NetworkProps;
  readonly tags?: Readonly<Record<string, string>>;
}

/** Properties of a Training step that other steps may read. */
export interface TrainingProperties<MetricName extends string> {
  readonly trainingJobName: StepProperty<'String'>;
  readonly trainingJobArn: StepProperty<'String'>;
  readonly trainingJobStatus: StepProperty<'String'>;
  readonly modelArtifacts: { readonly s3ModelArtifacts: StepProperty<'String'> };
  /** Final value of each declared metric, rendered as `FinalMetricDataList['<name>'].Value`. */
  readonly finalMetrics: { readonly [K in MetricName]: StepProperty<'Float'> };
}

/** A step that runs a SageMaker training job. */
export class TrainingStep<MetricName extends string = string> extends JobStep implements IamDeclaring, S3PropertySource {
  readonly type = 'Training' as const;
  readonly localExecution = 'container' as const;
  readonly properties: TrainingProperties<MetricName>;

  constructor(
    name: string,
    readonly props: TrainingStepProps,
  ) {
    super(name, props);
    this.properties = {
      trainingJobName: new StepProperty(this, 'TrainingJobName', 'String'),
      trainingJobArn: new StepProperty(this, 'TrainingJobArn', 'String'),
      trainingJobStatus: new StepProperty(this, 'TrainingJobStatus', 'String'),
      modelArtifacts: { s3ModelArtifacts: new StepProperty(this, 'ModelArtifacts.S3ModelArtifacts', 'String') },
      finalMetrics: Object.fromEntries(
        (props.metricDefinitions ?? []).map((metric) => [
          metric.name,
          new StepProperty(this, `FinalMetricDataList['${metric.name}'].Value`, 'Float'),
        ]),
      ) as TrainingProperties<MetricName>['finalMetrics'],
    };
  }

  /** Returns the configured S3 folder behind `ModelArtifacts.S3ModelArtifacts`, below which the model lands. */
  propertyS3Source(propertyPath: string): S3PropertyTarget | undefined {
    return propertyPath === 'ModelArtifacts.S3ModelArtifacts' ? { uri: this.props.outputPath, below: true } : undefined;
  }

  /**
   * Declares the step's permissions. The pipeline role starts, watches and stops the training job
   * and passes it its role. The job's role reads the channels, writes the model, pulls the image
   * and writes logs.
   */
  iamNeeds(context: IamContext): StepIamNeeds {
    const props = this.props;
    const roleArn = props.roleArn ?? context.pipelineRoleArn;
    const tagged = props.tags !== undefined && Object.keys(props.tags).length > 0;
    const pipelineRole = [
      ...startJobNeeds(context, TRAINING_JOB, tagged),
      passRoleNeed([roleArn], "SageMaker Pipelines hands the step's role to the training job it creates"),
      ...propertyFileReadNeeds(context),
    ];
    return {
      pipelineRole,
      jobRole: { roleArn, needs: this.jobRoleNeeds(context), sourceArns: context.arn.sagemaker(TRAINING_JOB.resourceType, `${context.jobNamePrefix}-*`) },
    };
  }

  private jobRoleNeeds(context: IamContext): IamNeed[] {
    const props = this.props;
    const path = context.stepPath.child('arguments');
    const needs: IamNeed[] = [];

    (props.channels ?? []).forEach((channel, index) => {
      const channelPath = path.child('inputDataConfig', index, 'dataSource', 's3DataSource', 's3Uri');
      const location = context.s3Location(channel.s3Uri, channelPath, `training channel '${channel.name}'`);
      if (location !== undefined) {
        needs.push(...s3ReadNeeds(context, location, 'ReadTrainingChannels', `SageMaker reads training channel '${channel.name}' with the job's role`));
      }
    });
    const outputPath = path.child('outputDataConfig', 's3OutputPath');
    const output = context.s3Location(props.outputPath, outputPath, 'the training output path');
    if (output !== undefined) {
      needs.push(...s3WriteNeeds(context, output, 'WriteModelArtifacts', "SageMaker uploads the model artifacts and output files below the output path with the job's role"));
    }

    needs.push(...ecrPullNeeds(context, props.imageUri, path.child('algorithmSpecification', 'trainingImage')));
    needs.push(...jobLogNeeds(context, '/aws/sagemaker/TrainingJobs'));

    if (props.volumeKmsKeyId !== undefined) {
      const key = kmsKeyArn(context, props.volumeKmsKeyId, path.child('resourceConfig', 'volumeKmsKeyId'), 'the storage volume');
      needs.push(...(key === undefined ? [] : volumeKeyNeeds(key)));
    }
    if (props.outputKmsKeyId !== undefined) {
      const key = kmsKeyArn(context, props.outputKmsKeyId, path.child('outputDataConfig', 'kmsKeyId'), 'the model artifacts');
      const reason = "SageMaker uploads the model encrypted with this key, and S3 asks KMS for data keys with the caller's role";
      needs.push(...(key === undefined ? [] : s3KeyNeeds(context, key, 'EncryptModelArtifacts', reason)));
    }
    if (props.network?.vpc !== undefined) {
      reportVpcGap(context, path.child('vpcConfig'));
    }
    return needs;
  }

  renderArguments(context: RenderContext): ArgumentTree {
    const props = this.props;
    const path = context.stepPath.child('arguments');
    const args: Record<string, ArgumentTree> = {};

    const algorithmPath = path.child('algorithmSpecification');
    const algorithm: Record<string, ArgumentTree> = {
      TrainingInputMode: context.literal(props.inputMode ?? 'File', algorithmPath.child('trainingInputMode'), {
        allowed: ['File', 'Pipe', 'FastFile'],
      }),
      TrainingImage: context.text(props.imageUri, algorithmPath.child('trainingImage')),
    };
    const metrics = props.metricDefinitions ?? [];
    if (metrics.length > 0) {
      algorithm['MetricDefinitions'] = this.renderMetrics(context, metrics, algorithmPath.child('metricDefinitions'));
    }
    args['AlgorithmSpecification'] = algorithm;

    const outputPath = path.child('outputDataConfig');
    const output: Record<string, ArgumentTree> = { S3OutputPath: context.s3Uri(props.outputPath, outputPath.child('s3OutputPath')) };
    if (props.outputKmsKeyId !== undefined) {
      output['KmsKeyId'] = context.text(props.outputKmsKeyId, outputPath.child('kmsKeyId'));
    }
    args['OutputDataConfig'] = output;

    args['StoppingCondition'] = {
      MaxRuntimeInSeconds: context.integer(props.maxRuntimeInSeconds ?? 86400, path.child('stoppingCondition', 'maxRuntimeInSeconds'), {
        min: 1,
      }),
    };

    const resourcePath = path.child('resourceConfig');
    const resources: Record<string, ArgumentTree> = {
      VolumeSizeInGB: context.integer(props.volumeSizeInGB ?? 30, resourcePath.child('volumeSizeInGB'), { min: 1 }),
      InstanceCount: context.integer(props.instanceCount ?? 1, resourcePath.child('instanceCount'), { min: 1 }),
      InstanceType: context.text(props.instanceType, resourcePath.child('instanceType'), {
        pattern: /^ml\.[a-z0-9]+\.[a-z0-9]+$/,
        rule: 'instance types look like ml.m5.xlarge',
      }),
    };
    if (props.volumeKmsKeyId !== undefined) {
      resources['VolumeKmsKeyId'] = context.text(props.volumeKmsKeyId, resourcePath.child('volumeKmsKeyId'));
    }
    args['ResourceConfig'] = resources;

    const role = props.roleArn ?? context.pipelineRoleArn;
    if (role === undefined) {
      context.report({
        code: 'MISSING_ROLE',
        path: path.child('roleArn'),
        message: `step '${this.name}' has no role to run its job`,
        rule: 'a training job needs a role ARN',
        fix: 'set roleArn on the step or on the pipeline',
      });
    }
    args['RoleArn'] = context.literal(role ?? '', path.child('roleArn'));

    const channels = props.channels ?? [];
    if (channels.length > 0) {
      args['InputDataConfig'] = this.renderChannels(context, channels, path.child('inputDataConfig'));
    }
    if (props.hyperParameters !== undefined && Object.keys(props.hyperParameters).length > 0) {
      const hyperPath = path.child('hyperParameters');
      args['HyperParameters'] = Object.fromEntries(
        Object.entries(props.hyperParameters).map(([key, value]) => [key, context.text(value, hyperPath.child(key))]),
      );
    }
    if (props.environment !== undefined) {
      args['Environment'] = renderEnvironment(context, props.environment, path.child('environment'));
    }
    if (props.tags !== undefined) {
      args['Tags'] = renderTags(context, props.tags, path.child('tags'));
    }
    if (props.network?.vpc !== undefined) {
      args['VpcConfig'] = renderVpc(context, props.network.vpc, path.child('vpcConfig'));
    }
    if (props.network?.enableNetworkIsolation !== undefined) {
      args['EnableNetworkIsolation'] = context.boolean(props.network.enableNetworkIsolation, path.child('enableNetworkIsolation'));
    }
    if (props.network?.enableInterContainerTrafficEncryption !== undefined) {
      args['EnableInterContainerTrafficEncryption'] = context.boolean(
        props.network.enableInterContainerTrafficEncryption,
        path.child('enableInterContainerTrafficEncryption'),
      );
    }
    return args;
  }

  private renderMetrics(context: RenderContext, metrics: readonly MetricDefinitionProps[], path: FieldPath): ArgumentTree[] {
    reportDuplicateNames(context, metrics.map((metric) => metric.name), path, 'metric');
    if (metrics.length > 40) {
      context.report({
        code: 'TOO_MANY_METRICS',
        path,
        message: `${metrics.length} metric definitions are declared`,
        value: metrics.length,
        rule: 'a training job takes at most 40 metric definitions',
        fix: 'keep the metrics that conditions or reviews use',
      });
    }
    return metrics.map((metric, index) => ({
      Name: context.literal(metric.name, path.child(index, 'name'), { pattern: /^.{1,255}$/, rule: 'metric names are 1-255 characters' }),
      Regex: context.literal(metric.regex, path.child(index, 'regex'), { pattern: /^.{1,500}$/s, rule: 'metric regexes are 1-500 characters' }),
    }));
  }

  private renderChannels(context: RenderContext, channels: readonly TrainingChannelProps[], path: FieldPath): ArgumentTree[] {
    reportDuplicateNames(context, channels.map((channel) => channel.name), path, 'channel');
    return channels.map((channel, index) => {
      const channelPath = path.child(index);
      const sourcePath = channelPath.child('dataSource', 's3DataSource');
      const rendered: Record<string, ArgumentTree> = {
        ChannelName: context.literal(channel.name, channelPath.child('channelName'), {
          pattern: /^[A-Za-z0-9\.\-_]{1,64}$/,
          rule: 'channel names are 1-64 letters, digits, ., - and _',
        }),
        DataSource: {
          S3DataSource: {
            S3DataType: context.literal(channel.s3DataType ?? 'S3Prefix', sourcePath.child('s3DataType'), {
              allowed: ['S3Prefix', 'ManifestFile', 'AugmentedManifestFile'],
            }),
            S3Uri: context.s3Uri(channel.s3Uri, sourcePath.child('s3Uri')),
            S3DataDistributionType: context.literal(channel.distribution ?? 'FullyReplicated', sourcePath.child('s3DataDistributionType'), {
              allowed: ['FullyReplicated', 'ShardedByS3Key'],
            }),
          },
        },
      };
      if (channel.contentType !== undefined) {
        rendered['ContentType'] = context.text(channel.contentType, channelPath.child('contentType'));
      }
      if (channel.compression !== undefined) {
        rendered['CompressionType'] = context.literal(channel.compression, channelPath.child('compressionType'), { allowed: ['None', 'Gzip'] });
      }
      if (channel.inputMode !== undefined) {
        rendered['InputMode'] = context.literal(channel.inputMode, channelPath.child('inputMode'), { allowed: ['File', 'Pipe', 'FastFile'] });
      }
      return rendered;
    });
  }
}

/** Creates a Training step; metric names are inferred so `finalMetrics.<name>` is type-checked. */
export function trainingStep<const M extends readonly MetricDefinitionProps[] = []>(
  name: string,
  props: TrainingStepProps<M>,
): TrainingStep<M[number]['name']> {
  return new TrainingStep(name, props);
}
