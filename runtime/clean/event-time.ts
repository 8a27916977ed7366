/**
 * Event time parsing and formatting. Accepted input: ISO-8601 text with or without an offset,
 * Athena timestamp text (`2021-01-11 10:00:00`, read as UTC), epoch seconds (text or number),
 * and typed dates. Day-month orders such as `11/01/2021` are rejected as ambiguous.
 */
import type { FeatureType } from '../ingest-config.js';
import type { RawValue } from '../ports.js';
import { parseDecimal } from './numbers.js';
import type { RejectCode } from './outcome.js';
import { quote } from './text.js';

/** A parsed event time: the text to send and the instant in epoch milliseconds. */
export interface EventTime {
  readonly text: string;
  readonly epochMs: number;
}

export type EventTimeOutcome = { readonly kind: 'time'; readonly time: EventTime } | { readonly kind: 'reject'; readonly code: RejectCode; readonly message: string };

const ISO_TEXT = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?$/;
const DAY_MONTH_ORDER = /^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}(?:[Tt ].*)?$/;
const ACCEPTED_FORMS = 'ISO-8601 such as 2021-01-11T10:00:00Z or 2021-01-11T12:00:00+02:00, Athena text such as 2021-01-11 10:00:00, or epoch seconds';

/** Earliest and latest instants that format as a four-digit year (0001-01-01 to 9999-12-31). */
const MIN_EPOCH_MS = -62_135_596_800_000;
const MAX_EPOCH_MS = 253_402_300_799_999;

/**
 * Parses a raw event time. `featureType` decides the output: a String feature gets
 * `yyyy-MM-ddTHH:mm:ssZ` (with `.SSS` when the milliseconds are not zero), a Fractional or
 * Integral feature gets epoch seconds.
 */
export function parseEventTime(raw: RawValue, featureType: FeatureType): EventTimeOutcome {
  const epochMs = toEpochMs(raw);
  if (typeof epochMs !== 'number') {
    return epochMs;
  }
  if (epochMs < MIN_EPOCH_MS || epochMs > MAX_EPOCH_MS) {
    return invalid(raw, 'it is outside the years 0001 to 9999');
  }
  return { kind: 'time', time: formatEventTime(epochMs, featureType) };
}

/** Formats an instant for a feature of the given type; see `parseEventTime`. */
export function formatEventTime(epochMs: number, featureType: FeatureType): EventTime {
  if (featureType !== 'String') {
    return { text: String(epochMs / 1000), epochMs };
  }
  const iso = new Date(epochMs).toISOString();
  const milliseconds = epochMs % 1000 === 0 ? '' : iso.slice(19, 23);
  // toISOString writes years beyond 9999 with a sign; the range check above keeps them out.
  return { text: `${iso.slice(0, 19)}${milliseconds}Z`, epochMs };
}

function toEpochMs(raw: RawValue): number | EventTimeOutcome {
  if (raw instanceof Date) {
    const time = raw.getTime();
    return Number.isNaN(time) ? invalid(raw, 'it is an invalid date') : time;
  }
  if (typeof raw === 'number') {
    // A double holds no exact decimal fraction, so epoch seconds are rounded to the millisecond.
    return Number.isFinite(raw) ? Math.round(raw * 1000) : invalid(raw, 'it is not a finite number');
  }
  if (typeof raw === 'bigint') {
    return fromEpochSecondsText(raw.toString(), raw);
  }
  if (typeof raw !== 'string') {
    return { kind: 'reject', code: 'UNSUPPORTED_VALUE_TYPE', message: `${quote(raw)} cannot be read as an event time` };
  }
  const text = raw.trim();
  const iso = ISO_TEXT.exec(text);
  if (iso !== null) {
    return fromIsoParts(iso, raw);
  }
  if (DAY_MONTH_ORDER.test(text)) {
    return {
      kind: 'reject',
      code: 'AMBIGUOUS_EVENT_TIME',
      message: `${quote(raw)} is ambiguous: the order of day and month is unknown; send ${ACCEPTED_FORMS}`,
    };
  }
  if (parseDecimal(text) !== undefined) {
    return fromEpochSecondsText(text, raw);
  }
  return invalid(raw, `it is not a timestamp; send ${ACCEPTED_FORMS}`);
}

function fromIsoParts(match: RegExpExecArray, raw: string): number | EventTimeOutcome {
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const [hour, minute, second] = [Number(match[4] ?? '0'), Number(match[5] ?? '0'), Number(match[6] ?? '0')];
  const fraction = match[7] ?? '';
  if (/[1-9]/.test(fraction.slice(3))) {
    return invalid(raw, 'it has digits below the millisecond, and event times have millisecond precision');
  }
  const milliseconds = Number(fraction.slice(0, 3).padEnd(3, '0'));
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, milliseconds);
  const roundTrips = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  if (!roundTrips || hour > 23 || minute > 59 || second > 59) {
    return invalid(raw, 'it names a date or time of day that does not exist');
  }
  return date.getTime() - offsetMinutes(match[8]) * 60_000;
}

function offsetMinutes(offset: string | undefined): number {
  if (offset === undefined || /^(z|utc)$/i.test(offset)) {
    return 0;
  }
  const digits = offset.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
  return offset.startsWith('-') ? -minutes : minutes;
}

function fromEpochSecondsText(text: string, raw: RawValue): number | EventTimeOutcome {
  const parsed = parseDecimal(text);
  if (parsed === undefined) {
    return invalid(raw, `it is not a timestamp; send ${ACCEPTED_FORMS}`);
  }
  // Milliseconds are the seconds' digits shifted three places; digits beyond that would be cut.
  const shift = parsed.exponent + 3;
  let digits = parsed.digits.replace(/^0+/, '') || '0';
  if (shift < 0) {
    const dropped = digits.slice(Math.max(0, digits.length + shift));
    if (/[1-9]/.test(dropped)) {
      return invalid(raw, 'it has digits below the millisecond, and event times have millisecond precision');
    }
    digits = digits.slice(0, Math.max(0, digits.length + shift)) || '0';
  } else if (digits.length + shift > 16) {
    return invalid(raw, 'it is outside the years 0001 to 9999 when read as epoch seconds');
  } else {
    digits += '0'.repeat(shift);
  }
  const epochMs = Number(digits);
  return parsed.negative ? -epochMs : epochMs;
}

function invalid(raw: RawValue, why: string): EventTimeOutcome {
  return { kind: 'reject', code: 'INVALID_EVENT_TIME', message: `${quote(raw)} is not a valid event time: ${why}` };
}
