/**
 * Child process that runs the local AWS test endpoint for the AWS-path benchmarks, so that the
 * measured client and the endpoint do not share one event loop:
 *
 *   node aws-endpoint-process.js '<EndpointSetup JSON>'
 *
 * It prints `{"url": ...}` as one line once it listens on 127.0.0.1. When its stdin closes, it
 * prints one line of EndpointStats, closes the endpoint and exits.
 */
import { CHURN_COLUMNS, generateChurnRows } from '../cli/local/churn-generator.js';
import { startAwsEndpoint } from '../tests/support/aws-endpoint/index.js';
import { BENCH_FEATURE_GROUP, CHURN_FEATURE_GROUP_REQUEST } from './churn-records.js';
import type { EndpointSetup, EndpointStats } from './endpoint-child.js';

async function main(setupText: string | undefined): Promise<void> {
  if (setupText === undefined) {
    console.error('usage: aws-endpoint-process.js <setup JSON>');
    process.exitCode = 2;
    return;
  }
  const setup = JSON.parse(setupText) as EndpointSetup;
  const endpoint = await startAwsEndpoint();

  endpoint.sagemaker.featureGroups.seed(CHURN_FEATURE_GROUP_REQUEST);
  if (setup.putRecordLatencyMs > 0) {
    endpoint.faults.delay({ service: 'featurestore', operation: 'PutRecord' }, setup.putRecordLatencyMs);
  }
  if (setup.throttleRate > 0) {
    endpoint.faults.inject({ service: 'featurestore', operation: 'PutRecord', error: { status: 400, code: 'ThrottlingException', message: 'Rate exceeded' }, rate: setup.throttleRate });
  }
  if (setup.athena !== undefined) {
    endpoint.s3.createBucket(setup.athena.resultBucket);
    const rows = [...generateChurnRows({ samples: setup.athena.rows, startCustomerId: 1, seed: setup.athena.seed })];
    endpoint.athena.defineTable({
      database: setup.athena.database,
      name: setup.athena.table,
      columns: CHURN_COLUMNS.map((name) => ({ name, type: 'varchar' })),
      rows,
    });
  }
  const cpuAtReady = process.cpuUsage();
  console.log(JSON.stringify({ url: endpoint.url }));

  process.stdin.resume();
  process.stdin.on('end', () => {
    const counts = new Map<string, number>();
    for (const put of endpoint.featureStore.accepted) {
      if (put.featureGroupName === BENCH_FEATURE_GROUP) {
        counts.set(put.identifier, (counts.get(put.identifier) ?? 0) + 1);
      }
    }
    const operations: Record<string, number> = {};
    const errorCodes: Record<string, number> = {};
    for (const call of endpoint.calls) {
      operations[call.operation] = (operations[call.operation] ?? 0) + 1;
      if (call.errorCode !== undefined) {
        errorCodes[call.errorCode] = (errorCodes[call.errorCode] ?? 0) + 1;
      }
    }
    const cpu = process.cpuUsage(cpuAtReady);
    const stats: EndpointStats = {
      cpuMicros: cpu.user + cpu.system,
      acceptedPuts: endpoint.featureStore.accepted.length,
      distinctIdentifiers: counts.size,
      identifiersAcceptedMoreThanOnce: [...counts.values()].filter((count) => count > 1).length,
      acceptedByPrefix: countByPrefix(counts.keys()),
      operations,
      errorCodes,
      maxPutRecordsInFlight: endpoint.maxInFlight('PutRecord'),
      internalErrors: endpoint.internalErrors.map((error) => error.message),
    };
    console.log(JSON.stringify(stats));
    void endpoint.close().then(() => process.exit(0));
  });
}

function countByPrefix(identifiers: Iterable<string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const identifier of identifiers) {
    const prefix = identifier.split('_')[0] ?? identifier;
    counts[prefix] = (counts[prefix] ?? 0) + 1;
  }
  return counts;
}

await main(process.argv[2]);
