import { StepProperty } from '../dsl/expressions.js';
import type { ExpressionValue, IntegerValue, StringValue } from '../dsl/expressions.js';
import { JobStep, type JobStepOptions } from '../dsl/step.js';
import { renderEnvironment, renderTags } from './common.js';
import type { ArgumentTree, RenderContext } from './context.js';
import type { IamContext, IamDeclaring, S3PropertySource, S3PropertyTarget, StepIamNeeds } from './iam.js';
import { type JobKindSpec, propertyFileReadNeeds, startJobNeeds } from './iam-needs.js';

const TRANSFORM_JOB: JobKindSpec = { resourceType: 'transform-job', actionNoun: 'TransformJob', label: 'transform job' };

/** Settings of a Transform step; see CreateTransformJob in the SageMaker API reference. */
export interface TransformStepProps extends JobStepOptions {
  /** The SageMaker model to run, often a CreateModel result or a fixed model name. */
  readonly modelName: StringValue;
  /** S3 URI of the input data. */
  readonly inputS3Uri: StringValue;
  /** @default 'S3Prefix' */
  readonly s3DataType?: 'S3Prefix' | 'ManifestFile' | 'AugmentedManifestFile';
  readonly contentType?: StringValue;
  /** @default - not sent, so the service default ('None') applies */
  readonly splitType?: 'None' | 'Line' | 'RecordIO' | 'TFRecord';
  readonly compression?: 'None' | 'Gzip';
  /** S3 folder for the results. */
  readonly outputPath: StringValue;
  readonly accept?: StringValue;
  readonly assembleWith?: 'None' | 'Line';
  readonly outputKmsKeyId?: StringValue;
  readonly instanceType: StringValue;
  /** @default 1 */
  readonly instanceCount?: IntegerValue;
  readonly volumeKmsKeyId?: StringValue;
  readonly batchStrategy?: 'MultiRecord' | 'SingleRecord';
  readonly maxConcurrentTransforms?: IntegerValue;
  readonly maxPayloadInMB?: IntegerValue;
  readonly environment?: Readonly<Record<string, ExpressionValue>>;
  readonly tags?: Readonly<Record<string, string>>;
}

/** Properties of a Transform step that other steps may read. */
export interface TransformProperties {
  readonly transformJobName: StepProperty<'String'>;
  readonly transformJobArn: StepProperty<'String'>;
  readonly transformJobStatus: StepProperty<'String'>;
  readonly transformOutput: { readonly s3OutputPath: StepProperty<'String'> };
}

/** A step that runs a SageMaker batch transform job. */
export class TransformStep extends JobStep implements IamDeclaring, S3PropertySource {
  readonly type = 'Transform' as const;
  readonly localExecution = 'container' as const;
  readonly properties: TransformProperties;

  constructor(
    name: string,
    readonly props: TransformStepProps,
  ) {
    super(name, props);
    this.properties = {
      transformJobName: new StepProperty(this, 'TransformJobName', 'String'),
      transformJobArn: new StepProperty(this, 'TransformJobArn', 'String'),
      transformJobStatus: new StepProperty(this, 'TransformJobStatus', 'String'),
      transformOutput: { s3OutputPath: new StepProperty(this, 'TransformOutput.S3OutputPath', 'String') },
    };
  }

  /** Returns the configured S3 folder behind `TransformOutput.S3OutputPath`. */
  propertyS3Source(propertyPath: string): S3PropertyTarget | undefined {
    return propertyPath === 'TransformOutput.S3OutputPath' ? { uri: this.props.outputPath, below: false } : undefined;
  }

  /**
   * Declares the step's permissions: the pipeline role starts, watches and stops the transform
   * job. The job runs as the execution role of its model, so the step passes no role and declares
   * no job role.
   */
  iamNeeds(context: IamContext): StepIamNeeds {
    const tagged = this.props.tags !== undefined && Object.keys(this.props.tags).length > 0;
    const model = typeof this.props.modelName === 'string' ? `model '${this.props.modelName}'` : 'the model';
    context.note(
      `Step '${this.name}' runs its transform job as the execution role of ${model}; that role needs read access to the transform input and write access to the output path, and sagepipe does not derive it.`,
    );
    return { pipelineRole: [...startJobNeeds(context, TRANSFORM_JOB, tagged), ...propertyFileReadNeeds(context)] };
  }

  renderArguments(context: RenderContext): ArgumentTree {
    const props = this.props;
    const path = context.stepPath.child('arguments');
    const args: Record<string, ArgumentTree> = {};

    args['ModelName'] = context.text(props.modelName, path.child('modelName'));

    const inputPath = path.child('transformInput');
    const sourcePath = inputPath.child('dataSource', 's3DataSource');
    const input: Record<string, ArgumentTree> = {
      DataSource: {
        S3DataSource: {
          S3DataType: context.literal(props.s3DataType ?? 'S3Prefix', sourcePath.child('s3DataType'), {
            allowed: ['S3Prefix', 'ManifestFile', 'AugmentedManifestFile'],
          }),
          S3Uri: context.s3Uri(props.inputS3Uri, sourcePath.child('s3Uri')),
        },
      },
    };
    if (props.contentType !== undefined) {
      input['ContentType'] = context.text(props.contentType, inputPath.child('contentType'));
    }
    if (props.compression !== undefined) {
      input['CompressionType'] = context.literal(props.compression, inputPath.child('compressionType'), { allowed: ['None', 'Gzip'] });
    }
    if (props.splitType !== undefined) {
      input['SplitType'] = context.literal(props.splitType, inputPath.child('splitType'), {
        allowed: ['None', 'Line', 'RecordIO', 'TFRecord'],
      });
    }
    args['TransformInput'] = input;

    const outputPath = path.child('transformOutput');
    const output: Record<string, ArgumentTree> = { S3OutputPath: context.s3Uri(props.outputPath, outputPath.child('s3OutputPath')) };
    if (props.accept !== undefined) {
      output['Accept'] = context.text(props.accept, outputPath.child('accept'));
    }
    if (props.assembleWith !== undefined) {
      output['AssembleWith'] = context.literal(props.assembleWith, outputPath.child('assembleWith'), { allowed: ['None', 'Line'] });
    }
    if (props.outputKmsKeyId !== undefined) {
      output['KmsKeyId'] = context.text(props.outputKmsKeyId, outputPath.child('kmsKeyId'));
    }
    args['TransformOutput'] = output;

    const resourcePath = path.child('transformResources');
    const resources: Record<string, ArgumentTree> = {
      InstanceType: context.text(props.instanceType, resourcePath.child('instanceType'), {
        pattern: /^ml\.[a-z0-9]+\.[a-z0-9]+$/,
        rule: 'instance types look like ml.m5.xlarge',
      }),
      InstanceCount: context.integer(props.instanceCount ?? 1, resourcePath.child('instanceCount'), { min: 1 }),
    };
    if (props.volumeKmsKeyId !== undefined) {
      resources['VolumeKmsKeyId'] = context.text(props.volumeKmsKeyId, resourcePath.child('volumeKmsKeyId'));
    }
    args['TransformResources'] = resources;

    if (props.batchStrategy !== undefined) {
      args['BatchStrategy'] = context.literal(props.batchStrategy, path.child('batchStrategy'), { allowed: ['MultiRecord', 'SingleRecord'] });
    }
    if (props.maxConcurrentTransforms !== undefined) {
      args['MaxConcurrentTransforms'] = context.integer(props.maxConcurrentTransforms, path.child('maxConcurrentTransforms'), { min: 0 });
    }
    if (props.maxPayloadInMB !== undefined) {
      args['MaxPayloadInMB'] = context.integer(props.maxPayloadInMB, path.child('maxPayloadInMB'), { min: 0 });
    }
    if (props.environment !== undefined) {
      args['Environment'] = renderEnvironment(context, props.environment, path.child('environment'));
    }
    if (props.tags !== undefined) {
      args['Tags'] = renderTags(context, props.tags, path.child('tags'));
    }
    return args;
  }
}

/** Creates a Transform step. */
export function transformStep(name: string, props: TransformStepProps): TransformStep {
  return new TransformStep(name, props);
}
