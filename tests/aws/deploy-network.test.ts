import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type AwsEndpoint, endpointEnvironment, startAwsEndpoint, urlEnvironment } from '../support/aws-endpoint/index.js';
import { ChurnWorkspace } from '../support/churn-example.js';
import { runCliAsync } from '../support/child-process.js';
import { closedPortUrl, startSilentServer } from '../support/silent-server.js';

const BUCKET = 'mlbucket-sagemaker';

interface Context {
  endpoint: AwsEndpoint;
  workspace: ChurnWorkspace;
  folder: string;
}

const network = suite<Context>('deploy network failures');

// Every test reads the same artifact folder and changes nothing in it, so it is compiled once.
network.before(async (context) => {
  context.workspace = new ChurnWorkspace();
  context.folder = await context.workspace.compile();
});

network.after((context) => {
  context.workspace.remove();
});

network.before.each(async (context) => {
  context.endpoint = await startAwsEndpoint();
  context.endpoint.s3.createBucket(BUCKET);
});

network.after.each(async (context) => {
  await context.endpoint.close();
  assert.equal(context.endpoint.internalErrors, []);
});

network('plan times out on silent endpoint', async ({ folder }) => {
  const silent = await startSilentServer();
  try {
    const result = await runCliAsync(['plan', folder, '--request-timeout', '0.3'], { env: urlEnvironment(silent.url) });

    assert.is(result.status, 3);
    assert.match(result.stderr, `sagepipe plan: HeadObject failed for s3://${BUCKET}/`);
    assert.match(result.stderr, `: could not reach ${silent.url}: the request timed out (3 attempts)`);
    assert.match(result.stderr, `  fix: check --endpoint-url and AWS_ENDPOINT_URL (AWS_ENDPOINT_URL is ${silent.url}), the network or proxy, and the Region (us-west-2)`);
    assert.match(result.stderr, 'raise --request-timeout (now 0.3 s)');
    assert.not.match(result.stderr, '    at ');
    assert.is(silent.connections(), 3);
  } finally {
    await silent.close();
  }
});

network('start times out on silent endpoint', async () => {
  const silent = await startSilentServer();
  try {
    const result = await runCliAsync(['start', 'churn-training', '--request-timeout', '0.3', '--endpoint-url', silent.url], { env: urlEnvironment(silent.url) });

    assert.is(result.status, 3);
    assert.match(result.stderr, `sagepipe start: DescribePipeline failed for pipeline churn-training: could not reach ${silent.url}: the request timed out (3 attempts)`);
    assert.match(result.stderr, `(--endpoint-url is ${silent.url})`);
    assert.is(silent.connections(), 3);
  } finally {
    await silent.close();
  }
});

network('refused connection names the endpoint', async ({ folder }) => {
  const url = await closedPortUrl();

  const result = await runCliAsync(['plan', folder], { env: urlEnvironment(url) });

  assert.is(result.status, 3);
  assert.match(result.stderr, `could not reach ${url}: connection refused (ECONNREFUSED, 3 attempts)`);
  assert.match(result.stderr, '  fix: check --endpoint-url and AWS_ENDPOINT_URL');
  assert.not.match(result.stderr, 'Unknown');
  assert.not.match(result.stderr, '    at ');
});

network('bodiless 403 is access denied', async ({ endpoint, folder }) => {
  // S3 responds to HeadObject on a missing key with a bodiless 403 when the caller lacks s3:ListBucket.
  endpoint.faults.inject({ operation: 'HeadObject', error: { status: 403, code: 'AccessDenied' } });

  const result = await runCliAsync(['plan', folder], { env: endpointEnvironment(endpoint) });

  assert.is(result.status, 3);
  assert.match(result.stderr, /HeadObject failed for s3:\/\/mlbucket-sagemaker\/\S+: access denied \(HTTP 403\)\n/);
  assert.match(result.stderr, "  fix: grant the deployer's IAM role s3:GetObject and s3:PutObject on the asset prefix and s3:ListBucket on the asset bucket.");
  assert.match(result.stderr, 'iam/deployer.policy.json; docs/iam.md explains it');
  assert.not.match(result.stderr, 'Unknown');
});

network('unmodelled 502 shows the status', async ({ folder }) => {
  const proxy = createServer((request, response) => {
    request.resume();
    response.writeHead(502, { 'content-type': 'text/html' });
    response.end(request.method === 'HEAD' ? undefined : '<html><body>Bad Gateway</body></html>');
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  try {
    const result = await runCliAsync(['plan', folder], { env: urlEnvironment(url) });

    assert.is(result.status, 3);
    assert.match(result.stderr, ': HTTP 502 without an error code (3 attempts)');
    assert.match(result.stderr, '  fix: the service, or a proxy in between, failed; run the command again later');
    assert.not.match(result.stderr, 'Unknown');
  } finally {
    proxy.closeAllConnections();
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
  }
});

network('service error shows the status', async ({ endpoint, folder }) => {
  endpoint.faults.inject({ operation: 'DescribePipeline', error: { status: 400, code: 'AccessDeniedException', message: 'not authorized to perform sagemaker:DescribePipeline' } });

  const result = await runCliAsync(['plan', folder], { env: endpointEnvironment(endpoint) });

  assert.is(result.status, 3);
  assert.match(result.stderr, 'DescribePipeline failed for pipeline feature-store-ingestion-pipeline: AccessDeniedException: not authorized to perform sagemaker:DescribePipeline (HTTP 400)');
});

network('no sdk node version warning', async ({ endpoint, folder }) => {
  // An empty value leaves the SDK's warning on: the SDK turns it off only for "true".
  const environment = { ...endpointEnvironment(endpoint), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: '' };

  const planned = await runCliAsync(['plan', folder], { env: environment });
  const rejected = await runCliAsync(['start', folder, '--param', 'Unknown=1'], { env: environment });

  assert.is(planned.status, 0, planned.stderr);
  assert.not.match(planned.stderr, 'NodeVersionSupportWarning');
  assert.is(rejected.status, 2);
  assert.not.match(rejected.stderr, 'NodeVersionSupportWarning');
});

network('sdk warning stays when asked for', async ({ endpoint, folder }) => {
  const environment = { ...endpointEnvironment(endpoint), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false' };

  const planned = await runCliAsync(['plan', folder], { env: environment });

  assert.is(planned.status, 0, planned.stderr);
  // The SDK warns on Node.js versions below 22 only.
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 22) {
    assert.match(planned.stderr, 'NodeVersionSupportWarning');
  } else {
    assert.not.match(planned.stderr, 'NodeVersionSupportWarning');
  }
});

network.run();

const placeholders = suite<{ endpoint: AwsEndpoint; workspace: ChurnWorkspace }>('placeholders before any call');

placeholders.before.each(async (context) => {
  context.endpoint = await startAwsEndpoint();
  context.workspace = new ChurnWorkspace(false);
});

placeholders.after.each(async (context) => {
  context.workspace.remove();
  await context.endpoint.close();
});

placeholders('plan and dry run reject them', async ({ endpoint, workspace }) => {
  const folder = await workspace.compile();
  const cli = (args: readonly string[]) => runCliAsync(args, { env: endpointEnvironment(endpoint) });

  const planned = await cli(['plan', folder]);
  const dryRun = await cli(['upsert', folder, '--dry-run']);
  const upserted = await cli(['upsert', folder]);

  assert.is(planned.status, 1);
  assert.is(dryRun.status, 1);
  assert.is(upserted.status, 1);
  assert.is(endpoint.calls.length, 0);
  assert.match(planned.stderr, /^sagepipe plan: the artifact folder still contains \d+ placeholder value\(s\); nothing was deployed\n/);
  assert.match(planned.stderr, 'error PLACEHOLDER_VALUE at config.role_arn');
  assert.is(planned.stderr.replace('sagepipe plan:', 'sagepipe upsert:'), upserted.stderr);
  assert.is(dryRun.stderr, upserted.stderr);
});

placeholders.run();
