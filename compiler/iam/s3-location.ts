import { type Expression, isExpression, type Join, type StepProperty } from '../../dsl/expressions.js';
import type { S3Location, S3PropertySource } from '../../steps/iam.js';

/** A piece of a URI value: literal text, or a value only known at run time. */
type Segment = { readonly literal: string } | { readonly dynamic: string };

/** Resolution depth limit: step properties may point at other steps' properties. */
const MAX_DEPTH = 8;

const BUCKET = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/|$)/;

/** The outcome of resolving an S3 URI value: a location, or why there is none. */
export type S3Resolution = { readonly location: S3Location } | { readonly reason: string };

/**
 * Resolves an S3 URI value to the location it takes when the pipeline runs. A join contributes
 * its literal values, each run-time value becomes `*` in the key pattern, and a Processing
 * output, Training model artifact or Transform output property resolves to the location its
 * step configures. The bucket must be literal, or the value is not resolved.
 */
export function resolveS3Location(value: unknown): S3Resolution {
  const segments = merge(segmentsOf(value, 0));
  const first = segments[0];
  const prefix = first !== undefined && 'literal' in first ? first.literal : '';
  const dynamic = segments.find((segment): segment is { readonly dynamic: string } => 'dynamic' in segment);

  // With a run-time value after it, the literal text must reach past the bucket name's '/'.
  const bucket = BUCKET.exec(prefix);
  if (bucket === null || (dynamic !== undefined && !bucket[0].endsWith('/'))) {
    if (dynamic === undefined) {
      return { reason: `'${prefix}' is not an S3 URI` };
    }
    const where = prefix === '' ? 'the value' : `the value after '${prefix}'`;
    return { reason: `${where} is ${dynamic.dynamic}, so the bucket is only known at run time` };
  }

  const keyStart = `s3://${bucket[1]}/`.length;
  const pattern = segments.map((segment) => ('literal' in segment ? segment.literal : '*')).join('');
  return {
    location: {
      bucket: bucket[1] as string,
      keyPrefix: prefix.slice(keyStart),
      keyPattern: pattern.slice(keyStart),
      exact: dynamic === undefined,
    },
  };
}

/** Joins neighboring literals and neighboring run-time values, so `*` never repeats. */
function merge(segments: readonly Segment[]): Segment[] {
  const merged: Segment[] = [];
  for (const segment of segments) {
    const last = merged[merged.length - 1];
    if ('literal' in segment && segment.literal === '') {
      continue;
    }
    if (last !== undefined && 'literal' in last && 'literal' in segment) {
      merged[merged.length - 1] = { literal: last.literal + segment.literal };
    } else if (last === undefined || 'literal' in last || 'literal' in segment) {
      merged.push(segment);
    }
  }
  return merged;
}

function segmentsOf(value: unknown, depth: number): Segment[] {
  if (typeof value === 'string') {
    return [{ literal: value }];
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return [{ literal: String(value) }];
  }
  if (!isExpression(value) || depth > MAX_DEPTH) {
    return [{ dynamic: 'not a literal' }];
  }
  const expression = value as Expression;
  if (expression.expressionKind === 'join') {
    const join = expression as Join;
    return join.values.flatMap((part, index) => [...(index > 0 ? [{ literal: join.separator }] : []), ...segmentsOf(part, depth + 1)]);
  }
  if (expression.expressionKind === 'step-property') {
    return propertySegments(expression as StepProperty, depth);
  }
  return [{ dynamic: expression.describe() }];
}

function propertySegments(property: StepProperty, depth: number): Segment[] {
  const source = property.step as unknown as Partial<S3PropertySource>;
  const target = source.propertyS3Source?.(property.path);
  if (target === undefined) {
    return [{ dynamic: property.describe() }];
  }
  const segments = segmentsOf(target.uri, depth + 1);
  if (!target.below) {
    return segments;
  }
  // The property names an object below the configured folder, in a sub-path the job chooses.
  const last = segments[segments.length - 1];
  const folder = last !== undefined && 'literal' in last && last.literal.endsWith('/') ? [] : [{ literal: '/' }];
  return [...segments, ...folder, { dynamic: property.describe() }];
}
