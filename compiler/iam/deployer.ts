import type { FeatureGroup } from '../../dsl/feature-group.js';
import type { Pipeline } from '../../dsl/pipeline.js';
import { FieldPath } from '../../steps/context.js';
import { featureGroupCreatorNeeds } from '../../steps/feature-group-iam.js';
import type { IamNeed } from '../../steps/iam.js';
import { assetKeyPrefix, passRoleNeed, s3ReadNeeds } from '../../steps/iam-needs.js';
import { createIamContext, type IamSession } from './context.js';
import type { AttributedNeed } from './statements.js';

const UPSERT = 'sagepipe upsert';
const START = 'sagepipe start';

const attribute = (neededBy: string, needs: readonly IamNeed[]): AttributedNeed[] => needs.map((need) => ({ ...need, neededBy }));

/**
 * Declares what the CI role that deploys the artifact folder needs. It creates, updates and
 * describes the pipeline and its tags, starts and follows executions, and creates, describes and
 * updates the feature groups. It also uploads the assets below the asset prefix and passes the
 * execution role and the offline-store roles to SageMaker.
 */
export function deployerNeeds(pipeline: Pipeline, groups: readonly FeatureGroup[], session: IamSession, definitionViaS3: boolean): AttributedNeed[] {
  const context = createIamContext(session, new FieldPath(['pipeline']), []);
  const pipelineArns = context.arn.sagemaker('pipeline', pipeline.name);
  const needs: AttributedNeed[] = [
    ...attribute(UPSERT, [
      {
        sid: 'DeployPipeline',
        actions: ['sagemaker:CreatePipeline', 'sagemaker:DescribePipeline', 'sagemaker:UpdatePipeline'],
        resources: pipelineArns,
        reason: 'upsert describes the pipeline, then creates it or updates its definition',
      },
      passRoleNeed([session.pipelineRoleArn], 'CreatePipeline and UpdatePipeline hand the execution role to SageMaker Pipelines'),
    ]),
  ];
  if (pipeline.props.tags !== undefined && Object.keys(pipeline.props.tags).length > 0) {
    needs.push(
      ...attribute(UPSERT, [
        {
          sid: 'TagPipeline',
          actions: ['sagemaker:AddTags', 'sagemaker:ListTags'],
          resources: pipelineArns,
          reason: 'upsert sends the pipeline tags with CreatePipeline, and compares and adds them with ListTags and AddTags on update',
        },
      ]),
    );
  }
  needs.push(
    ...attribute(START, [
      {
        sid: 'StartExecutions',
        actions: ['sagemaker:StartPipelineExecution'],
        resources: pipelineArns,
        reason: 'start begins a pipeline execution',
      },
      {
        sid: 'FollowExecutions',
        actions: ['sagemaker:DescribePipelineExecution', 'sagemaker:ListPipelineExecutionSteps'],
        resources: pipelineArns.map((arn) => `${arn}/execution/*`),
        reason: 'start --wait follows the execution and its steps until it ends',
        scope: 'execution ids are generated when an execution starts',
      },
    ]),
  );

  for (const group of groups) {
    needs.push(...attribute(UPSERT, featureGroupCreatorNeeds(context, group, 'upsert')));
    needs.push(
      ...attribute(UPSERT, [
        {
          sid: 'UpdateFeatureGroups',
          actions: ['sagemaker:UpdateFeatureGroup'],
          resources: context.arn.sagemaker('feature-group', group.name),
          reason: `upsert adds features that the declaration of '${group.name}' has and the deployed group lacks`,
        },
      ]),
    );
  }

  if (session.assets !== undefined) {
    const keyPrefix = assetKeyPrefix(session.assets.prefix);
    const location = { bucket: session.assets.bucket, keyPrefix, keyPattern: keyPrefix, exact: true };
    needs.push(
      ...attribute(UPSERT, [
        {
          sid: 'UploadAssets',
          actions: ['s3:PutObject'],
          resources: [context.arn.s3Object(location.bucket, `${keyPrefix}*`)],
          reason: 'upsert uploads the runtime bundle and the ingest configs to their content-addressed keys',
          scope: 'asset keys end with their content hash',
        },
        ...s3ReadNeeds(context, location, 'UploadAssets', 'upsert checks which content-addressed assets are already uploaded'),
      ]),
    );
    if (definitionViaS3) {
      // NOTE: upsert chooses the definition's key below the asset prefix, so this statement
      // cannot be narrower than the prefix.
      const prefix = session.assets.prefix === '' ? '' : `${session.assets.prefix}/`;
      needs.push(
        ...attribute(UPSERT, [
          {
            sid: 'UploadDefinition',
            actions: ['s3:GetObject', 's3:PutObject'],
            resources: [context.arn.s3Object(session.assets.bucket, `${prefix}*`)],
            reason: 'the definition is too large to send inline, so upsert uploads it below the asset prefix and passes its location',
            scope: 'upsert names the definition object below the asset prefix',
          },
        ]),
      );
    }
  }
  return needs;
}
