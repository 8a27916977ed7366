/** Helpers shared by the cleaning rules: null tokens and how raw values appear in messages. */
import type { RawValue } from '../ports.js';

const MAX_QUOTED_LENGTH = 80;

/**
 * Returns true when trimmed text equals one of the null tokens, compared case-insensitively.
 * Whitespace-only text counts as the empty token whenever '' is a null token.
 */
export function isNullToken(text: string, nullTokens: readonly string[]): boolean {
  const folded = text.trim().toLowerCase();
  return nullTokens.some((token) => token.trim().toLowerCase() === folded);
}

/** Quotes a raw value for a reject message, cut to 80 characters so one bad cell cannot flood a file. */
export function quote(raw: RawValue): string {
  const text = typeof raw === 'string' ? JSON.stringify(raw) : describeRaw(raw);
  return text.length > MAX_QUOTED_LENGTH ? `${text.slice(0, MAX_QUOTED_LENGTH)}…` : text;
}

function describeRaw(raw: RawValue): string {
  if (raw === null) {
    return 'NULL';
  }
  if (raw instanceof Date) {
    return Number.isNaN(raw.getTime()) ? 'an invalid date' : raw.toISOString();
  }
  if (Array.isArray(raw)) {
    return JSON.stringify(toJsonValue(raw));
  }
  return String(raw);
}

/**
 * Converts a raw value to plain JSON for rejects.jsonl: bigints become decimal text and dates ISO
 * text, because JSON has no such types and a silent conversion to number would lose digits.
 */
export function toJsonValue(raw: RawValue): unknown {
  if (typeof raw === 'bigint') {
    return raw.toString();
  }
  if (raw instanceof Date) {
    return Number.isNaN(raw.getTime()) ? null : raw.toISOString();
  }
  if (typeof raw === 'number' && !Number.isFinite(raw)) {
    return String(raw);
  }
  if (Array.isArray(raw)) {
    return raw.map((item: RawValue) => toJsonValue(item));
  }
  return raw;
}
