/** List, Set and Vector features: each element is cleaned by the feature's scalar rules. */
import type { CollectionType } from '../ingest-config.js';
import type { RawValue } from '../ports.js';
import { type CleanOutcome, reject } from './outcome.js';
import { quote } from './text.js';

/** What the collection rule needs to know about the feature. */
export interface CollectionRule {
  readonly collectionType: CollectionType;
  readonly vectorDimension?: number;
  /** Cleans one element; a missing element rejects the row, because a collection cannot hold a gap. */
  readonly cleanElement: (element: RawValue) => CleanOutcome;
}

/**
 * Cleans a collection value: a typed list (from Parquet or DuckDB), a JSON array in text, or
 * Athena's array text `[a, b, c]` (split on commas, so elements that contain commas need JSON).
 * A Set keeps the first of equal cleaned elements; a Vector needs exactly its dimension.
 */
export function cleanCollection(raw: RawValue, rule: CollectionRule): CleanOutcome {
  const elements = toElements(raw);
  if (elements === undefined) {
    return reject('INVALID_COLLECTION', `${quote(raw)} is not a list; send a JSON array such as ["a", "b"] or a typed list`);
  }
  const cleaned: string[] = [];
  for (const [index, element] of elements.entries()) {
    const outcome = rule.cleanElement(element);
    if (outcome.kind === 'reject') {
      return reject(outcome.code, `element ${index}: ${outcome.message}`);
    }
    if (outcome.kind !== 'value') {
      return reject('NULL_IN_COLLECTION', `element ${index} of ${quote(raw)} is missing, and collections cannot hold missing elements`);
    }
    cleaned.push(outcome.text);
  }
  const values = rule.collectionType === 'Set' ? [...new Set(cleaned)] : cleaned;
  if (rule.collectionType === 'Vector' && values.length !== rule.vectorDimension) {
    return reject('VECTOR_DIMENSION_MISMATCH', `the vector has ${values.length} elements, but the feature declares dimension ${rule.vectorDimension}`);
  }
  return { kind: 'list', values };
}

function toElements(raw: RawValue): readonly RawValue[] | undefined {
  if (Array.isArray(raw)) {
    return raw as readonly RawValue[];
  }
  if (typeof raw !== 'string') {
    return undefined;
  }
  const text = raw.trim();
  if (!text.startsWith('[') || !text.endsWith(']')) {
    return undefined;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed) && parsed.every((item) => item === null || ['string', 'number', 'boolean'].includes(typeof item))) {
      return parsed as RawValue[];
    }
    return undefined;
  } catch {
    // Not JSON: read it as Athena's array text.
    const inner = text.slice(1, -1).trim();
    return inner === '' ? [] : inner.split(',').map((item) => item.trim());
  }
}
