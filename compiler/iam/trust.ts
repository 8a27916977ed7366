import type { JsonObject } from '../../dsl/json.js';
import { type ArnBuilder, SAGEMAKER_SERVICE } from '../../steps/iam.js';
import type { DerivedRole } from './roles.js';

/** The OIDC provider of GitHub Actions and the audience its AWS credentials action requests. */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
export const GITHUB_OIDC_AUDIENCE = 'sts.amazonaws.com';

/** Stands for the repository in the deployer's trust policy until the user fills it in. */
export const GITHUB_SUBJECT_PLACEHOLDER = 'repo:<owner>/<repository>:ref:refs/heads/main';

/**
 * Builds the trust policy of a pipeline role. SageMaker may assume the role for this pipeline's
 * executions and the jobs its steps start, limited by `aws:SourceArn` and `aws:SourceAccount`. A
 * role that is also an offline-store role gets a second statement limited by the account only,
 * because Feature Store does not document which `aws:SourceArn` it sends.
 */
export function roleTrustPolicy(role: DerivedRole, arn: ArnBuilder): JsonObject {
  const statements: JsonObject[] = [];
  if (role.sourceArns.length > 0) {
    statements.push({
      Sid: 'AssumeForPipelineAndJobs',
      Effect: 'Allow',
      Principal: { Service: SAGEMAKER_SERVICE },
      Action: 'sts:AssumeRole',
      Condition: {
        ArnLike: { 'aws:SourceArn': [...role.sourceArns].sort() },
        StringEquals: { 'aws:SourceAccount': arn.account },
      },
    });
  }
  if (role.purposes.some((purpose) => purpose.kind === 'offline-store')) {
    statements.push({
      Sid: 'AssumeForOfflineStore',
      Effect: 'Allow',
      Principal: { Service: SAGEMAKER_SERVICE },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': arn.account } },
    });
  }
  return { Version: '2012-10-17', Statement: statements };
}

/**
 * Builds a trust policy template for the CI deployer: GitHub Actions workflows of one repository
 * and branch may assume the role through the account's GitHub OIDC provider. The repository is a
 * placeholder the user replaces.
 */
export function deployerTrustTemplate(arn: ArnBuilder): JsonObject {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AssumeFromGitHubActions',
        Effect: 'Allow',
        Principal: { Federated: `arn:${arn.partition}:iam::${arn.account}:oidc-provider/${GITHUB_OIDC_HOST}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
            [`${GITHUB_OIDC_HOST}:sub`]: GITHUB_SUBJECT_PLACEHOLDER,
          },
        },
      },
    ],
  };
}
