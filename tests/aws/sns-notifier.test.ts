import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AwsCallError } from '../../runtime/aws/errors.js';
import { fitSubject, SnsNotifier } from '../../runtime/aws/sns-notifier.js';
import { buildFailureNotification } from '../../runtime/notification.js';
import { type AwsEndpoint, clientConfig, startAwsEndpoint } from '../support/aws-endpoint/index.js';

const TOPIC = 'arn:aws:sns:us-west-2:123456789012:ml-model-pipeline-failures';

interface Context {
  endpoint: AwsEndpoint;
  sns: SNSClient;
  notifier: SnsNotifier;
}

const sns = suite<Context>('sns notifier');

sns.before.each(async (context) => {
  context.endpoint = await startAwsEndpoint();
  context.endpoint.sns.createTopic(TOPIC);
  context.sns = new SNSClient(clientConfig(context.endpoint));
  context.notifier = new SnsNotifier(context.sns, TOPIC);
});

sns.after.each(async (context) => {
  context.sns.destroy();
  await context.endpoint.close();
  assert.equal(context.endpoint.internalErrors, []);
});

function details(title: string, error = 'the query failed') {
  return { title, pipelineName: 'feature-store-ingestion-pipeline', stepName: 'IngestToFeatureStore', processingJobName: 'pipelines-abc123-IngestToFeatureStore-x1', error };
}

sns('endpoint rejects a 100 character subject', async ({ sns: client }) => {
  const error = (await client.send(new PublishCommand({ TopicArn: TOPIC, Subject: 'x'.repeat(100), Message: 'body' })).catch((caught: unknown) => caught)) as Error;

  assert.is(error.name, 'InvalidParameterException');
  assert.is((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode, 400);
});

sns('churn subject is sent as built', async ({ endpoint, notifier }) => {
  await notifier.notify(buildFailureNotification(details('Feature Store Ingestion - Churn Classification')));

  const [published] = endpoint.sns.published;
  assert.is(published?.subject, '[SageMaker Pipeline Failed] Feature Store Ingestion - Churn Classification');
  assert.is(published?.topicArn, TOPIC);
  assert.match(published?.message ?? '', 'Step: IngestToFeatureStore');
  assert.match(published?.message ?? '', 'Processing job: pipelines-abc123-IngestToFeatureStore-x1');
  assert.match(published?.message ?? '', '/aws/sagemaker/ProcessingJobs');
});

sns('long subject is cut under 100', async ({ endpoint, notifier }) => {
  await notifier.notify({ subject: `[SageMaker Pipeline Failed] ${'Very long title '.repeat(12)}`, body: 'details' });

  const subject = endpoint.sns.published[0]?.subject ?? '';
  assert.is([...subject].length, 99);
  assert.ok(subject.endsWith('…'));
  assert.ok(subject.startsWith('[SageMaker Pipeline Failed] Very long title'));
});

sns('line breaks leave the subject', async ({ endpoint, notifier }) => {
  await notifier.notify({ subject: 'Ingest\nfailed\r\tnow', body: 'details' });

  assert.is(endpoint.sns.published[0]?.subject, 'Ingest failed now');
});

sns('oversized body is cut to 256 KiB', async ({ endpoint, notifier }) => {
  const notification = buildFailureNotification(details('Churn', 'é'.repeat(200_000)));
  assert.ok(Buffer.byteLength(notification.body, 'utf8') <= 262_144);

  await notifier.notify({ subject: notification.subject, body: `${notification.body}${'x'.repeat(300_000)}` });

  const message = endpoint.sns.published[0]?.message ?? '';
  assert.ok(Buffer.byteLength(message, 'utf8') <= 262_144);
  assert.match(message, 'message truncated');
});

sns('missing topic fails with the operation', async ({ endpoint }) => {
  const client = new SNSClient(clientConfig(endpoint));
  const notifier = new SnsNotifier(client, 'arn:aws:sns:us-west-2:123456789012:absent');

  const error = (await notifier.notify({ subject: 'Subject', body: 'body' }).catch((caught: unknown) => caught)) as AwsCallError;
  client.destroy();

  assert.instance(error, AwsCallError);
  assert.is(error.operation, 'Publish');
  assert.is(error.code, 'NotFoundException');
  assert.is(error.httpStatus, 404);
  assert.ok(error.cause instanceof Error);
});

sns('fit subject counts characters', () => {
  assert.is(fitSubject('a'.repeat(99)), 'a'.repeat(99));
  assert.is([...fitSubject('😀'.repeat(120))].length, 99);
  assert.is(fitSubject('  two  spaces  '), 'two spaces');
});

sns.run();
