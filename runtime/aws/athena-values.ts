/**
 * Conversion of Athena result values, which arrive as text in both GetQueryResults and the
 * result CSV, into typed raw values by the column type from ResultSetMetadata.
 */
import type { RawValue } from '../ports.js';

/**
 * Converts one value by its Athena column type. `null` (a datum without VarCharValue, or an
 * unquoted empty CSV field) stays null; it never becomes "" or 0.
 *
 * - tinyint, smallint, integer: number; bigint: bigint
 * - double, float, real, decimal: number
 * - boolean: boolean
 * - date: Date at UTC midnight; timestamp (without or with a UTC zone): Date in UTC
 * - array: a list of the element texts
 * - varchar, char and every other type: the text unchanged
 *
 * Text that does not parse as its type is returned unchanged, so the cleaning step can reject
 * the row with the value in its report instead of the value disappearing here.
 */
export function convertAthenaValue(text: string | null, columnType: string): RawValue {
  if (text === null) {
    return null;
  }
  const type = baseType(columnType);
  switch (type) {
    case 'tinyint':
    case 'smallint':
    case 'integer':
    case 'int':
      return /^-?\d+$/.test(text) ? Number(text) : text;
    case 'bigint':
      return /^-?\d+$/.test(text) ? BigInt(text) : text;
    case 'double':
    case 'float':
    case 'real':
    case 'decimal':
      return parseNumber(text);
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(text) ? validDate(`${text}T00:00:00Z`, text) : text;
    case 'timestamp':
      return parseTimestamp(text);
    case 'timestamp with time zone':
      return parseTimestamp(text.replace(/ UTC$/, ''));
    case 'array':
      return parseArray(text);
    default:
      return text;
  }
}

/** The type name without parameters, lower-cased: `decimal(10,2)` becomes `decimal`. */
export function baseType(columnType: string): string {
  return columnType.replace(/\(.*\)$/, '').trim().toLowerCase();
}

function parseNumber(text: string): RawValue {
  // Athena renders non-finite doubles as NaN, Infinity and -Infinity, which Number() reads.
  if (text === 'NaN' || text === 'Infinity' || text === '-Infinity') {
    return Number(text);
  }
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : text;
}

/** Reads `2024-05-01 12:00:00.123` as UTC; fractions beyond milliseconds are cut. */
function parseTimestamp(text: string): RawValue {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?$/.exec(text);
  if (match === null) {
    return text;
  }
  const fraction = (match[3] ?? '').slice(0, 4);
  return validDate(`${match[1]}T${match[2]}${fraction}Z`, text);
}

function validDate(iso: string, original: string): RawValue {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? original : date;
}

/**
 * Splits Athena's array rendering `[a, b, c]` into its element texts.
 * NOTE: Athena does not quote array elements, so a string element that contains ", " is split
 * in two; arrays of numbers, the case of vector features, are unambiguous.
 */
function parseArray(text: string): RawValue {
  if (!text.startsWith('[') || !text.endsWith(']')) {
    return text;
  }
  const inner = text.slice(1, -1);
  return inner === '' ? [] : inner.split(', ');
}
