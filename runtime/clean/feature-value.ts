/** Cleans one raw value by the rules a feature declares, dispatching to the rule for its type. */
import type { FeatureCleaning, IngestFeature } from '../ingest-config.js';
import type { RawValue } from '../ports.js';
import { cleanBooleanWord } from './boolean-words.js';
import { applyCaseRule, cleanCategory } from './categorical.js';
import { cleanCollection } from './collections.js';
import { cleanFractional, cleanIntegral } from './numbers.js';
import { type CleanOutcome, MISSING, reject, value } from './outcome.js';
import { isNullToken, quote } from './text.js';

/**
 * Cleans a feature's raw value. SQL NULL and null tokens are missing; collections clean each
 * element; boolean words map to 1/0; otherwise the rule of the feature type applies.
 */
export function cleanFeatureValue(feature: IngestFeature, raw: RawValue): CleanOutcome {
  if (isMissing(raw, feature.cleaning)) {
    return MISSING;
  }
  if (feature.collectionType !== undefined) {
    return cleanCollection(raw, {
      collectionType: feature.collectionType,
      ...(feature.vectorDimension !== undefined ? { vectorDimension: feature.vectorDimension } : {}),
      cleanElement: (element) => (isMissing(element, feature.cleaning) ? MISSING : cleanScalar(feature, element)),
    });
  }
  return cleanScalar(feature, raw);
}

/** Returns true for SQL NULL and for text that is a null token after trimming. */
export function isMissing(raw: RawValue, cleaning: FeatureCleaning): boolean {
  return raw === null || raw === undefined || (typeof raw === 'string' && isNullToken(raw, cleaning.nullTokens));
}

function cleanScalar(feature: IngestFeature, raw: RawValue): CleanOutcome {
  const cleaning = feature.cleaning;
  if (cleaning.booleanWords !== undefined) {
    return cleanBooleanWord(raw, cleaning.booleanWords);
  }
  switch (feature.type) {
    case 'Integral':
      return cleanIntegral(raw, cleaning);
    case 'Fractional':
      return cleanFractional(raw, cleaning);
    case 'String':
      return cleanString(raw, cleaning);
  }
}

function cleanString(raw: RawValue, cleaning: FeatureCleaning): CleanOutcome {
  const text = scalarText(raw);
  if (text === undefined) {
    return reject('UNSUPPORTED_VALUE_TYPE', `${quote(raw)} cannot be read as text`);
  }
  const trimmed = cleaning.trim ? text.trim() : text;
  if (cleaning.allowedValues !== undefined) {
    return cleanCategory(trimmed, cleaning.allowedValues, cleaning.caseRule);
  }
  return value(cleaning.caseRule === undefined ? trimmed : applyCaseRule(trimmed, cleaning.caseRule));
}

/** Text of a typed scalar: numbers in shortest round-trip form, dates in ISO-8601. */
function scalarText(raw: RawValue): string | undefined {
  if (typeof raw === 'string') {
    return raw;
  }
  if (typeof raw === 'number' || typeof raw === 'bigint' || typeof raw === 'boolean') {
    return Object.is(raw, -0) ? '0' : String(raw);
  }
  if (raw instanceof Date && !Number.isNaN(raw.getTime())) {
    return raw.toISOString();
  }
  return undefined;
}
