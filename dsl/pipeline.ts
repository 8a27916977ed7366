import { PIPELINE, hasBrand } from './brand.js';
import type { PipelineConfig } from './config.js';
import type { StringValue } from './expressions.js';
import type { FeatureGroup } from './feature-group.js';
import type { Parameter } from './parameters.js';
import type { Step } from './step.js';

/** `PipelineExperimentConfig`: the experiment and trial each execution is recorded under. */
export interface ExperimentConfigProps {
  readonly experimentName: StringValue;
  readonly trialName: StringValue;
}

/** Where `upsert` uploads assets (the ingest runtime and its configs), content-addressed. */
export interface AssetLocationProps {
  readonly bucket: string;
  /**
   * Key prefix under which sagepipe uploads its files, without leading or trailing slashes.
   * sagepipe appends `assets/<sha256>/` to it: with `prefix: 'ml/churn'` the runtime bundle
   * goes to `ml/churn/assets/<sha256>/ingest.mjs`, and with `prefix: 'assets'` to
   * `assets/assets/<sha256>/ingest.mjs`. An empty prefix puts them under `assets/` at the
   * bucket root. @default 'sagepipe'
   */
  readonly prefix?: string;
}

/** Settings of a pipeline; see CreatePipeline in the SageMaker API reference. */
export interface PipelineProps {
  readonly steps: readonly Step[];
  readonly parameters?: readonly Parameter[];
  /** Role SageMaker Pipelines assumes; job steps use it unless they set their own. */
  readonly roleArn?: string;
  readonly description?: string;
  readonly displayName?: string;
  /** Maximum steps that run at once, rendered as `ParallelismConfiguration`. @default - no limit */
  readonly parallelism?: number;
  /**
   * Rendered as `PipelineExperimentConfig`; `null` writes `null`, which turns experiment tracking off.
   * @default - experiment named after the pipeline, trial named after the execution id
   */
  readonly experimentConfig?: ExperimentConfigProps | null;
  readonly tags?: Readonly<Record<string, string>>;
  /** AWS Region of the pipeline, used for ARNs and deploy. */
  readonly region?: string;
  readonly assets?: AssetLocationProps;
  /** The loaded config, so that its placeholder warnings reach `compile` and `upsert`. */
  readonly config?: PipelineConfig;
  /** Feature groups to create on deploy besides those that ingest steps write to. */
  readonly featureGroups?: readonly FeatureGroup[];
}

/** A SageMaker pipeline: the root object an entry file exports as its default export. */
export class Pipeline {
  readonly [PIPELINE] = true;

  constructor(
    readonly name: string,
    readonly props: PipelineProps,
  ) {}

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `<pipeline '${this.name}'>`;
  }
}

export function isPipeline(value: unknown): value is Pipeline {
  return hasBrand(value, PIPELINE);
}

/** Declares a pipeline. */
export function pipeline(name: string, props: PipelineProps): Pipeline {
  return new Pipeline(name, props);
}
