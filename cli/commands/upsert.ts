import { parseArgs } from 'node:util';
import { readArtifactFolder } from '../artifact-folder.js';
import type { Command } from '../command.js';
import { applyPlan } from '../deploy/apply.js';
import { AWS_OPTIONS, awsOptionsHelp, NODE_VERSION_HELP, openAwsSession } from '../deploy/aws-session.js';
import { toDeployError } from '../deploy/deploy-errors.js';
import { parseSeconds } from '../deploy/parse-seconds.js';
import { rejectPlaceholders } from '../deploy/placeholders.js';
import { buildPlan, planHasChanges, planIsBlocked } from '../deploy/plan.js';
import { planToJson, renderPlan } from '../deploy/render-plan.js';
import { createOutput, ExitCode, UsageError } from '../output.js';

const DEFAULT_WAIT_TIMEOUT_SECONDS = 900;

export const upsertCommand: Command = {
  name: 'upsert',
  usage: `Usage: sagepipe upsert <artifact-dir> [--dry-run] [--add-features] [--wait-timeout SECONDS]
                       [--json] [--region REGION] [--profile NAME] [--endpoint-url URL]
                       [--request-timeout SECONDS]

Deploys an artifact folder written by \`sagepipe compile\`, reading nothing but the folder:
  1. uploads each asset (runtime bundle, ingest configs) to its content-addressed S3 key,
     skipping those already there;
  2. creates each missing feature group from feature-groups/ and waits until it is Created;
     with --add-features, adds compiled features an existing group lacks (UpdateFeatureGroup,
     at most 100 per call);
  3. creates the pipeline, or updates it when DescribePipeline finds it. Definitions of
     100 KiB or more are uploaded under the asset prefix and passed as
     PipelineDefinitionS3Location. Tags go with CreatePipeline; changed tags of an existing
     pipeline go through AddTags.
Running it again on the same folder changes nothing and says so. Placeholder values left in
the config (ACCOUNT_ID, an example.com e-mail address) stop it before any AWS call, with or
without --dry-run. A feature group whose deployed schema differs from the compiled one in a
way upsert cannot change stops it before any change (see \`sagepipe plan --help\`).

Options:
  --dry-run                  Print the plan and change nothing (the same as \`sagepipe plan\`)
  --add-features             Add compiled features that an existing feature group lacks. Off by
                             default, because Feature Store can never remove a feature again
  --wait-timeout SECONDS     How long to wait for each new feature group to be Created.
                             Default: ${DEFAULT_WAIT_TIMEOUT_SECONDS}
  --json                     Print the result as JSON on stdout; progress goes to stderr
${awsOptionsHelp(29)}
  -h, --help                 Show this help

Credentials come from the standard AWS provider chain (environment, profile, SSO, web identity,
container or instance role). On a terminal, a status line names the AWS call being waited on.

Exit codes: 0 deployed, or nothing to change; 1 nothing was changed because of placeholder
values, a feature group in conflict or an invalid artifact folder; 2 bad usage; 3 an AWS call
failed, timed out or could not reach its endpoint, or a feature group ended CreateFailed or
was not Created within --wait-timeout.

${NODE_VERSION_HELP}`,

  async run(args) {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: { 'dry-run': { type: 'boolean', default: false }, 'add-features': { type: 'boolean', default: false }, 'wait-timeout': { type: 'string' }, json: { type: 'boolean', default: false }, ...AWS_OPTIONS },
    });
    if (positionals.length !== 1) {
      throw new UsageError(positionals.length === 0 ? 'missing the artifact folder' : `expected one artifact folder, got ${positionals.length}`);
    }
    const waitTimeout = parseSeconds(values['wait-timeout'], '--wait-timeout') ?? DEFAULT_WAIT_TIMEOUT_SECONDS;
    const output = createOutput(values.json);
    const folder = readArtifactFolder(positionals[0] as string);
    rejectPlaceholders(folder.manifest);

    const session = await openAwsSession(values, folder.manifest.pipeline.region);
    try {
      const plan = await buildPlan(folder, session, { addFeatures: values['add-features'] });
      if (values['dry-run']) {
        output.result(output.json ? JSON.stringify({ ok: !planIsBlocked(plan), dryRun: true, plan: planToJson(plan) }, null, 2) : `${renderPlan(plan)}Dry run: nothing was changed.`);
        return planIsBlocked(plan) ? ExitCode.failed : ExitCode.ok;
      }
      if (!planHasChanges(plan) && !planIsBlocked(plan)) {
        output.result(
          output.json
            ? JSON.stringify({ ok: true, changed: false, changes: [], plan: planToJson(plan) }, null, 2)
            : `No changes: ${plan.counts.unchanged} resource(s) of pipeline ${plan.pipelineName} are up to date in ${plan.region}.`,
        );
        return ExitCode.ok;
      }
      if (!output.json) {
        output.diagnostic(renderPlan(plan));
      }
      const changes = await applyPlan(plan, folder, session, { featureGroupTimeoutSeconds: waitTimeout, progress: (line) => output.diagnostic(line) });
      if (output.json) {
        output.result(JSON.stringify({ ok: true, changed: changes.length > 0, changes, plan: planToJson(plan) }, null, 2));
      } else {
        output.result(changes.map((change) => `${change.action} ${change.resource.replace('-', ' ')} ${change.name}${change.detail !== undefined ? ` (${change.detail})` : ''}`).join('\n'));
        output.result(`Deployed pipeline ${plan.pipelineName} to ${plan.region}: ${changes.length} change(s).`);
      }
      return ExitCode.ok;
    } catch (error) {
      throw toDeployError(error, session);
    } finally {
      session.destroy();
    }
  },
};
