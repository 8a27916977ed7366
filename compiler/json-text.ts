import type { JsonValue } from '../dsl/json.js';

/**
 * Serializes JSON the way the SageMaker Python SDK sends a pipeline definition (Python's
 * `json.dumps` defaults): `", "` and `": "` separators, no indentation, keys in insertion order,
 * and every character above U+007F written as a `\uXXXX` escape.
 */
export function toCompactJson(value: JsonValue): string {
  if (value === null || typeof value === 'boolean') {
    return String(value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new RangeError(`cannot serialize the number ${value} as JSON`);
    }
    return JSON.stringify(value);
  }
  if (typeof value === 'string') {
    return asciiString(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map(toCompactJson).join(', ')}]`;
  }
  const entries = Object.entries(value).map(([key, item]) => `${asciiString(key)}: ${toCompactJson(item)}`);
  return `{${entries.join(', ')}}`;
}

/** Pretty-prints JSON for review, two-space indented with a final newline, keys in insertion order. */
export function toPrettyJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function asciiString(text: string): string {
  return JSON.stringify(text).replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
