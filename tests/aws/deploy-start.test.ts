import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type AwsEndpoint, endpointEnvironment, startAwsEndpoint } from '../support/aws-endpoint/index.js';
import { ChurnWorkspace } from '../support/churn-example.js';
import { runCliAsync } from '../support/child-process.js';

const PIPELINE = 'churn-training';
const DEFINITION = JSON.stringify({
  Version: '2020-12-01',
  Parameters: [
    { Name: 'InstanceType', DefaultValue: 'ml.m5.xlarge' },
    { Name: 'Epochs', Type: 'Integer', DefaultValue: 10 },
    { Name: 'LearningRate', Type: 'Float', DefaultValue: 0.1 },
    { Name: 'UseGpu', Type: 'Boolean', DefaultValue: false },
    { Name: 'Split', Type: 'String', DefaultValue: 'train', EnumValues: ['train', 'test'] },
  ],
  Steps: [
    { Name: 'Prepare', Type: 'Processing', Arguments: {} },
    { Name: 'Train', Type: 'Training', Arguments: {} },
  ],
});

interface Context {
  endpoint: AwsEndpoint;
  cli: (args: readonly string[]) => ReturnType<typeof runCliAsync>;
}

const start = suite<Context>('start');

start.before.each(async (context) => {
  context.endpoint = await startAwsEndpoint();
  context.endpoint.sagemaker.pipelines.seed(PIPELINE, DEFINITION);
  context.cli = (args) => runCliAsync(args, { env: endpointEnvironment(context.endpoint) });
});

start.after.each(async (context) => {
  await context.endpoint.close();
  assert.equal(context.endpoint.internalErrors, []);
});

start('wait follows a success', async ({ endpoint, cli }) => {
  const result = await cli(['start', PIPELINE, '--wait', '--poll-interval', '0.01', '--param', 'Epochs=007', '--param', 'UseGpu=TRUE', '--param', 'LearningRate=1e-3', '--display-name', 'nightly-run-7']);

  assert.is(result.status, 0, result.stderr);
  assert.equal(result.stdout.trim().split('\n'), [
    'execution: Executing',
    'step Prepare: Starting',
    'step Prepare: Executing',
    'step Prepare: Succeeded',
    'step Train: Starting',
    'step Train: Executing',
    'step Train: Succeeded',
    'execution: Succeeded',
  ]);
  const [call] = endpoint.callsTo('StartPipelineExecution');
  assert.equal(call?.input['PipelineParameters'], [
    { Name: 'Epochs', Value: '7' },
    { Name: 'UseGpu', Value: 'true' },
    { Name: 'LearningRate', Value: '0.001' },
  ]);
  assert.is(call?.input['PipelineExecutionDisplayName'], 'nightly-run-7');
});

start('wait reports a failure', async ({ endpoint, cli }) => {
  endpoint.sagemaker.pipelines.nextExecution({ outcome: 'Failed', failedStep: 'Train', failureReason: 'AlgorithmError: out of memory' });

  const result = await cli(['start', PIPELINE, '--wait', '--poll-interval', '0.01']);

  assert.is(result.status, 1);
  assert.match(result.stdout, 'step Prepare: Succeeded');
  assert.match(result.stdout, 'step Train: Failed (AlgorithmError: out of memory)');
  assert.match(result.stdout, 'execution: Failed (Step failure: step Train failed)');
  assert.match(result.stderr, 'execution Failed: Step failure: step Train failed');
  assert.match(result.stderr, '  step Train Failed: AlgorithmError: out of memory');
});

start('stopped execution exits non-zero', async ({ endpoint, cli }) => {
  endpoint.sagemaker.pipelines.nextExecution({ outcome: 'Stopped', failedStep: 'Prepare' });

  const result = await cli(['start', PIPELINE, '--wait', '--poll-interval', '0.01', '--json']);

  assert.is(result.status, 1);
  const output = JSON.parse(result.stdout) as { ok: boolean; status: string; steps: { name: string; status: string }[] };
  assert.is(output.ok, false);
  assert.is(output.status, 'Stopped');
  assert.equal(output.steps, [{ name: 'Prepare', status: 'Stopped' }]);
});

start('without wait prints the arn', async ({ endpoint, cli }) => {
  const result = await cli(['start', PIPELINE]);

  assert.is(result.status, 0, result.stderr);
  assert.match(result.stdout, /^started execution arn:aws:sagemaker:us-west-2:123456789012:pipeline\/churn-training\/execution\/[0-9a-f]{12}$/m);
  assert.is(endpoint.callsTo('DescribePipelineExecution').length, 0);
});

start('bad params rejected before the call', async ({ endpoint, cli }) => {
  const result = await cli(['start', PIPELINE, '--param', 'Epoch=3', '--param', 'Epochs=three', '--param', 'UseGpu=yes', '--param', 'Split=validation', '--param', 'noequals', '--json']);

  assert.is(result.status, 2);
  const output = JSON.parse(result.stdout) as { issues: { code: string; path: string; value: unknown; rule: string }[] };
  assert.equal(
    output.issues.map((issue) => [issue.code, issue.path]),
    [
      ['PARAM_UNKNOWN', '--param Epoch'],
      ['PARAM_WRONG_TYPE', '--param Epochs'],
      ['PARAM_WRONG_TYPE', '--param UseGpu'],
      ['PARAM_NOT_ALLOWED', '--param Split'],
      ['PARAM_INVALID_FORMAT', '--param'],
    ],
  );
  assert.match(output.issues[0]?.rule ?? '', 'declared parameters: InstanceType (String), Epochs (Integer), LearningRate (Float), UseGpu (Boolean), Split (String)');
  assert.is(endpoint.callsTo('StartPipelineExecution').length, 0);
});

start('integer digits are sent exactly', async ({ endpoint, cli }) => {
  const result = await cli(['start', PIPELINE, '--param', 'Epochs=+9007199254740993', '--param', 'LearningRate=+2.5']);

  assert.is(result.status, 0, result.stderr);
  const [call] = endpoint.callsTo('StartPipelineExecution');
  assert.equal(call?.input['PipelineParameters'], [
    { Name: 'Epochs', Value: '9007199254740993' },
    { Name: 'LearningRate', Value: '2.5' },
  ]);
});

start('display name checked before any call', async ({ endpoint, cli }) => {
  const result = await cli(['start', PIPELINE, '--display-name', 'nightly_run']);

  assert.is(result.status, 2);
  assert.match(result.stderr, 'DISPLAY_NAME_INVALID');
  assert.match(result.stderr, "invalid --display-name 'nightly_run'");
  assert.is(endpoint.calls.length, 0);
});

start('missing pipeline is reported', async ({ cli }) => {
  const result = await cli(['start', 'absent-pipeline']);

  assert.is(result.status, 1);
  assert.match(result.stderr, 'pipeline absent-pipeline was not found in us-west-2');
});

start('artifact folder supplies parameters', async ({ endpoint, cli }) => {
  endpoint.s3.createBucket('mlbucket-sagemaker');
  const workspace = new ChurnWorkspace();
  try {
    const folder = await workspace.compile();
    assert.is((await cli(['upsert', folder])).status, 0);
    const before = endpoint.calls.length;

    const result = await cli(['start', folder, '--param', 'ProcessingInstanceType=ml.m5.large', '--json']);

    assert.is(result.status, 0, result.stderr);
    const output = JSON.parse(result.stdout) as { executionArn: string; pipelineName: string };
    assert.is(output.pipelineName, 'feature-store-ingestion-pipeline');
    assert.equal(endpoint.sagemaker.pipelines.parametersOf(output.executionArn), [{ Name: 'ProcessingInstanceType', Value: 'ml.m5.large' }]);
    assert.equal(
      endpoint.calls.slice(before).map((call) => call.operation),
      ['StartPipelineExecution'],
    );
  } finally {
    workspace.remove();
  }
});

start.run();
