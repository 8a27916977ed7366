import Handlebars from 'handlebars';
import type { Issue } from '../issues.js';
import { ACTION_DATA_SOURCE } from './action-data.js';
import type { PolicyStatement } from './statements.js';

/** A statement as the review page shows it. */
interface StatementView {
  readonly sid: string;
  readonly actions: string;
  readonly resources: string;
  readonly condition: string | undefined;
  readonly neededBy: string;
  readonly reasons: readonly string[];
  readonly scopes: readonly string[];
}

/** One role section of the review page. */
export interface RoleReview {
  readonly name: string;
  readonly arn: string;
  /** The role's uses, such as `pipeline execution role`. */
  readonly purposes: readonly string[];
  readonly policyFile: string | undefined;
  readonly trustFile: string;
  readonly trustJson: string;
  readonly statements: readonly PolicyStatement[];
  /** Roles this role may pass to SageMaker. */
  readonly passes: readonly string[];
  /** True when an offline-store statement of the trust policy admits SageMaker for any resource of the account. */
  readonly accountWideTrust: boolean;
}

/** Everything the review page shows. */
export interface ReviewInput {
  readonly pipelineName: string;
  readonly sagepipeVersion: string;
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly mermaid: string;
  readonly roles: readonly RoleReview[];
  readonly deployer: { readonly policyFile: string; readonly trustFile: string; readonly trustJson: string; readonly statements: readonly PolicyStatement[] };
  readonly findings: readonly Issue[];
  readonly gaps: readonly Issue[];
  readonly notes: readonly string[];
}

const code = (text: string): string => `\`${text}\``;

function viewStatement(statement: PolicyStatement): StatementView {
  return {
    sid: statement.sid,
    actions: statement.actions.map(code).join(', '),
    resources: statement.resources.map(code).join(', '),
    condition: statement.conditions === undefined ? undefined : code(JSON.stringify(statement.conditions)),
    neededBy: statement.neededBy.join(', '),
    reasons: statement.reasons,
    scopes: statement.scopes,
  };
}

const TEMPLATE = `# IAM review: {{pipelineName}}

sagepipe {{sagepipeVersion}} derived these documents from the compiled pipeline: partition {{mono partition}}, Region {{mono region}}, account {{mono account}} (from the pipeline role ARN). Every action and resource was checked against the IAM reference data ({{dataSource}}).
{{#if accountPlaceholder}}

> The account {{mono account}} is not a 12-digit account id. Set the real role ARN in the config before you create these roles.
{{/if}}

## Pipeline graph

\`\`\`mermaid
{{{mermaid}}}
\`\`\`

## Roles

| Role | Used as | Policy | Trust policy |
| --- | --- | --- | --- |
{{#each roles}}
| {{mono name}} | {{join purposes "; "}} | {{#if policyFile}}{{mono policyFile}}{{else}}none{{/if}} | {{mono trustFile}} |
{{/each}}
| deployer (CI) | deploys and starts the pipeline | {{mono deployer.policyFile}} | {{mono deployer.trustFile}} (template) |

## Lint findings

{{#if findings}}
{{#each findings}}
- **{{severity}} {{code}}** at {{mono path}}: {{message}}. Fix: {{fix}}
{{/each}}
{{else}}
The lint found no problems in these documents.
{{/if}}
{{#each roles}}

## Role {{mono name}}

ARN {{mono arn}}, used as {{join purposes "; "}}.
{{#if shared}}

This role serves {{purposes.length}} purposes, so its policy is the union of what each of them needs, and its trust policy admits each caller. Separate roles per purpose would keep each job from using the others' permissions.
{{/if}}
{{#if accountWideTrust}}

Its trust policy also admits SageMaker on behalf of any resource in the account (statement \`AssumeForOfflineStore\`), because Feature Store does not document the aws:SourceArn it sends. That statement makes the aws:SourceArn limit of the pipeline and job statement ineffective; a separate offline-store role keeps it effective.
{{/if}}
{{#if passes}}

It can pass {{#each passes}}{{mono this}}{{#unless @last}}, {{/unless}}{{/each}} to SageMaker, and whoever can start a job with a passed role acts with that role's permissions.
{{/if}}
{{#each statements}}

{{> statement}}
{{/each}}

Trust policy ({{mono trustFile}}):

\`\`\`json
{{{trustJson}}}
\`\`\`
{{/each}}

## Resources that are "*"

{{#if starStatements}}
IAM accepts only "*" for these actions, because they take no resource.

{{#each starStatements}}
- {{mono file}} statement {{mono sid}} ({{{actions}}}): {{scope}}
{{/each}}
{{else}}
No statement uses "*" as a resource.
{{/if}}

## Deployer (CI)

The CI role that runs \`sagepipe upsert\` and \`sagepipe start\`. Its trust policy is a template for GitHub Actions: replace {{mono "<owner>/<repository>"}} and the branch in the \`sub\` condition before you create the role.
{{#each deployer.statements}}

{{> statement}}
{{/each}}

Trust policy ({{mono deployer.trustFile}}):

\`\`\`json
{{{deployer.trustJson}}}
\`\`\`

## Not derived

{{#if gaps}}
sagepipe could not derive these permissions; grant them outside sagepipe or change the pipeline as the fix says.

{{#each gaps}}
- {{mono code}} at {{mono path}}: {{message}}. Fix: {{fix}}
{{/each}}
{{else}}
Every permission the steps declare was derived.
{{/if}}
{{#if notes}}

## Notes

{{#each notes}}
- {{this}}
{{/each}}
{{/if}}
`;

/** One policy statement; roles and the deployer list theirs the same way. */
const STATEMENT_PARTIAL = `### {{mono sid}}

- Actions: {{{actions}}}
- Resources: {{{resources}}}
{{#if condition}}
- Condition: {{{condition}}}
{{/if}}
- Needed by: {{neededBy}}
{{#each reasons}}
- Why: {{this}}
{{/each}}
{{#each scopes}}
- Wildcard: {{this}}
{{/each}}
`;

const handlebars = Handlebars.create();
handlebars.registerPartial('statement', STATEMENT_PARTIAL);
handlebars.registerHelper('mono', (text: unknown) => code(String(text)));
handlebars.registerHelper('join', (items: unknown, separator: unknown) => (Array.isArray(items) ? items.join(String(separator)) : ''));
const render = handlebars.compile(TEMPLATE, { noEscape: true, strict: true });

/** Lists the statements with a "*" resource, with their document and the reason for the "*". */
function starStatements(input: ReviewInput): { file: string; sid: string; actions: string; scope: string }[] {
  const documents = [
    ...input.roles.map((role) => ({ file: role.policyFile ?? '', statements: role.statements })),
    { file: input.deployer.policyFile, statements: input.deployer.statements },
  ];
  return documents.flatMap((document) =>
    document.statements
      .filter((statement) => statement.resources.includes('*'))
      .map((statement) => ({ file: document.file, sid: statement.sid, actions: statement.actions.map(code).join(', '), scope: statement.scopes.join('; ') })),
  );
}

/** Renders the review page: roles, every statement with who needs it and why, trust, findings and gaps. */
export function renderReview(input: ReviewInput): string {
  const text = render({
    ...input,
    starStatements: starStatements(input),
    dataSource: `${ACTION_DATA_SOURCE.dataUpdated}`,
    accountPlaceholder: !/^\d{12}$/.test(input.account),
    findings: input.findings.map((issue) => ({ ...issue, fix: issue.fix ?? '' })),
    gaps: input.gaps.map((issue) => ({ ...issue, fix: issue.fix ?? '' })),
    roles: input.roles.map((role) => ({ ...role, shared: role.purposes.length > 1, statements: role.statements.map(viewStatement) })),
    deployer: { ...input.deployer, statements: input.deployer.statements.map(viewStatement) },
  });
  return `${text.replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
