/** Boolean words: yes/no, true/false, 1/0 and any declared words map to `1` and `0`. */
import type { RawValue } from '../ports.js';
import { parseDecimal, toIntegerText } from './numbers.js';
import { type CleanOutcome, reject, value } from './outcome.js';
import { quote } from './text.js';

/** The words a feature declares, compared case-insensitively after trimming. */
export interface BooleanWords {
  readonly true: readonly string[];
  readonly false: readonly string[];
}

/**
 * Maps a boolean word to `1` or `0`. Typed booleans and the numbers 1 and 0 map directly, and
 * numeric text such as `1.0` is read as its integer before matching. Anything else is rejected,
 * never read as 0.
 */
export function cleanBooleanWord(raw: RawValue, words: BooleanWords): CleanOutcome {
  if (typeof raw === 'boolean') {
    return value(raw ? '1' : '0');
  }
  if (typeof raw === 'number' || typeof raw === 'bigint') {
    return matchWord(String(raw), raw, words);
  }
  if (typeof raw !== 'string') {
    return reject('UNSUPPORTED_VALUE_TYPE', `${quote(raw)} cannot be read as a boolean word`);
  }
  return matchWord(raw.trim(), raw, words);
}

function matchWord(text: string, raw: RawValue, words: BooleanWords): CleanOutcome {
  const folded = text.toLowerCase();
  const found = lookUp(folded, words);
  if (found !== undefined) {
    return value(found);
  }
  const parsed = parseDecimal(folded);
  if (parsed !== undefined) {
    const integer = toIntegerText(parsed);
    const numeric = integer === 'fraction' || integer === 'too-large' ? undefined : lookUp(integer, words);
    if (numeric !== undefined) {
      return value(numeric);
    }
  }
  return reject(
    'UNKNOWN_BOOLEAN_WORD',
    `${quote(raw)} is not a boolean word; true words are ${listWords(words.true)}, false words are ${listWords(words.false)}`,
  );
}

function lookUp(folded: string, words: BooleanWords): '1' | '0' | undefined {
  if (words.true.some((word) => word.trim().toLowerCase() === folded)) {
    return '1';
  }
  if (words.false.some((word) => word.trim().toLowerCase() === folded)) {
    return '0';
  }
  return undefined;
}

function listWords(words: readonly string[]): string {
  return words.map((word) => JSON.stringify(word)).join(', ');
}
