import { existsSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { systemClock } from '../../runtime/ports.js';
import { readArtifactFolder } from '../artifact-folder.js';
import type { Command } from '../command.js';
import { AWS_OPTIONS, awsOptionsHelp, NODE_VERSION_HELP, openAwsSession } from '../deploy/aws-session.js';
import { toDeployError } from '../deploy/deploy-errors.js';
import { parseSeconds } from '../deploy/parse-seconds.js';
import { PipelineService } from '../deploy/pipeline-service.js';
import { checkDisplayName, checkParameters, declaredParameters, type ExecutionEvent, followExecution, type PipelineParameterValue } from '../deploy/start-execution.js';
import { createOutput, ExitCode, UsageError, UserError } from '../output.js';

const PIPELINE_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$/;
const DEFAULT_POLL_SECONDS = 10;

export const startCommand: Command = {
  name: 'start',
  usage: `Usage: sagepipe start <artifact-dir | pipeline-name> [--param Name=Value]... [--display-name NAME]
                      [--description TEXT] [--wait] [--poll-interval SECONDS] [--timeout SECONDS]
                      [--json] [--region REGION] [--profile NAME] [--endpoint-url URL]
                      [--request-timeout SECONDS]

Starts an execution of a deployed pipeline. Given an artifact folder, the pipeline name and
its declared parameters come from manifest.json, and the --param values are checked before
any AWS call; given a pipeline name, they come from DescribePipeline. Every --param is checked
before the execution starts, with the same rules as \`sagepipe run --local\`: the name must be
declared, and a parameter without a default must be given. The value must match the type:
  Integer  an optional sign and decimal digits, signed 64-bit (-9223372036854775808 to
           9223372036854775807); sent in decimal without leading zeros (+007 becomes 7)
  Float    a decimal number with an optional fraction and exponent, finite as a 64-bit
           float; no hexadecimal, Infinity or NaN. Sent in JavaScript's shortest form
           (1e-3 becomes 0.001)
  Boolean  true or false in any letter case; sent as true or false
  String   any text, sent as given
Values must be among the parameter's allowed values when it lists them, and at most 1024
characters long.

Options:
  --param Name=Value         A pipeline parameter; repeat for several. Undeclared names and
                             values of the wrong type are rejected
  --display-name NAME        Execution display name: 1-82 letters, digits and inner hyphens
  --description TEXT         Execution description, at most 3072 characters
  --wait                     Follow the execution: print each status change of the execution
                             and of its steps, and exit when it ends
  --poll-interval SECONDS    Seconds between polls with --wait. Default: ${DEFAULT_POLL_SECONDS}
  --timeout SECONDS          Stop waiting after this many seconds (the execution goes on).
                             Default: no limit
  --json                     Print the result as JSON on stdout; with --wait, progress goes
                             to stderr
${awsOptionsHelp(29)}
  -h, --help                 Show this help

On a terminal, a status line names the AWS call being waited on.

Exit codes: 0 started (or, with --wait, Succeeded); 1 the pipeline was not found, or with
--wait the execution Failed or was Stopped, or --timeout passed; 2 bad usage, including an
invalid --param or --display-name; 3 an AWS call failed, timed out or could not reach its
endpoint.

${NODE_VERSION_HELP}`,

  async run(args) {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        param: { type: 'string', multiple: true, default: [] },
        'display-name': { type: 'string' },
        description: { type: 'string' },
        wait: { type: 'boolean', default: false },
        'poll-interval': { type: 'string' },
        timeout: { type: 'string' },
        json: { type: 'boolean', default: false },
        ...AWS_OPTIONS,
      },
    });
    if (positionals.length !== 1) {
      throw new UsageError(positionals.length === 0 ? 'missing the artifact folder or pipeline name' : `expected one artifact folder or pipeline name, got ${positionals.length}`);
    }
    const target = positionals[0] as string;
    const pollSeconds = parseSeconds(values['poll-interval'], '--poll-interval') ?? DEFAULT_POLL_SECONDS;
    const timeoutSeconds = parseSeconds(values.timeout, '--timeout') ?? 0;
    const description = values.description;
    if (description !== undefined && description.length > 3072) {
      throw new UserError(`--description has ${description.length} characters; StartPipelineExecution takes at most 3072`, ExitCode.usage);
    }
    checkDisplayName(values['display-name']);
    const output = createOutput(values.json);

    const isFolder = existsSync(target) && statSync(target).isDirectory();
    const folder = isFolder ? readArtifactFolder(target) : undefined;
    if (folder === undefined && !PIPELINE_NAME.test(target)) {
      throw new UserError(`'${target}' is neither an artifact folder nor a valid pipeline name (letters, digits and inner hyphens)`, ExitCode.usage);
    }
    const pipelineName = folder?.manifest.pipeline.name ?? target;
    // A folder declares its parameters, so bad values are rejected before any AWS call.
    const folderParameters = folder !== undefined ? checkParameters(values.param, folder.manifest.pipeline.parameters) : undefined;

    const session = await openAwsSession(values, folder?.manifest.pipeline.region);
    const service = new PipelineService(session.sagemaker);
    try {
      let parameters: PipelineParameterValue[];
      if (folderParameters !== undefined) {
        parameters = folderParameters;
      } else {
        const deployed = await service.describe(pipelineName);
        if (deployed === undefined) {
          throw new UserError(`pipeline ${pipelineName} was not found in ${session.region}; deploy it with \`sagepipe upsert\` first`, ExitCode.failed);
        }
        parameters = checkParameters(values.param, declaredParameters(JSON.parse(deployed.PipelineDefinition ?? '{}')));
      }

      const executionArn = await service.start({
        PipelineName: pipelineName,
        ...(parameters.length > 0 ? { PipelineParameters: parameters.map((parameter) => ({ ...parameter })) } : {}),
        ...(values['display-name'] !== undefined ? { PipelineExecutionDisplayName: values['display-name'] } : {}),
        ...(description !== undefined ? { PipelineExecutionDescription: description } : {}),
      });
      if (!values.wait) {
        output.result(output.json ? JSON.stringify({ ok: true, pipelineName, executionArn, parameters }, null, 2) : `started execution ${executionArn}`);
        return ExitCode.ok;
      }

      output.diagnostic(`started execution ${executionArn}`);
      const outcome = await followExecution(service, executionArn, {
        pollIntervalMs: pollSeconds * 1000,
        timeoutMs: timeoutSeconds * 1000,
        clock: systemClock,
        onEvent: (event) => (output.json ? output.diagnostic(describeEvent(event)) : output.result(describeEvent(event))),
      });
      const succeeded = outcome.status === 'Succeeded';
      if (output.json) {
        output.result(JSON.stringify({ ok: succeeded, pipelineName, executionArn, parameters, ...outcome }, null, 2));
      } else if (outcome.timedOut) {
        output.diagnostic(`stopped waiting after ${timeoutSeconds} s; execution ${executionArn} is still ${outcome.status}`);
      } else if (!succeeded) {
        output.diagnostic(`execution ${outcome.status}${outcome.failureReason !== undefined ? `: ${outcome.failureReason}` : ''}`);
        for (const step of outcome.steps.filter((candidate) => candidate.failureReason !== undefined)) {
          output.diagnostic(`  step ${step.name} ${step.status}: ${step.failureReason}`);
        }
      }
      return succeeded ? ExitCode.ok : ExitCode.failed;
    } catch (error) {
      throw toDeployError(error, session);
    } finally {
      session.destroy();
    }
  },
};

function describeEvent(event: ExecutionEvent): string {
  const reason = event.failureReason !== undefined ? ` (${event.failureReason})` : '';
  return event.kind === 'execution' ? `execution: ${event.status}${reason}` : `step ${event.name}: ${event.status}${reason}`;
}
