/**
 * The Feature Store RecordWriter: one PutRecord per record with bounded concurrency, and retries
 * with exponential backoff and full jitter on throttling and service faults.
 */
import { PutRecordCommand, type SageMakerFeatureStoreRuntimeClient } from '@aws-sdk/client-sagemaker-featurestore-runtime';
import type { WriterConfig } from '../ingest-config.js';
import type { Clock, FeatureRecord, FeatureValue, Logger, RecordFailure, RecordWriter, WriteResult } from '../ports.js';
import { systemClock } from '../ports.js';
import { fullJitterDelay } from './backoff.js';
import { awsErrorCode, awsHttpStatus } from './errors.js';

/** Error codes worth another attempt: the request was refused for load, not for its content. */
const RETRYABLE_CODES = new Set(['ThrottlingException', 'ServiceUnavailable', 'InternalFailure']);

export interface RecordWriterOptions {
  /**
   * The client must be built with `maxAttempts: 1`: this writer does the retries itself, and
   * SDK retries on top would multiply the attempts and hide them from the count.
   */
  readonly client: SageMakerFeatureStoreRuntimeClient;
  readonly writer: WriterConfig;
  /** Feature names of the record identifier and event time, added from the record when `values` lacks them. */
  readonly recordIdentifierFeatureName?: string;
  readonly eventTimeFeatureName?: string;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Source of jitter, between 0 and 1. @default Math.random */
  readonly random?: () => number;
}

export class FeatureStoreRecordWriter implements RecordWriter {
  private readonly clock: Clock;
  private readonly random: () => number;

  constructor(private readonly options: RecordWriterOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    const { concurrency, maxAttempts } = options.writer;
    if (!Number.isInteger(concurrency) || concurrency < 1 || !Number.isInteger(maxAttempts) || maxAttempts < 1) {
      throw new RangeError(`writer.concurrency and writer.maxAttempts must be positive integers, got ${concurrency} and ${maxAttempts}`);
    }
  }

  /**
   * Writes every record and resolves when all are written or have failed for good. A record
   * that fails with ValidationError, AccessForbidden or another client error is tried once. A
   * record that still fails after maxAttempts is returned with its last error code and attempts.
   */
  async write(featureGroupName: string, records: readonly FeatureRecord[]): Promise<WriteResult> {
    const failures: (RecordFailure | undefined)[] = new Array(records.length);
    let written = 0;
    let retries = 0;
    let next = 0;

    const worker = async (): Promise<void> => {
      while (next < records.length) {
        const index = next;
        next += 1;
        const outcome = await this.writeOne(featureGroupName, records[index] as FeatureRecord);
        retries += outcome.attempts - 1;
        if (outcome.failure === undefined) {
          written += 1;
        } else {
          failures[index] = outcome.failure;
        }
      }
    };
    const workers = Math.min(this.options.writer.concurrency, records.length);
    await Promise.all(Array.from({ length: workers }, worker));

    const failed = failures.filter((failure): failure is RecordFailure => failure !== undefined);
    const log = failed.length > 0 ? this.options.logger?.warn.bind(this.options.logger) : this.options.logger?.info.bind(this.options.logger);
    log?.({ featureGroupName, records: records.length, written, failed: failed.length, retries }, 'PutRecord batch finished');
    return { written, failures: failed, retries };
  }

  private async writeOne(featureGroupName: string, record: FeatureRecord): Promise<{ attempts: number; failure?: RecordFailure }> {
    const command = new PutRecordCommand({ FeatureGroupName: featureGroupName, Record: this.recordValues(record) });
    const { maxAttempts, baseDelayMs, maxDelayMs } = this.options.writer;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.options.client.send(command);
        return { attempts: attempt };
      } catch (error) {
        const code = awsErrorCode(error);
        const status = awsHttpStatus(error);
        // NOTE: errors without a response (NetworkError) are not retried: the put may have
        // landed, and a second one would add a duplicate row to the offline store.
        const retryable = RETRYABLE_CODES.has(code) || (status !== undefined && status >= 500);
        if (!retryable || attempt >= maxAttempts) {
          const message = (error as Error | undefined)?.message ?? String(error);
          return { attempts: attempt, failure: { identifier: record.identifier, errorCode: code, message, attempts: attempt } };
        }
        const delay = fullJitterDelay(attempt, baseDelayMs, maxDelayMs, this.random);
        this.options.logger?.debug({ featureGroupName, errorCode: code, attempt, delayMs: delay }, 'PutRecord retry');
        await this.clock.sleep(delay);
      }
    }
  }

  /** The PutRecord values: strings only, missing features left out, identifier and event time always present. */
  private recordValues(record: FeatureRecord): { FeatureName: string; ValueAsString?: string; ValueAsStringList?: string[] }[] {
    const values = record.values.flatMap(toWireValue);
    const names = new Set(values.map((value) => value.FeatureName));
    const identifierName = this.options.recordIdentifierFeatureName;
    if (identifierName !== undefined && !names.has(identifierName)) {
      values.unshift({ FeatureName: identifierName, ValueAsString: record.identifier });
    }
    const eventTimeName = this.options.eventTimeFeatureName;
    if (eventTimeName !== undefined && !names.has(eventTimeName)) {
      values.push({ FeatureName: eventTimeName, ValueAsString: record.eventTime });
    }
    return values;
  }
}

/** Converts a value to its wire shape; a value with neither field set is a missing feature and is left out. */
function toWireValue(value: FeatureValue): { FeatureName: string; ValueAsString?: string; ValueAsStringList?: string[] }[] {
  if (value.valueAsStringList !== undefined) {
    return [{ FeatureName: value.featureName, ValueAsStringList: value.valueAsStringList.map(String) }];
  }
  if (value.valueAsString === undefined) {
    return [];
  }
  return [{ FeatureName: value.featureName, ValueAsString: String(value.valueAsString) }];
}
