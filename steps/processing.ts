import { JsonGet, StepProperty } from '../dsl/expressions.js';
import type { BooleanValue, ExpressionValue, IntegerValue, StringValue } from '../dsl/expressions.js';
import { JobStep, type JobStepOptions } from '../dsl/step.js';
import { renderEnvironment, renderTags, reportDuplicateNames } from './common.js';
import type { ArgumentTree, FieldPath, RenderContext } from './context.js';
import type {
  IamContext,
  IamDeclaring,
  IamNeed,
  PropertyFileLocation,
  PropertyFileSource,
  S3PropertySource,
  S3PropertyTarget,
  StepIamNeeds,
} from './iam.js';
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

/** Container paths of processing inputs and outputs must live under this folder. */
export const PROCESSING_LOCAL_ROOT = '/opt/ml/processing/';

/** Data that SageMaker downloads into the container before the job starts. */
export interface ProcessingInputProps {
  /** Rendered as `InputName`; `properties.inputs.<name>` refers to it. */
  readonly name: string;
  /** S3 URI to download, rendered as `S3Input.S3Uri`. */
  readonly source: StringValue;
  /** Container path under `/opt/ml/processing/`, rendered as `LocalPath`. */
  readonly destination: string;
  /** @default 'S3Prefix' */
  readonly s3DataType?: 'S3Prefix' | 'ManifestFile';
  /** @default 'File' */
  readonly inputMode?: 'File' | 'Pipe';
  /** @default 'FullyReplicated' */
  readonly distribution?: 'FullyReplicated' | 'ShardedByS3Key';
  /** @default 'None' */
  readonly compression?: 'None' | 'Gzip';
}

/** Data that SageMaker uploads from the container when the job ends. */
export interface ProcessingOutputProps {
  /** Rendered as `OutputName`; `properties.outputs.<name>` refers to it. */
  readonly name: string;
  /** Container path under `/opt/ml/processing/`, rendered as `LocalPath`. */
  readonly source: string;
  /** S3 URI to upload to, rendered as `S3Output.S3Uri`. */
  readonly destination: StringValue;
  /** @default 'EndOfJob' */
  readonly uploadMode?: 'EndOfJob' | 'Continuous';
}

/** A JSON file the job writes into one of its outputs, readable with `step.jsonGet`. */
export interface PropertyFileProps {
  readonly name: string;
  /** Name of the output whose S3 folder contains the file. */
  readonly outputName: string;
  /** Path of the file relative to that output. */
  readonly path: string;
}

/** Network isolation, traffic encryption and VPC settings of a job. */
export interface NetworkProps {
  readonly enableNetworkIsolation?: BooleanValue;
  readonly enableInterContainerTrafficEncryption?: BooleanValue;
  readonly vpc?: { readonly securityGroupIds: readonly string[]; readonly subnets: readonly string[] };
}

/** Settings of a Processing step; see CreateProcessingJob in the SageMaker API reference. */
export interface ProcessingStepProps<
  I extends readonly ProcessingInputProps[] = readonly ProcessingInputProps[],
  O extends readonly ProcessingOutputProps[] = readonly ProcessingOutputProps[],
  F extends readonly PropertyFileProps[] = readonly PropertyFileProps[],
> extends JobStepOptions {
  readonly imageUri: StringValue;
  readonly instanceType: StringValue;
  /** @default 1 */
  readonly instanceCount?: IntegerValue;
  /** @default 30 */
  readonly volumeSizeInGB?: IntegerValue;
  readonly volumeKmsKeyId?: StringValue;
  /** Role the job runs as. @default - the pipeline's role */
  readonly roleArn?: string;
  /** Rendered as `ContainerEntrypoint`. */
  readonly entrypoint?: readonly StringValue[];
  /** Rendered as `ContainerArguments`; non-string expressions become joins. */
  readonly arguments?: readonly ExpressionValue[];
  readonly environment?: Readonly<Record<string, ExpressionValue>>;
  readonly inputs?: I;
  readonly outputs?: O;
  readonly outputKmsKeyId?: StringValue;
  readonly propertyFiles?: F;
  /** @default - no limit is sent, so the service default applies */
  readonly maxRuntimeInSeconds?: IntegerValue;
  readonly network?: NetworkProps;
  readonly tags?: Readonly<Record<string, string>>;
}

/** Properties of a Processing step that other steps may read, typed by the declared names. */
export interface ProcessingProperties<InputName extends string, OutputName extends string> {
  readonly processingJobName: StepProperty<'String'>;
  readonly processingJobArn: StepProperty<'String'>;
  readonly processingJobStatus: StepProperty<'String'>;
  readonly exitMessage: StepProperty<'String'>;
  readonly failureReason: StepProperty<'String'>;
  readonly inputs: { readonly [K in InputName]: { readonly s3Uri: StepProperty<'String'> } };
  readonly outputs: { readonly [K in OutputName]: { readonly s3Uri: StepProperty<'String'> } };
}

/** A step that runs a SageMaker processing job. */
export class ProcessingStep<
    InputName extends string = string,
    OutputName extends string = string,
    FileName extends string = string,
  >
  extends JobStep
  implements IamDeclaring, PropertyFileSource, S3PropertySource
{
  readonly type = 'Processing' as const;
  readonly localExecution: 'ingest' | 'container' = 'container';
  readonly properties: ProcessingProperties<InputName, OutputName>;

  constructor(
    name: string,
    readonly props: ProcessingStepProps,
  ) {
    super(name, props);
    this.properties = {
      processingJobName: new StepProperty(this, 'ProcessingJobName', 'String'),
      processingJobArn: new StepProperty(this, 'ProcessingJobArn', 'String'),
      processingJobStatus: new StepProperty(this, 'ProcessingJobStatus', 'String'),
      exitMessage: new StepProperty(this, 'ExitMessage', 'String'),
      failureReason: new StepProperty(this, 'FailureReason', 'String'),
      inputs: Object.fromEntries(
        (props.inputs ?? []).map((input) => [
          input.name,
          { s3Uri: new StepProperty(this, `ProcessingInputs['${input.name}'].S3Input.S3Uri`, 'String') },
        ]),
      ) as ProcessingProperties<InputName, OutputName>['inputs'],
      outputs: Object.fromEntries(
        (props.outputs ?? []).map((output) => [
          output.name,
          { s3Uri: new StepProperty(this, `ProcessingOutputConfig.Outputs['${output.name}'].S3Output.S3Uri`, 'String') },
        ]),
      ) as ProcessingProperties<InputName, OutputName>['outputs'],
    };
  }

  /** Reads a value from a declared property file when the pipeline runs (`Std:JsonGet`). */
  jsonGet(propertyFile: FileName, jsonPath: string): JsonGet {
    return new JsonGet(this, propertyFile, jsonPath);
  }

  /** Names of the declared property files. */
  get propertyFileNames(): readonly string[] {
    return (this.props.propertyFiles ?? []).map((file) => file.name);
  }

  /** Returns the output folder and relative path of a declared property file. */
  propertyFileLocation(name: string): PropertyFileLocation | undefined {
    const file = (this.props.propertyFiles ?? []).find((candidate) => candidate.name === name);
    const output = (this.props.outputs ?? []).find((candidate) => candidate.name === file?.outputName);
    if (file === undefined || output === undefined) {
      return undefined;
    }
    return { destination: output.destination, filePath: file.path };
  }

  /** Returns the configured S3 URI behind an input or output property. */
  propertyS3Source(propertyPath: string): S3PropertyTarget | undefined {
    const output = /^ProcessingOutputConfig\.Outputs\['(.+)'\]\.S3Output\.S3Uri$/.exec(propertyPath);
    if (output !== null) {
      const declared = (this.props.outputs ?? []).find((candidate) => candidate.name === output[1]);
      return declared === undefined ? undefined : { uri: declared.destination, below: false };
    }
    const input = /^ProcessingInputs\['(.+)'\]\.S3Input\.S3Uri$/.exec(propertyPath);
    if (input !== null) {
      const declared = (this.props.inputs ?? []).find((candidate) => candidate.name === input[1]);
      return declared === undefined ? undefined : { uri: declared.source, below: false };
    }
    return undefined;
  }

  /**
   * Declares the step's permissions. The pipeline role starts, watches and stops the job and
   * passes the job its role. The job's role reads the inputs, writes the outputs, pulls the image
   * and writes logs.
   */
  iamNeeds(context: IamContext): StepIamNeeds {
    const roleArn = this.jobRoleArn(context);
    const needs = this.jobRoleNeeds(context, this.props.inputs ?? [], this.props.imageUri);
    return {
      pipelineRole: this.pipelineRoleNeeds(context, roleArn),
      jobRole: { roleArn, needs, sourceArns: context.arn.sagemaker(PROCESSING_JOB.resourceType, `${context.jobNamePrefix}-*`) },
    };
  }

  /** Returns the role the job runs as: the step's own, or the pipeline's. */
  protected jobRoleArn(context: IamContext): string {
    return this.props.roleArn ?? context.pipelineRoleArn;
  }

  /** Declares what the pipeline role needs to run this step's processing job. */
  protected pipelineRoleNeeds(context: IamContext, jobRoleArn: string): IamNeed[] {
    const tagged = this.props.tags !== undefined && Object.keys(this.props.tags).length > 0;
    return [
      ...startJobNeeds(context, PROCESSING_JOB, tagged),
      passRoleNeed([jobRoleArn], "SageMaker Pipelines hands the step's role to the processing job it creates"),
      ...propertyFileReadNeeds(context),
    ];
  }

  /** Declares what the job's role needs for the given inputs and image, the outputs, logs and keys. */
  protected jobRoleNeeds(context: IamContext, inputs: readonly ProcessingInputProps[], imageUri: StringValue): IamNeed[] {
    const props = this.props;
    const path = context.stepPath.child('arguments');
    const needs: IamNeed[] = [];

    inputs.forEach((input, index) => {
      const inputPath = path.child('processingInputs', index, 's3Input', 's3Uri');
      const location = context.s3Location(input.source, inputPath, `processing input '${input.name}'`);
      if (location !== undefined) {
        needs.push(...s3ReadNeeds(context, location, 'ReadProcessingInputs', `SageMaker downloads processing input '${input.name}' into the container with the job's role`));
      }
    });
    (props.outputs ?? []).forEach((output, index) => {
      const outputPath = path.child('processingOutputConfig', 'outputs', index, 's3Output', 's3Uri');
      const location = context.s3Location(output.destination, outputPath, `processing output '${output.name}'`);
      if (location !== undefined) {
        needs.push(...s3WriteNeeds(context, location, 'WriteProcessingOutputs', `SageMaker uploads processing output '${output.name}' with the job's role`));
      }
    });

    needs.push(...ecrPullNeeds(context, imageUri, path.child('appSpecification', 'imageUri')));
    needs.push(...jobLogNeeds(context, '/aws/sagemaker/ProcessingJobs'));

    if (props.volumeKmsKeyId !== undefined) {
      const keyPath = path.child('processingResources', 'clusterConfig', 'volumeKmsKeyId');
      const key = kmsKeyArn(context, props.volumeKmsKeyId, keyPath, 'the storage volume');
      needs.push(...(key === undefined ? [] : volumeKeyNeeds(key)));
    }
    if (props.outputKmsKeyId !== undefined) {
      const keyPath = path.child('processingOutputConfig', 'kmsKeyId');
      const key = kmsKeyArn(context, props.outputKmsKeyId, keyPath, 'the processing outputs');
      const reason = 'SageMaker uploads the outputs encrypted with this key, and S3 asks KMS for data keys with the caller\'s role';
      needs.push(...(key === undefined ? [] : s3KeyNeeds(context, key, 'EncryptProcessingOutputs', reason)));
    }
    if (props.network?.vpc !== undefined) {
      reportVpcGap(context, path.child('networkConfig', 'vpcConfig'));
    }
    return needs;
  }

  renderArguments(context: RenderContext): ArgumentTree {
    const props = this.props;
    const path = context.stepPath.child('arguments');
    const args: Record<string, ArgumentTree> = {};

    const clusterPath = path.child('processingResources', 'clusterConfig');
    const clusterConfig: Record<string, ArgumentTree> = {
      InstanceCount: context.integer(props.instanceCount ?? 1, clusterPath.child('instanceCount'), { min: 1, max: 100 }),
      InstanceType: context.text(props.instanceType, clusterPath.child('instanceType'), {
        pattern: /^ml\.[a-z0-9]+\.[a-z0-9]+$/,
        rule: 'instance types look like ml.m5.xlarge',
      }),
      VolumeSizeInGB: context.integer(props.volumeSizeInGB ?? 30, clusterPath.child('volumeSizeInGB'), { min: 1, max: 16384 }),
    };
    if (props.volumeKmsKeyId !== undefined) {
      clusterConfig['VolumeKmsKeyId'] = context.text(props.volumeKmsKeyId, clusterPath.child('volumeKmsKeyId'));
    }
    args['ProcessingResources'] = { ClusterConfig: clusterConfig };

    const appPath = path.child('appSpecification');
    const app: Record<string, ArgumentTree> = { ImageUri: context.text(props.imageUri, appPath.child('imageUri')) };
    if (props.arguments !== undefined && props.arguments.length > 0) {
      app['ContainerArguments'] = props.arguments.map((argument, index) =>
        context.text(argument, appPath.child('containerArguments', index)),
      );
    }
    if (props.entrypoint !== undefined && props.entrypoint.length > 0) {
      app['ContainerEntrypoint'] = props.entrypoint.map((part, index) =>
        context.text(part, appPath.child('containerEntrypoint', index)),
      );
    }
    args['AppSpecification'] = app;

    args['RoleArn'] = this.renderRole(context, path.child('roleArn'));

    const inputs = props.inputs ?? [];
    if (inputs.length > 0) {
      args['ProcessingInputs'] = this.renderInputs(context, inputs);
    }
    const outputs = props.outputs ?? [];
    if (outputs.length > 0) {
      args['ProcessingOutputConfig'] = this.renderOutputs(context, outputs);
    }
    if (props.environment !== undefined) {
      args['Environment'] = renderEnvironment(context, props.environment, path.child('environment'));
    }
    if (props.network !== undefined) {
      args['NetworkConfig'] = renderNetwork(context, props.network, path.child('networkConfig'));
    }
    if (props.maxRuntimeInSeconds !== undefined) {
      args['StoppingCondition'] = {
        MaxRuntimeInSeconds: context.integer(props.maxRuntimeInSeconds, path.child('stoppingCondition', 'maxRuntimeInSeconds'), {
          min: 1,
          max: 777600,
        }),
      };
    }
    if (props.tags !== undefined) {
      args['Tags'] = renderTags(context, props.tags, path.child('tags'));
    }
    return args;
  }

  override renderExtraKeys(context: RenderContext): Record<string, ArgumentTree> {
    const files = this.props.propertyFiles ?? [];
    if (files.length === 0) {
      return {};
    }
    const path = context.stepPath.child('propertyFiles');
    const outputNames = new Set((this.props.outputs ?? []).map((output) => output.name));
    reportDuplicateNames(context, files.map((file) => file.name), path, 'property file');

    const rendered = files.map((file, index) => {
      const filePath = path.child(index);
      if (!outputNames.has(file.outputName)) {
        context.report({
          code: 'PROPERTY_FILE_UNKNOWN_OUTPUT',
          path: filePath.child('outputName'),
          message: `property file '${file.name}' names output '${file.outputName}', which step '${this.name}' does not declare`,
          value: file.outputName,
          rule: 'a property file is read from one of its step’s processing outputs',
          fix: outputNames.size > 0 ? `use one of: ${[...outputNames].join(', ')}` : 'declare the output in the step’s outputs',
        });
      }
      return {
        PropertyFileName: context.literal(file.name, filePath.child('name')),
        OutputName: context.literal(file.outputName, filePath.child('outputName')),
        FilePath: context.literal(file.path, filePath.child('path')),
      };
    });
    return { PropertyFiles: rendered };
  }

  protected renderRole(context: RenderContext, path: FieldPath): ArgumentTree {
    const role = this.props.roleArn ?? context.pipelineRoleArn;
    if (role === undefined) {
      context.report({
        code: 'MISSING_ROLE',
        path,
        message: `step '${this.name}' has no role to run its job`,
        rule: 'a processing job needs a role ARN',
        fix: 'set roleArn on the step or on the pipeline',
      });
      return '';
    }
    return context.literal(role, path);
  }

  private renderInputs(context: RenderContext, inputs: readonly ProcessingInputProps[]): ArgumentTree[] {
    const path = context.stepPath.child('arguments', 'processingInputs');
    if (inputs.length > 10) {
      context.report({
        code: 'TOO_MANY_PROCESSING_INPUTS',
        path,
        message: `${inputs.length} processing inputs are declared`,
        value: inputs.length,
        rule: 'a processing job takes at most 10 inputs',
        fix: 'group files under one S3 prefix and download it as a single input',
      });
    }
    reportDuplicateNames(context, inputs.map((input) => input.name), path, 'processing input');

    return inputs.map((input, index) => {
      const inputPath = path.child(index);
      const s3Path = inputPath.child('s3Input');
      return {
        // AppManaged is left out: false is the API default, and AWS's published schema rejects the key.
        InputName: context.literal(input.name, inputPath.child('inputName'), NAME_RULE),
        S3Input: {
          S3Uri: context.s3Uri(input.source, s3Path.child('s3Uri')),
          LocalPath: renderLocalPath(context, input.destination, s3Path.child('localPath')),
          S3DataType: context.literal(input.s3DataType ?? 'S3Prefix', s3Path.child('s3DataType'), { allowed: ['S3Prefix', 'ManifestFile'] }),
          S3InputMode: context.literal(input.inputMode ?? 'File', s3Path.child('s3InputMode'), { allowed: ['File', 'Pipe'] }),
          S3DataDistributionType: context.literal(input.distribution ?? 'FullyReplicated', s3Path.child('s3DataDistributionType'), {
            allowed: ['FullyReplicated', 'ShardedByS3Key'],
          }),
          S3CompressionType: context.literal(input.compression ?? 'None', s3Path.child('s3CompressionType'), { allowed: ['None', 'Gzip'] }),
        },
      };
    });
  }

  private renderOutputs(context: RenderContext, outputs: readonly ProcessingOutputProps[]): ArgumentTree {
    const path = context.stepPath.child('arguments', 'processingOutputConfig');
    const listPath = path.child('outputs');
    if (outputs.length > 10) {
      context.report({
        code: 'TOO_MANY_PROCESSING_OUTPUTS',
        path: listPath,
        message: `${outputs.length} processing outputs are declared`,
        value: outputs.length,
        rule: 'a processing job takes at most 10 outputs',
        fix: 'write related files under one container folder and upload it as a single output',
      });
    }
    reportDuplicateNames(context, outputs.map((output) => output.name), listPath, 'processing output');

    const config: Record<string, ArgumentTree> = {
      Outputs: outputs.map((output, index) => {
        const outputPath = listPath.child(index);
        const s3Path = outputPath.child('s3Output');
        return {
          OutputName: context.literal(output.name, outputPath.child('outputName'), NAME_RULE),
          S3Output: {
            S3Uri: context.s3Uri(output.destination, s3Path.child('s3Uri')),
            LocalPath: renderLocalPath(context, output.source, s3Path.child('localPath')),
            S3UploadMode: context.literal(output.uploadMode ?? 'EndOfJob', s3Path.child('s3UploadMode'), {
              allowed: ['EndOfJob', 'Continuous'],
            }),
          },
        };
      }),
    };
    if (this.props.outputKmsKeyId !== undefined) {
      config['KmsKeyId'] = context.text(this.props.outputKmsKeyId, path.child('kmsKeyId'));
    }
    return config;
  }
}

const PROCESSING_JOB: JobKindSpec = { resourceType: 'processing-job', actionNoun: 'ProcessingJob', label: 'processing job' };

const NAME_RULE = { pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{0,255}$/, rule: 'input and output names are 1-256 letters, digits, _ and -, starting with a letter or digit' };

function renderLocalPath(context: RenderContext, value: string, path: FieldPath): string {
  const localPath = context.literal(value, path);
  if (typeof value === 'string' && !(value.startsWith(PROCESSING_LOCAL_ROOT) && value.length > PROCESSING_LOCAL_ROOT.length)) {
    context.report({
      code: 'INVALID_LOCAL_PATH',
      path,
      message: `container path '${value}' is outside ${PROCESSING_LOCAL_ROOT}`,
      value,
      rule: `processing inputs and outputs live under ${PROCESSING_LOCAL_ROOT}`,
      fix: `use a path such as ${PROCESSING_LOCAL_ROOT}input/data`,
    });
  }
  return localPath;
}

/** Renders `NetworkConfig` (also used by Training steps as `VpcConfig` plus flags). */
export function renderNetwork(
  context: RenderContext,
  network: NetworkProps,
  path: FieldPath,
): ArgumentTree {
  const config: Record<string, ArgumentTree> = {};
  if (network.enableNetworkIsolation !== undefined) {
    config['EnableNetworkIsolation'] = context.boolean(network.enableNetworkIsolation, path.child('enableNetworkIsolation'));
  }
  if (network.enableInterContainerTrafficEncryption !== undefined) {
    config['EnableInterContainerTrafficEncryption'] = context.boolean(
      network.enableInterContainerTrafficEncryption,
      path.child('enableInterContainerTrafficEncryption'),
    );
  }
  if (network.vpc !== undefined) {
    config['VpcConfig'] = renderVpc(context, network.vpc, path.child('vpcConfig'));
  }
  return config;
}

/** Renders a `VpcConfig` with its security groups and subnets. */
export function renderVpc(
  context: RenderContext,
  vpc: NonNullable<NetworkProps['vpc']>,
  path: FieldPath,
): ArgumentTree {
  const checkList = (values: readonly string[], name: string, max: number, pattern: RegExp): string[] => {
    const listPath = path.child(name);
    if (values.length < 1 || values.length > max) {
      context.report({
        code: 'INVALID_VPC_CONFIG',
        path: listPath,
        message: `${values.length} ${name} are listed`,
        value: values,
        rule: `a VPC config lists 1 to ${max} ${name}`,
        fix: `list between 1 and ${max} ${name}`,
      });
    }
    return values.map((value, index) => context.literal(value, listPath.child(index), { pattern, rule: `values match ${pattern.source}` }));
  };
  return {
    SecurityGroupIds: checkList(vpc.securityGroupIds, 'securityGroupIds', 5, /^[-0-9a-zA-Z]+$/),
    Subnets: checkList(vpc.subnets, 'subnets', 16, /^[-0-9a-zA-Z]+$/),
  };
}

/**
 * Creates a Processing step. Input, output and property-file names are inferred as literal
 * types, so `step.properties.outputs.train.s3Uri` and `step.jsonGet('report', …)` are checked
 * by the TypeScript compiler.
 */
export function processingStep<
  const I extends readonly ProcessingInputProps[] = [],
  const O extends readonly ProcessingOutputProps[] = [],
  const F extends readonly PropertyFileProps[] = [],
>(name: string, props: ProcessingStepProps<I, O, F>): ProcessingStep<I[number]['name'], O[number]['name'], F[number]['name']> {
  return new ProcessingStep(name, props);
}
