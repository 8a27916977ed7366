/** The logger of local commands: pino on stderr, at level warn unless SAGEPIPE_LOG_LEVEL sets another. */
import { pino } from 'pino';
import type { Logger } from '../../runtime/ports.js';

/** Levels pino accepts; anything else falls back to `warn`. */
const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** Creates the logger; SAGEPIPE_LOG_LEVEL sets the level (default `warn`). */
export function createLocalLogger(environment: NodeJS.ProcessEnv = process.env): Logger {
  const requested = environment['SAGEPIPE_LOG_LEVEL'] ?? 'warn';
  return pino({ level: LEVELS.has(requested) ? requested : 'warn', base: null }, pino.destination(2));
}
