import { S3Client } from '@aws-sdk/client-s3';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AwsCallError } from '../../runtime/aws/errors.js';
import { S3ObjectStore } from '../../runtime/aws/s3-object-store.js';
import { type AwsEndpoint, clientConfig, startAwsEndpoint } from '../support/aws-endpoint/index.js';

interface Context {
  endpoint: AwsEndpoint;
  s3: S3Client;
  store: S3ObjectStore;
}

const store = suite<Context>('s3 object store');

store.before.each(async (context) => {
  context.endpoint = await startAwsEndpoint();
  context.endpoint.s3.createBucket('reports-bucket');
  context.s3 = new S3Client(clientConfig(context.endpoint));
  context.store = new S3ObjectStore(context.s3, 's3://reports-bucket/runs/run-1/');
});

store.after.each(async (context) => {
  context.s3.destroy();
  await context.endpoint.close();
  assert.equal(context.endpoint.internalErrors, []);
});

async function text(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) {
    parts.push(Buffer.from(chunk));
  }
  return Buffer.concat(parts).toString('utf8');
}

store('put then read a relative key', async ({ endpoint, store: objects }) => {
  await objects.put('report.json', '{"status":"succeeded"}\n');

  assert.equal(endpoint.s3.keys('reports-bucket'), ['runs/run-1/report.json']);
  assert.is(await text(objects.read('report.json')), '{"status":"succeeded"}\n');
});

store('line writer uploads every line', async ({ endpoint, store: objects }) => {
  const writer = await objects.openLineWriter('rejects.jsonl');
  for (let index = 0; index < 500; index += 1) {
    await writer.write(JSON.stringify({ row: index }));
  }
  await writer.close();

  const body = endpoint.s3.getObject('reports-bucket', 'runs/run-1/rejects.jsonl')?.body.toString('utf8') ?? '';
  const lines = body.trimEnd().split('\n');
  assert.is(lines.length, 500);
  assert.is(lines[499], '{"row":499}');
  assert.is(endpoint.callsTo('PutObject').length, 1);
});

store('read takes a full s3 uri', async ({ endpoint, store: objects }) => {
  endpoint.s3.createBucket('other-bucket');
  endpoint.s3.putObject('other-bucket', 'athena/q1.csv', '"a"\n"1"\n');

  assert.is(await text(objects.read('s3://other-bucket/athena/q1.csv')), '"a"\n"1"\n');
});

store('missing object names the uri', async ({ store: objects }) => {
  const error = (await text(objects.read('absent.json')).catch((caught: unknown) => caught)) as AwsCallError;

  assert.instance(error, AwsCallError);
  assert.is(error.code, 'NoSuchKey');
  assert.match(error.message, 'GetObject failed for s3://reports-bucket/runs/run-1/absent.json: NoSuchKey');
});

store.run();
