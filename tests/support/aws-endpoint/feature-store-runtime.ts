/**
 * The SageMaker Feature Store runtime of the local endpoint (restJson1): PutRecord
 * `PUT /FeatureGroup/{name}` and GetRecord `GET /FeatureGroup/{name}`.
 *
 * PutRecord checks a record the way the service does: every feature defined in the group, the
 * record identifier and event time present, values that parse as their feature type. Every
 * accepted put is kept in order, so a test can check that each record was written exactly once.
 */
import type { SageMakerFeatureGroups } from './sagemaker-feature-groups.js';
import type { EndpointRequest, EndpointResponse } from './wire.js';
import { jsonResponse, parseJsonBody, ServiceError } from './wire.js';

/** One record value as PutRecord sends it. */
export interface RecordValue {
  readonly FeatureName: string;
  readonly ValueAsString?: string;
  readonly ValueAsStringList?: readonly string[];
}

/** An accepted PutRecord. */
export interface AcceptedPut {
  readonly featureGroupName: string;
  readonly identifier: string;
  readonly eventTime: string;
  readonly record: readonly RecordValue[];
}

/** Largest value of one feature: 350 KiB of characters. */
const MAX_VALUE_LENGTH = 358_400;
const ISO_EVENT_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const INTEGRAL = /^-?\d{1,19}$/;

export class FeatureStoreRuntimeService {
  /** Every accepted PutRecord, in the order the endpoint accepted them. */
  readonly accepted: AcceptedPut[] = [];
  /** Online records by group, then by record identifier. */
  private readonly online = new Map<string, Map<string, AcceptedPut>>();

  constructor(private readonly featureGroups: SageMakerFeatureGroups) {}

  /** How many puts of this record the endpoint accepted. */
  acceptedCount(featureGroupName: string, identifier: string): number {
    return this.accepted.filter((put) => put.featureGroupName === featureGroupName && put.identifier === identifier).length;
  }

  handle(request: EndpointRequest): EndpointResponse {
    const name = decodeURIComponent(request.path.slice('/FeatureGroup/'.length));
    const group = this.featureGroups.get(name);
    if (group === undefined) {
      throw new ServiceError(404, 'ResourceNotFound', `feature group ${name} does not exist`);
    }
    switch (request.operation) {
      case 'PutRecord':
        this.put(name, parseJsonBody(request.body));
        return { status: 200, headers: { 'x-amzn-requestid': 'put' } };
      case 'GetRecord': {
        if (group.onlineStoreConfig?.['EnableOnlineStore'] !== true) {
          throw new ServiceError(400, 'ValidationError', `feature group ${name} has no online store`);
        }
        const identifier = request.query.get('RecordIdentifierValueAsString');
        if (identifier === null) {
          throw new ServiceError(400, 'ValidationError', 'RecordIdentifierValueAsString is required');
        }
        const stored = this.online.get(name)?.get(identifier);
        const wanted = request.query.getAll('FeatureName');
        if (stored === undefined) {
          return jsonResponse('restJson1', {});
        }
        const record = wanted.length === 0 ? stored.record : stored.record.filter((value) => wanted.includes(value.FeatureName));
        return jsonResponse('restJson1', { Record: record });
      }
      default:
        throw new ServiceError(400, 'UnknownOperationException', `Feature Store runtime ${request.operation} is not implemented by the local endpoint`);
    }
  }

  private put(name: string, input: Record<string, unknown>): void {
    const group = this.featureGroups.get(name);
    if (group === undefined || group.status !== 'Created') {
      throw new ServiceError(400, 'ValidationError', `feature group ${name} is ${group?.status ?? 'missing'}, not Created`);
    }
    const record = input['Record'];
    if (!Array.isArray(record) || record.length === 0) {
      throw new ServiceError(400, 'ValidationError', 'Record must have at least one value');
    }
    const types = new Map(group.definitions.map((definition) => [definition.FeatureName, definition]));
    const seen = new Map<string, RecordValue>();
    let bytes = 0;
    for (const raw of record as RecordValue[]) {
      const definition = types.get(raw.FeatureName);
      if (definition === undefined) {
        throw new ServiceError(400, 'ValidationError', `feature ${raw.FeatureName} is not defined in feature group ${name}`);
      }
      if (seen.has(raw.FeatureName)) {
        throw new ServiceError(400, 'ValidationError', `feature ${raw.FeatureName} appears twice in the record`);
      }
      if ((raw.ValueAsString === undefined) === (raw.ValueAsStringList === undefined)) {
        throw new ServiceError(400, 'ValidationError', `feature ${raw.FeatureName} needs exactly one of ValueAsString and ValueAsStringList`);
      }
      if (raw.ValueAsString !== undefined) {
        if (typeof raw.ValueAsString !== 'string' || raw.ValueAsString.length > MAX_VALUE_LENGTH) {
          throw new ServiceError(400, 'ValidationError', `feature ${raw.FeatureName} has an invalid ValueAsString`);
        }
        checkType(raw.FeatureName, definition.FeatureType, raw.ValueAsString);
        bytes += Buffer.byteLength(raw.ValueAsString, 'utf8');
      }
      seen.set(raw.FeatureName, raw);
    }
    const identifier = seen.get(group.recordIdentifierFeatureName)?.ValueAsString;
    if (identifier === undefined) {
      throw new ServiceError(400, 'ValidationError', `the record identifier ${group.recordIdentifierFeatureName} is missing`);
    }
    const eventTime = seen.get(group.eventTimeFeatureName)?.ValueAsString;
    if (eventTime === undefined) {
      throw new ServiceError(400, 'ValidationError', `the event time ${group.eventTimeFeatureName} is missing`);
    }
    const eventType = types.get(group.eventTimeFeatureName)?.FeatureType;
    if (eventType === 'String' && !ISO_EVENT_TIME.test(eventTime)) {
      throw new ServiceError(400, 'ValidationError', `event time '${eventTime}' is not ISO-8601 UTC such as 2024-05-01T12:00:00Z`);
    }
    if (bytes > 350 * 1024) {
      throw new ServiceError(400, 'ValidationError', 'the record is larger than 350 KB');
    }
    const put: AcceptedPut = { featureGroupName: name, identifier, eventTime, record: record as RecordValue[] };
    this.accepted.push(put);
    if (group.onlineStoreConfig?.['EnableOnlineStore'] === true) {
      const store = this.online.get(name) ?? new Map<string, AcceptedPut>();
      this.online.set(name, store);
      const previous = store.get(identifier);
      if (previous === undefined || eventTimeMs(previous.eventTime) <= eventTimeMs(eventTime)) {
        store.set(identifier, put);
      }
    }
  }
}

function checkType(featureName: string, type: string, value: string): void {
  if (type === 'Integral' && !INTEGRAL.test(value)) {
    throw new ServiceError(400, 'ValidationError', `feature ${featureName} is Integral, but '${value}' is not an integer`);
  }
  if (type === 'Fractional' && (value.trim() === '' || !Number.isFinite(Number(value)))) {
    throw new ServiceError(400, 'ValidationError', `feature ${featureName} is Fractional, but '${value}' is not a number`);
  }
}

function eventTimeMs(eventTime: string): number {
  return ISO_EVENT_TIME.test(eventTime) ? Date.parse(eventTime) : Number(eventTime) * 1000;
}
