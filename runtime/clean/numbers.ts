/**
 * Integral and Fractional cleaning. Integral values are handled as decimal text and BigInt, never
 * as doubles, so that 64-bit values keep every digit and nothing is truncated or rounded.
 */
import type { RawValue } from '../ports.js';
import { type CleanOutcome, reject, value } from './outcome.js';
import { quote } from './text.js';

/** Smallest and largest values of a signed 64-bit integer, the range of an Integral feature. */
export const INTEGRAL_MIN = -(2n ** 63n);
export const INTEGRAL_MAX = 2n ** 63n - 1n;

const DECIMAL_TEXT = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const INFINITY_TEXT = /^[+-]?(inf|infinity)$/i;
const NAN_TEXT = /^[+-]?nan$/i;

/** Options shared by both numeric rules. */
export interface NumberOptions {
  /** When false, numeric text is rejected and only typed numbers pass. */
  readonly coerceNumbers: boolean;
}

/**
 * Cleans an Integral value to canonical integer text: `1.0` → `1`, ` 12 ` → `12`, `-0` → `0`,
 * `1e3` → `1000`. A value with a non-zero fraction, outside signed 64-bit, or not a number
 * is rejected.
 */
export function cleanIntegral(raw: RawValue, options: NumberOptions): CleanOutcome {
  if (typeof raw === 'bigint') {
    return integralInRange(raw, raw.toString());
  }
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) {
      return reject('NOT_FINITE', `${quote(raw)} is not a finite number`);
    }
    if (!Number.isInteger(raw)) {
      return reject('NOT_AN_INTEGER', `${quote(raw)} is not a whole number, and Integral values are never rounded`);
    }
    return integralInRange(BigInt(raw), String(raw));
  }
  if (typeof raw === 'boolean') {
    return value(raw ? '1' : '0');
  }
  if (typeof raw !== 'string') {
    return unsupported(raw, 'an integer');
  }
  if (!options.coerceNumbers) {
    return reject('NOT_A_NUMBER', `${quote(raw)} is text, and this feature parses no numeric text (coerceNumbers is off)`);
  }
  const text = raw.trim();
  const parsed = parseDecimal(text);
  if (parsed === undefined) {
    return nonNumericText(raw, text);
  }
  const integer = toIntegerText(parsed);
  if (integer === 'fraction') {
    return reject('NOT_AN_INTEGER', `${quote(raw)} is not a whole number, and Integral values are never rounded`);
  }
  if (integer === 'too-large') {
    return reject('INTEGER_OUT_OF_RANGE', `${quote(raw)} is outside the signed 64-bit range ${INTEGRAL_MIN}..${INTEGRAL_MAX}`);
  }
  return integralInRange(BigInt(integer), raw);
}

/**
 * Cleans a Fractional value to the shortest text that reads back as the same double, such as
 * `29.85` or `1e+21`. Infinity, NaN and values that overflow a double are rejected.
 */
export function cleanFractional(raw: RawValue, options: NumberOptions): CleanOutcome {
  if (typeof raw === 'number') {
    return finiteNumber(raw, raw);
  }
  if (typeof raw === 'bigint') {
    return finiteNumber(Number(raw), raw);
  }
  if (typeof raw !== 'string') {
    return unsupported(raw, 'a number');
  }
  if (!options.coerceNumbers) {
    return reject('NOT_A_NUMBER', `${quote(raw)} is text, and this feature parses no numeric text (coerceNumbers is off)`);
  }
  const text = raw.trim();
  if (parseDecimal(text) === undefined) {
    return nonNumericText(raw, text);
  }
  return finiteNumber(Number(text), raw);
}

/** A decimal number split into sign, digits and a power of ten: value = ±digits × 10^exponent. */
export interface ParsedDecimal {
  readonly negative: boolean;
  readonly digits: string;
  readonly exponent: number;
}

/** Parses plain or scientific decimal text; returns undefined for anything else (hex, commas, words). */
export function parseDecimal(text: string): ParsedDecimal | undefined {
  const match = DECIMAL_TEXT.exec(text);
  if (match === null) {
    return undefined;
  }
  const whole = match[2] ?? '';
  const fraction = match[3] ?? '';
  if (whole === '' && fraction === '') {
    return undefined;
  }
  const exponent = Number(match[4] ?? '0') - fraction.length;
  return { negative: match[1] === '-', digits: whole + fraction, exponent };
}

/**
 * Converts a parsed decimal to integer text without rounding. Returns 'fraction' when a non-zero
 * digit lies right of the decimal point, and 'too-large' when the value needs more than 19 digits.
 */
export function toIntegerText(parsed: ParsedDecimal): string | 'fraction' | 'too-large' {
  let digits = parsed.digits.replace(/^0+/, '');
  let exponent = parsed.exponent;
  if (digits === '') {
    return '0';
  }
  // Trailing zeros of the mantissa cancel a negative exponent: 1.50e1 is 15.
  while (exponent < 0 && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    exponent += 1;
  }
  if (exponent < 0) {
    return 'fraction';
  }
  // 2^63 has 19 digits, so a longer value is out of range without building it.
  if (digits.length + exponent > 19) {
    return 'too-large';
  }
  return `${parsed.negative ? '-' : ''}${digits}${'0'.repeat(exponent)}`;
}

function integralInRange(integer: bigint, raw: RawValue): CleanOutcome {
  if (integer < INTEGRAL_MIN || integer > INTEGRAL_MAX) {
    return reject('INTEGER_OUT_OF_RANGE', `${quote(raw)} is outside the signed 64-bit range ${INTEGRAL_MIN}..${INTEGRAL_MAX}`);
  }
  return value(integer.toString());
}

function finiteNumber(number: number, raw: RawValue): CleanOutcome {
  if (Number.isNaN(number)) {
    return reject('NOT_FINITE', `${quote(raw)} is NaN, which is not a finite number; declare it as a null token if it means missing`);
  }
  if (!Number.isFinite(number)) {
    return reject('NOT_FINITE', `${quote(raw)} is not a finite number`);
  }
  // String() gives the shortest round-trip text; Object.is catches -0, which it prints as 0 anyway.
  return value(Object.is(number, -0) ? '0' : String(number));
}

function nonNumericText(raw: string, text: string): CleanOutcome {
  if (INFINITY_TEXT.test(text)) {
    return reject('NOT_FINITE', `${quote(raw)} is infinite, and only finite numbers are accepted`);
  }
  if (NAN_TEXT.test(text)) {
    return reject('NOT_FINITE', `${quote(raw)} is NaN, which is not a finite number; declare it as a null token if it means missing`);
  }
  return reject('NOT_A_NUMBER', `${quote(raw)} is not a number`);
}

function unsupported(raw: RawValue, expected: string): CleanOutcome {
  return reject('UNSUPPORTED_VALUE_TYPE', `${quote(raw)} cannot be read as ${expected}`);
}
