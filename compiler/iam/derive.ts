import type { JsonObject } from '../../dsl/json.js';
import type { Pipeline } from '../../dsl/pipeline.js';
import type { StepGraph } from '../graph.js';
import { type Issue, IssueCollector } from '../issues.js';
import { toPrettyJson } from '../json-text.js';
import type { ArtifactFile } from '../manifest.js';
import type { CompileSession } from '../render-context.js';
import { createArnBuilder, parseRoleArn } from './arns.js';
import type { IamSession } from './context.js';
import { deployerNeeds } from './deployer.js';
import { type LintDocument, lintDocuments } from './lint.js';
import { pipelineFlowchart } from './mermaid.js';
import { type RoleReview, renderReview } from './review.js';
import { collectRoles, type DerivedRole, featureGroupsOf, type RolePurpose, stepsInOrder } from './roles.js';
import { buildStatements, identityPolicyJson, type PolicyStatement } from './statements.js';
import { deployerTrustTemplate, roleTrustPolicy } from './trust.js';

/** The IAM artifacts of a pipeline and the issues found deriving and linting them. */
export interface IamArtifacts {
  /** Policy, trust and review files for the artifact folder. */
  readonly files: readonly ArtifactFile[];
  /** The review page, also returned when lint errors stop the compile. */
  readonly review: string;
  /** Derivation warnings and lint findings, in that order. */
  readonly issues: readonly Issue[];
}

export const DEPLOYER = 'deployer';

/**
 * Derives the IAM documents of a compiled pipeline and lints them. It writes one policy per role
 * (the union of its purposes), a trust policy per role, the CI deployer's policy and trust
 * template, and the review page. Returns undefined, with a warning in `issues`, when the pipeline
 * sets no Region or no valid role, because ARNs cannot be built without them.
 */
export function deriveIam(
  pipeline: Pipeline,
  graph: StepGraph,
  session: CompileSession,
  issues: IssueCollector,
  options: { readonly definitionViaS3: boolean },
): IamArtifacts | undefined {
  const region = pipeline.props.region;
  const roleArn = pipeline.props.roleArn;
  const role = roleArn === undefined ? undefined : parseRoleArn(roleArn);
  if (region === undefined || roleArn === undefined || role === undefined) {
    issues.warning('IAM_NOT_DERIVED', 'pipeline', 'no IAM documents are written, because the pipeline sets no Region or no valid role ARN', {
      value: { region: region ?? null, roleArn: roleArn ?? null },
      rule: 'IAM ARNs are built from the Region and the account of the pipeline role ARN',
      fix: 'set region and roleArn (arn:<partition>:iam::<account>:role/<name>) on the pipeline',
    });
    return undefined;
  }

  const found = new IssueCollector();
  const iam: IamSession = {
    arn: createArnBuilder(region, role.account),
    pipelineName: pipeline.name,
    pipelineRoleArn: roleArn,
    sagepipeVersion: session.sagepipeVersion,
    assets: session.assetBucket === undefined ? undefined : { bucket: session.assetBucket, prefix: session.assetPrefix },
    issues: found,
    notes: [],
  };
  if (pipeline.props.experimentConfig !== null) {
    // NOTE: SageMaker does not document whether experiment tracking creates its experiment,
    // trial and trial components with the execution role, so no such actions are emitted.
    iam.notes.push(
      'The pipeline records its executions as SageMaker experiments (PipelineExperimentConfig). Whether SageMaker creates the experiment, trial and trial components with the execution role is not documented, so no experiment actions are granted; set experimentConfig: null to turn tracking off if executions fail on them.',
    );
  }

  const roles = collectRoles(pipeline, graph, iam);
  const steps = stepsInOrder(graph);
  const groups = featureGroupsOf(pipeline, steps);
  const fileNames = roleFileNames(roles);
  const files: ArtifactFile[] = [];
  const lintInput: LintDocument[] = [];
  const reviews: RoleReview[] = [];
  const encoder = new TextEncoder();

  const addDocument = (path: string, role: ArtifactFile['role'], iamRole: string, document: JsonObject, kind: LintDocument['kind']): void => {
    files.push({ path, role, iamRole, content: encoder.encode(toPrettyJson(document)) });
    lintInput.push({ file: path, kind, document });
  };

  for (const derived of roles) {
    const base = `iam/role-${fileNames.get(derived.arn)}`;
    const statements = buildStatements(derived.needs);
    const policyFile = statements.length > 0 ? `${base}.policy.json` : undefined;
    if (policyFile !== undefined) {
      addDocument(policyFile, 'iam-policy', derived.arn, identityPolicyJson(statements), 'identity');
    }
    const trust = roleTrustPolicy(derived, iam.arn);
    addDocument(`${base}.trust.json`, 'iam-trust-policy', derived.arn, trust, 'trust');
    reviews.push({
      name: parseRoleArn(derived.arn)?.name ?? derived.arn,
      arn: derived.arn,
      purposes: derived.purposes.map(describePurpose),
      policyFile,
      trustFile: `${base}.trust.json`,
      trustJson: toPrettyJson(trust).trimEnd(),
      statements,
      passes: passedRoles(statements),
      accountWideTrust: derived.sourceArns.length > 0 && derived.purposes.some((purpose) => purpose.kind === 'offline-store'),
    });
  }

  const deployerStatements = buildStatements(deployerNeeds(pipeline, groups, iam, options.definitionViaS3));
  const deployerTrust = deployerTrustTemplate(iam.arn);
  addDocument('iam/deployer.policy.json', 'iam-policy', DEPLOYER, identityPolicyJson(deployerStatements), 'identity');
  addDocument('iam/deployer.trust.json', 'iam-trust-policy', DEPLOYER, deployerTrust, 'trust');

  const findings = lintDocuments(lintInput);
  const review = renderReview({
    pipelineName: pipeline.name,
    sagepipeVersion: session.sagepipeVersion,
    partition: iam.arn.partition,
    region,
    account: role.account,
    mermaid: pipelineFlowchart(graph, jobRoleNames(roles)),
    roles: reviews,
    deployer: {
      policyFile: 'iam/deployer.policy.json',
      trustFile: 'iam/deployer.trust.json',
      trustJson: toPrettyJson(deployerTrust).trimEnd(),
      statements: deployerStatements,
    },
    findings,
    gaps: found.all,
    notes: iam.notes,
  });
  files.push({ path: 'iam/review.md', role: 'iam-review', content: encoder.encode(review) });

  return { files, review, issues: [...found.all, ...findings] };
}

function describePurpose(purpose: RolePurpose): string {
  switch (purpose.kind) {
    case 'pipeline':
      return 'pipeline execution role';
    case 'job':
      return `job role of ${purpose.stepType} step '${purpose.step}'`;
    case 'offline-store':
      return `offline-store role of feature group '${purpose.featureGroup}'`;
  }
}

function passedRoles(statements: readonly PolicyStatement[]): string[] {
  return [...new Set(statements.filter((statement) => statement.actions.includes('iam:PassRole')).flatMap((statement) => statement.resources))].sort();
}

/**
 * Names each role's files after the role, with characters other than letters, digits, `.`, `_`
 * and `-` replaced. A number is added when two roles share a name (other path or account).
 */
function roleFileNames(roles: readonly DerivedRole[]): Map<string, string> {
  const names = new Map<string, string>();
  const used = new Map<string, number>();
  for (const derived of roles) {
    const base = (parseRoleArn(derived.arn)?.name ?? 'role').replace(/[^A-Za-z0-9._-]/g, '-');
    const count = (used.get(base) ?? 0) + 1;
    used.set(base, count);
    names.set(derived.arn, count === 1 ? base : `${base}-${count}`);
  }
  return names;
}

/** Maps each job step's name to the name of the role its job runs as, for the graph picture. */
function jobRoleNames(roles: readonly DerivedRole[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const derived of roles) {
    for (const purpose of derived.purposes) {
      if (purpose.kind === 'job') {
        names.set(purpose.step, parseRoleArn(derived.arn)?.name ?? derived.arn);
      }
    }
  }
  return names;
}
