import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { applyCaseRule } from '../../runtime/clean/categorical.js';
import { parseEventTime } from '../../runtime/clean/event-time.js';
import { cleanFeatureValue } from '../../runtime/clean/feature-value.js';
import type { CleanOutcome } from '../../runtime/clean/outcome.js';
import { DEFAULT_BOOLEAN_WORDS, DEFAULT_NULL_TOKENS, type FeatureCleaning, type IngestFeature } from '../../runtime/ingest-config.js';
import type { RawValue } from '../../runtime/ports.js';

const BASE: FeatureCleaning = { trim: true, nullTokens: DEFAULT_NULL_TOKENS, coerceNumbers: true };

function feature(type: IngestFeature['type'], cleaning: Partial<FeatureCleaning> = {}, extra: Partial<IngestFeature> = {}): IngestFeature {
  return { name: 'f', type, sourceColumn: 'f', cleaning: { ...BASE, ...cleaning }, ...extra };
}

/** Shows an outcome as one comparable string: the text, `missing`, `list:[..]` or the reject code. */
function show(outcome: CleanOutcome): string {
  switch (outcome.kind) {
    case 'value':
      return outcome.text;
    case 'missing':
      return 'missing';
    case 'list':
      return `list:${JSON.stringify(outcome.values)}`;
    case 'reject':
      return outcome.code;
  }
}

function table(name: string, subject: IngestFeature, cases: readonly (readonly [RawValue, string])[]): void {
  test(name, () => {
    for (const [raw, expected] of cases) {
      assert.is(show(cleanFeatureValue(subject, raw)), expected, `${String(raw)} (${typeof raw})`);
    }
  });
}

table('null tokens mean missing', feature('String'), [
  ['', 'missing'],
  ['   ', 'missing'],
  ['NA', 'missing'],
  ['n/a', 'missing'],
  [' N/A ', 'missing'],
  ['NaN', 'missing'],
  ['nan', 'missing'],
  ['None', 'missing'],
  ['NONE', 'missing'],
  ['null', 'missing'],
  ['Null', 'missing'],
  ['NaT', 'missing'],
  [null, 'missing'],
  ['nah', 'nah'],
  ['0', '0'],
]);

table('custom null tokens replace defaults', feature('String', { nullTokens: ['-', 'unknown'] }), [
  ['-', 'missing'],
  [' UNKNOWN ', 'missing'],
  ['NA', 'NA'],
  ['', ''],
]);

table('integral canonical text', feature('Integral'), [
  ['1.0', '1'],
  [' 12 ', '12'],
  ['-0', '0'],
  ['+7', '7'],
  ['007', '7'],
  ['1e3', '1000'],
  ['1.50e1', '15'],
  ['-12.000', '-12'],
  ['9223372036854775807', '9223372036854775807'],
  ['-9223372036854775808', '-9223372036854775808'],
  [42, '42'],
  [-0, '0'],
  [42n, '42'],
  [true, '1'],
]);

table('integral rejects', feature('Integral'), [
  ['2.5', 'NOT_AN_INTEGER'],
  ['1e-1', 'NOT_AN_INTEGER'],
  [2.5, 'NOT_AN_INTEGER'],
  ['9223372036854775808', 'INTEGER_OUT_OF_RANGE'],
  ['-9223372036854775809', 'INTEGER_OUT_OF_RANGE'],
  ['1e19', 'INTEGER_OUT_OF_RANGE'],
  ['1e999999', 'INTEGER_OUT_OF_RANGE'],
  [2n ** 63n, 'INTEGER_OUT_OF_RANGE'],
  [1e20, 'INTEGER_OUT_OF_RANGE'],
  ['twelve', 'NOT_A_NUMBER'],
  ['1,000', 'NOT_A_NUMBER'],
  ['0x10', 'NOT_A_NUMBER'],
  ['.', 'NOT_A_NUMBER'],
  ['inf', 'NOT_FINITE'],
  [Number.POSITIVE_INFINITY, 'NOT_FINITE'],
  [new Date(0), 'UNSUPPORTED_VALUE_TYPE'],
]);

table('integral without coercion', feature('Integral', { coerceNumbers: false }), [
  ['12', 'NOT_A_NUMBER'],
  [12, '12'],
  ['NA', 'missing'],
]);

table('fractional canonical text', feature('Fractional'), [
  ['29.85', '29.85'],
  [' 29.850 ', '29.85'],
  ['1.0', '1'],
  ['-0.0', '0'],
  ['.5', '0.5'],
  ['1e21', '1e+21'],
  ['1E-7', '1e-7'],
  [0.1, '0.1'],
  [3n, '3'],
]);

table('fractional rejects', feature('Fractional'), [
  ['inf', 'NOT_FINITE'],
  ['-Infinity', 'NOT_FINITE'],
  ['1e400', 'NOT_FINITE'],
  [Number.NaN, 'NOT_FINITE'],
  ['abc', 'NOT_A_NUMBER'],
  ['12,5', 'NOT_A_NUMBER'],
  [true, 'UNSUPPORTED_VALUE_TYPE'],
]);

table('fractional NaN without null token', feature('Fractional', { nullTokens: [''] }), [
  ['NaN', 'NOT_FINITE'],
  ['', 'missing'],
]);

table('boolean words map to 1 and 0', feature('Integral', { booleanWords: DEFAULT_BOOLEAN_WORDS }), [
  ['Yes', '1'],
  [' yes ', '1'],
  ['TRUE', '1'],
  ['1', '1'],
  ['1.0', '1'],
  ['no', '0'],
  ['False', '0'],
  ['0', '0'],
  [1, '1'],
  [0n, '0'],
  [false, '0'],
  ['', 'missing'],
  ['maybe', 'UNKNOWN_BOOLEAN_WORD'],
  ['2', 'UNKNOWN_BOOLEAN_WORD'],
  [2, 'UNKNOWN_BOOLEAN_WORD'],
]);

table('declared boolean words only', feature('Integral', { booleanWords: { true: ['Y'], false: ['N'] } }), [
  ['y', '1'],
  ['N', '0'],
  ['yes', 'UNKNOWN_BOOLEAN_WORD'],
]);

table('allowed values map spelling', feature('String', { allowedValues: { values: ['DSL', 'Fiber optic', 'No'], onUnknown: 'reject' } }), [
  ['dsl', 'DSL'],
  ['  Dsl ', 'DSL'],
  ['FIBER OPTIC', 'Fiber optic'],
  ['fiber   optic', 'Fiber optic'],
  ['no', 'No'],
  ['Fibre optic', 'UNKNOWN_CATEGORY'],
  ['', 'missing'],
]);

table('unknown category kept', feature('String', { allowedValues: { values: ['Yes', 'No'], onUnknown: 'keep' }, caseRule: 'title' }), [
  ['YES', 'Yes'],
  [' no phone SERVICE ', 'No Phone Service'],
]);

table('string trim on and off', feature('String', { trim: false }), [
  ['  padded ', '  padded '],
  [12, '12'],
  [true, 'true'],
]);

table('title case rule', feature('String', { caseRule: 'title' }), [
  ['fiber OPTIC', 'Fiber Optic'],
  ['DSL', 'Dsl'],
  ['month-to-month', 'Month-To-Month'],
  ['  electronic check ', 'Electronic Check'],
]);

test('lower and upper case rules', () => {
  assert.is(applyCaseRule('Fiber Optic', 'lower'), 'fiber optic');
  assert.is(applyCaseRule('Fiber Optic', 'upper'), 'FIBER OPTIC');
});

table('list collection elements', feature('Integral', {}, { collectionType: 'List' }), [
  [['1', ' 2 ', 3], 'list:["1","2","3"]'],
  ['[1, 2.0, 3]', 'list:["1","2","3"]'],
  ['[4, 5]', 'list:["4","5"]'],
  ['[]', 'list:[]'],
  [['1', '2.5'], 'NOT_AN_INTEGER'],
  [['1', null], 'NULL_IN_COLLECTION'],
  ['1,2', 'INVALID_COLLECTION'],
]);

table('set collection drops repeats', feature('String', {}, { collectionType: 'Set' }), [
  [[' a', 'b', 'a '], 'list:["a","b"]'],
  ['["x","x"]', 'list:["x"]'],
  ['[red, green, red]', 'list:["red","green"]'],
]);

table('vector dimension', feature('Fractional', {}, { collectionType: 'Vector', vectorDimension: 2 }), [
  [[0.5, '1'], 'list:["0.5","1"]'],
  [[0.5], 'VECTOR_DIMENSION_MISMATCH'],
  [['x', 1], 'NOT_A_NUMBER'],
]);

/** Parses an event time for a feature of `type` and shows the text or the reject code. */
function eventTime(raw: RawValue, type: IngestFeature['type'] = 'String'): string {
  const outcome = parseEventTime(raw, type);
  return outcome.kind === 'time' ? outcome.time.text : outcome.code;
}

test('event time ISO forms', () => {
  assert.is(eventTime('2021-01-11T10:00:00Z'), '2021-01-11T10:00:00Z');
  assert.is(eventTime('2021-01-11T12:00:00+02:00'), '2021-01-11T10:00:00Z');
  assert.is(eventTime('2021-01-11T05:30:00-0430'), '2021-01-11T10:00:00Z');
  assert.is(eventTime('2021-01-11T10:00:00.250Z'), '2021-01-11T10:00:00.250Z');
  assert.is(eventTime('2021-01-11T10:00:00.000Z'), '2021-01-11T10:00:00Z');
  assert.is(eventTime('2021-01-11T10:00Z'), '2021-01-11T10:00:00Z');
  assert.is(eventTime('2021-01-11'), '2021-01-11T00:00:00Z');
  assert.is(eventTime(' 2021-01-11T10:00:00Z '), '2021-01-11T10:00:00Z');
});

test('event time Athena text', () => {
  assert.is(eventTime('2021-01-11 10:00:00'), '2021-01-11T10:00:00Z');
  assert.is(eventTime('2021-01-11 10:00:00.123'), '2021-01-11T10:00:00.123Z');
  assert.is(eventTime('2021-01-11 10:00:00 UTC'), '2021-01-11T10:00:00Z');
});

test('event time epoch seconds', () => {
  assert.is(eventTime('1610359200'), '2021-01-11T10:00:00Z');
  assert.is(eventTime('1610359200.5'), '2021-01-11T10:00:00.500Z');
  assert.is(eventTime(1610359200), '2021-01-11T10:00:00Z');
  assert.is(eventTime(1610359200n), '2021-01-11T10:00:00Z');
  assert.is(eventTime(new Date(Date.UTC(2021, 0, 11, 10))), '2021-01-11T10:00:00Z');
});

test('event time rejects', () => {
  assert.is(eventTime('11/01/2021'), 'AMBIGUOUS_EVENT_TIME');
  assert.is(eventTime('01-11-2021'), 'AMBIGUOUS_EVENT_TIME');
  assert.is(eventTime('11.01.2021 10:00'), 'AMBIGUOUS_EVENT_TIME');
  assert.is(eventTime('2021-02-30T00:00:00Z'), 'INVALID_EVENT_TIME');
  assert.is(eventTime('2021-01-11T24:00:00Z'), 'INVALID_EVENT_TIME');
  assert.is(eventTime('2021-01-11T10:00:00.1234Z'), 'INVALID_EVENT_TIME');
  assert.is(eventTime('yesterday'), 'INVALID_EVENT_TIME');
  assert.is(eventTime('1610359200000000'), 'INVALID_EVENT_TIME');
  assert.is(eventTime('1610359200.0001'), 'INVALID_EVENT_TIME');
  assert.is(eventTime(Number.NaN), 'INVALID_EVENT_TIME');
});

test('fractional event time is epoch seconds', () => {
  assert.is(eventTime('2021-01-11T10:00:00Z', 'Fractional'), '1610359200');
  assert.is(eventTime('2021-01-11T10:00:00.250Z', 'Fractional'), '1610359200.25');
  assert.is(eventTime('1610359200.5', 'Fractional'), '1610359200.5');
  assert.is(eventTime(' 1610359200 ', 'Fractional'), '1610359200');
});

test('event time keeps epoch milliseconds', () => {
  const outcome = parseEventTime('2021-01-11T12:00:00.5+02:00', 'String');
  assert.is(outcome.kind, 'time');
  assert.is(outcome.kind === 'time' ? outcome.time.epochMs : undefined, Date.UTC(2021, 0, 11, 10, 0, 0, 500));
});

test.run();
