import { parseArgs } from 'node:util';
import { readArtifactFolder } from '../artifact-folder.js';
import type { Command } from '../command.js';
import { AWS_OPTIONS, awsOptionsHelp, NODE_VERSION_HELP, openAwsSession } from '../deploy/aws-session.js';
import { toDeployError } from '../deploy/deploy-errors.js';
import { rejectPlaceholders } from '../deploy/placeholders.js';
import { buildPlan, planIsBlocked } from '../deploy/plan.js';
import { planToJson, renderPlan } from '../deploy/render-plan.js';
import { createOutput, ExitCode, UsageError } from '../output.js';

export const planCommand: Command = {
  name: 'plan',
  usage: `Usage: sagepipe plan <artifact-dir> [--add-features] [--json] [--region REGION] [--profile NAME]
                     [--endpoint-url URL] [--request-timeout SECONDS]

Compares an artifact folder written by \`sagepipe compile\` with what is deployed and prints
the plan: for each asset, feature group and the pipeline, whether upsert would create it,
update it or leave it unchanged, with the changed fields of the pipeline definition as paths
such as Parameters[ProcessingInstanceType].DefaultValue. Makes read-only calls only:
DescribePipeline, ListTags, DescribeFeatureGroup and HeadObject. Placeholder values left in
the config (ACCOUNT_ID, an example.com e-mail address) stop it before any AWS call, as they
stop upsert.

Symbols: + create, ~ update, = unchanged, ! conflict (upsert would stop).
A feature group is in conflict when a compiled feature has another type than the deployed one,
the record identifier, event time or stores differ (Feature Store cannot change them), or the
group ended CreateFailed. Compiled features the group lacks are a conflict too, unless
--add-features plans to add them. Deployed features the declaration lacks are only listed.

Options:
  --add-features             Plan UpdateFeatureGroup for compiled features a deployed group lacks
  --json                     Print the plan as JSON on stdout
${awsOptionsHelp(29)}
  -h, --help                 Show this help

Credentials come from the standard AWS provider chain (environment, profile, SSO, web identity,
container or instance role). On a terminal, a status line names the AWS call being waited on.

Exit codes: 0 the plan can be applied (with or without changes), 1 upsert would refuse it
(a conflict or placeholder values) or the artifact folder is invalid, 2 bad usage,
3 an AWS call failed, timed out or could not reach its endpoint.

${NODE_VERSION_HELP}`,

  async run(args) {
    const { values, positionals } = parseArgs({ args: [...args], allowPositionals: true, options: { 'add-features': { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, ...AWS_OPTIONS } });
    if (positionals.length !== 1) {
      throw new UsageError(positionals.length === 0 ? 'missing the artifact folder' : `expected one artifact folder, got ${positionals.length}`);
    }
    const output = createOutput(values.json);
    const folder = readArtifactFolder(positionals[0] as string);
    rejectPlaceholders(folder.manifest);

    const session = await openAwsSession(values, folder.manifest.pipeline.region);
    try {
      const plan = await buildPlan(folder, session, { addFeatures: values['add-features'] });
      output.result(output.json ? JSON.stringify({ ok: !planIsBlocked(plan), plan: planToJson(plan) }, null, 2) : renderPlan(plan));
      return planIsBlocked(plan) ? ExitCode.failed : ExitCode.ok;
    } catch (error) {
      throw toDeployError(error, session);
    } finally {
      session.destroy();
    }
  },
};
