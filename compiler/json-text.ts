import type { JsonValue } from '../dsl/json.js';

/**
 * Serializes JSON the way the SageMaker Python SDK sends a pipeline definition (Python's
 * `json.dumps` defaults): `", "` and `": "` separators, no indentation, keys in insertion order,
 * and every character above U+007F written as a `\uXXXX` escape.
 */
export function toCompactJson(value: JsonValue): string {
  // V8 concatenates strings as ropes, which is faster here than collecting parts and joining them.
  let out = '';
  const write = (item: JsonValue): void => {
    if (typeof item === 'string') {
      out += asciiString(item);
    } else if (item === null || typeof item === 'boolean') {
      out += String(item);
    } else if (typeof item === 'number') {
      if (!Number.isFinite(item)) {
        throw new RangeError(`cannot serialize the number ${item} as JSON`);
      }
      out += JSON.stringify(item);
    } else if (Array.isArray(item)) {
      out += '[';
      for (let index = 0; index < item.length; index++) {
        if (index > 0) {
          out += ', ';
        }
        write(item[index] as JsonValue);
      }
      out += ']';
    } else {
      out += '{';
      let first = true;
      for (const key in item) {
        if (!first) {
          out += ', ';
        }
        first = false;
        out += `${asciiString(key)}: `;
        write(item[key] as JsonValue);
      }
      out += '}';
    }
  };
  write(value);
  return out;
}

/** Pretty-prints JSON for review, two-space indented with a final newline, keys in insertion order. */
export function toPrettyJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

const NON_ASCII = /[\u0080-\uffff]/;
const NON_ASCII_GLOBAL = /[\u0080-\uffff]/g;

function asciiString(text: string): string {
  const quoted = JSON.stringify(text);
  if (!NON_ASCII.test(quoted)) {
    return quoted;
  }
  return quoted.replace(NON_ASCII_GLOBAL, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
