/**
 * The logger of local commands: pino on stderr, at level warn unless SAGEPIPE_LOG_LEVEL sets
 * another. On a terminal each entry is one readable line, `level: message key=value ...`; in a
 * pipe or file it stays one JSON object per line, for tools.
 */
import { pino } from 'pino';
import type { Logger } from '../../runtime/ports.js';

/** Levels pino accepts; anything else falls back to `warn`. */
const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** pino's number of level debug; errors logged at it or below show their stack. */
const DEBUG_LEVEL = 20;

/** The stream the logger writes to; `isTTY` picks the format. */
export interface LogStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/** Creates the logger; SAGEPIPE_LOG_LEVEL sets the level (default `warn`). */
export function createLocalLogger(environment: NodeJS.ProcessEnv = process.env, stream: LogStream = process.stderr): Logger {
  const requested = environment['SAGEPIPE_LOG_LEVEL'] ?? 'warn';
  const level = LEVELS.has(requested) ? requested : 'warn';
  if (stream.isTTY === true) {
    // Carriage return and erase-line first, so an entry replaces a progress line that is being drawn.
    return pino({ level, base: null, timestamp: false }, { write: (line: string) => stream.write(`\r\u001b[K${formatLogLine(line)}`) });
  }
  return pino({ level, base: null }, stream === process.stderr ? pino.destination(2) : { write: (line: string) => stream.write(line) });
}

/**
 * Formats one pino JSON line as `level: message key=value ...` and a line break. Text values
 * with spaces, quotes or `=` are JSON-quoted, objects are compact JSON, and an error shows its
 * message, plus its stack at level debug and below. A line that is not JSON passes through.
 */
export function formatLogLine(jsonLine: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(jsonLine) as Record<string, unknown>;
  } catch {
    return jsonLine.endsWith('\n') ? jsonLine : `${jsonLine}\n`;
  }
  const { level, msg, time: _time, ...fields } = entry;
  const levelNumber = Number(level);
  const parts = [`${pino.levels.labels[levelNumber] ?? String(level)}: ${typeof msg === 'string' ? msg : ''}`];
  let stack: string | undefined;
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'err' && typeof value === 'object' && value !== null) {
      const error = value as { message?: unknown; stack?: unknown };
      parts.push(`err=${formatValue(error.message ?? value)}`);
      if (levelNumber <= DEBUG_LEVEL && typeof error.stack === 'string') {
        stack = error.stack;
      }
      continue;
    }
    parts.push(`${key}=${formatValue(value)}`);
  }
  const line = parts.join(' ');
  return stack === undefined ? `${line}\n` : `${line}\n${stack.replace(/^/gm, '    ')}\n`;
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') {
    return value !== '' && /^[^\s"'=]+$/.test(value) ? value : JSON.stringify(value);
  }
  if (typeof value === 'object' && value !== null) {
    return JSON.stringify(value);
  }
  return String(value);
}
