/** Categorical String values: declared spellings, and case rules for undeclared categories. */
import type { CaseRule } from '../ingest-config.js';
import { type CleanOutcome, reject, value } from './outcome.js';
import { quote } from './text.js';

/** A feature's declared spellings and what happens to a value that matches none. */
export interface AllowedValues {
  readonly values: readonly string[];
  readonly onUnknown: 'reject' | 'keep';
}

/**
 * Folds text for matching against declared spellings: trimmed, inner runs of whitespace made
 * one space, lower case. `  fiber   OPTIC ` and `Fiber optic` fold to the same key.
 */
export function foldCategory(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * Maps text to its declared spelling. An unknown value is rejected, or kept as cleaned (with the
 * case rule applied when one is set) when the feature says `onUnknown: 'keep'`.
 */
export function cleanCategory(text: string, allowed: AllowedValues, caseRule: CaseRule | undefined): CleanOutcome {
  const key = foldCategory(text);
  const match = allowed.values.find((candidate) => foldCategory(candidate) === key);
  if (match !== undefined) {
    return value(match);
  }
  if (allowed.onUnknown === 'keep') {
    return value(caseRule === undefined ? text : applyCaseRule(text, caseRule));
  }
  return reject('UNKNOWN_CATEGORY', `${quote(text)} is not one of the allowed values ${allowed.values.map((item) => JSON.stringify(item)).join(', ')}`);
}

/**
 * Applies a case rule. Title case upper-cases the first letter of each word and lower-cases the
 * rest, where a word starts after any character that is not a letter or digit:
 * `fiber OPTIC` → `Fiber Optic`, `month-to-month` → `Month-To-Month`, `DSL` → `Dsl`.
 */
export function applyCaseRule(text: string, rule: CaseRule): string {
  if (rule === 'lower') {
    return text.toLowerCase();
  }
  if (rule === 'upper') {
    return text.toUpperCase();
  }
  let result = '';
  let startOfWord = true;
  for (const character of text) {
    const isWordCharacter = /[\p{L}\p{N}]/u.test(character);
    result += isWordCharacter && startOfWord ? character.toUpperCase() : character.toLowerCase();
    startOfWord = !isWordCharacter;
  }
  return result;
}
