/**
 * The result of cleaning one raw value, and the reject reasons a row can carry. Reason codes are
 * stable identifiers: reports, rejects.jsonl and tests key on them.
 */

/** Every reject reason code the runtime emits. */
export const REJECT_CODES = [
  'MISSING_RECORD_IDENTIFIER',
  'MISSING_EVENT_TIME',
  'NOT_A_NUMBER',
  'NOT_AN_INTEGER',
  'INTEGER_OUT_OF_RANGE',
  'NOT_FINITE',
  'UNKNOWN_BOOLEAN_WORD',
  'UNKNOWN_CATEGORY',
  'AMBIGUOUS_EVENT_TIME',
  'INVALID_EVENT_TIME',
  'INVALID_COLLECTION',
  'NULL_IN_COLLECTION',
  'VECTOR_DIMENSION_MISMATCH',
  'UNSUPPORTED_VALUE_TYPE',
  // Raised for a source line that could not be parsed into a row, not by cleaning a value.
  'MALFORMED_SOURCE_ROW',
] as const;

export type RejectCode = (typeof REJECT_CODES)[number];

/** Why a row was rejected: one per feature that failed, as written to rejects.jsonl. */
export interface RejectReason {
  readonly code: RejectCode;
  readonly feature: string;
  readonly message: string;
}

/** A cleaned scalar in canonical text, a cleaned collection, a missing value, or a rejection. */
export type CleanOutcome =
  | { readonly kind: 'value'; readonly text: string }
  | { readonly kind: 'list'; readonly values: readonly string[] }
  | { readonly kind: 'missing' }
  | { readonly kind: 'reject'; readonly code: RejectCode; readonly message: string };

export const MISSING: CleanOutcome = Object.freeze({ kind: 'missing' });

export function value(text: string): CleanOutcome {
  return { kind: 'value', text };
}

export function reject(code: RejectCode, message: string): CleanOutcome {
  return { kind: 'reject', code, message };
}
