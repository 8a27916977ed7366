import type { JsonGet } from '../../dsl/expressions.js';
import type { FieldPath } from '../../steps/context.js';
import type { ArnBuilder, IamContext } from '../../steps/iam.js';
import type { IssueCollector } from '../issues.js';
import { resolveS3Location } from './s3-location.js';

/** The state every IAM context of one compile shares. */
export interface IamSession {
  readonly arn: ArnBuilder;
  readonly pipelineName: string;
  readonly pipelineRoleArn: string;
  readonly sagepipeVersion: string;
  readonly assets: { readonly bucket: string; readonly prefix: string } | undefined;
  readonly issues: IssueCollector;
  /** Sentences for the review page, in the order steps add them, without repeats. */
  readonly notes: string[];
}

/** Job names SageMaker Pipelines generates start with this prefix when a step sets no job name. */
export const PIPELINE_JOB_NAME_PREFIX = 'pipelines';

/** Creates the IAM context of one step, or of the pipeline-level needs when `jsonGets` is empty. */
export function createIamContext(session: IamSession, stepPath: FieldPath, jsonGets: readonly JsonGet[]): IamContext {
  const context: IamContext = {
    stepPath,
    arn: session.arn,
    pipelineName: session.pipelineName,
    pipelineRoleArn: session.pipelineRoleArn,
    sagepipeVersion: session.sagepipeVersion,
    jobNamePrefix: PIPELINE_JOB_NAME_PREFIX,
    jsonGets,
    assets: session.assets,

    s3Location(value, path, use) {
      const resolution = resolveS3Location(value);
      if ('location' in resolution) {
        return resolution.location;
      }
      context.gap({
        code: 'IAM_LOCATION_NOT_DERIVED',
        path,
        message: `no S3 permission is derived for ${use}: ${resolution.reason}`,
        value,
        rule: 'S3 permissions are scoped to the literal s3://bucket/prefix a location starts with',
        fix: 'start the URI with a literal s3://<bucket>/<prefix>/ (run-time values may follow), or grant the access outside sagepipe',
      });
      return undefined;
    },

    gap(gap) {
      session.issues.warning(gap.code, gap.path.toString(), gap.message, {
        ...(gap.value !== undefined ? { value: gap.value } : {}),
        ...(gap.rule !== undefined ? { rule: gap.rule } : {}),
        ...(gap.fix !== undefined ? { fix: gap.fix } : {}),
      });
    },

    note(text) {
      if (!session.notes.includes(text)) {
        session.notes.push(text);
      }
    },
  };
  return context;
}
