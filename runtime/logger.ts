/**
 * The runtime's JSON logger: pino writing one JSON object per line to stdout, which SageMaker
 * sends to CloudWatch. Writes are synchronous so no line is lost when the process exits.
 */
import { pino } from 'pino';
import type { Logger } from './ports.js';

export function createRuntimeLogger(level: string = process.env['SAGEPIPE_LOG_LEVEL'] ?? 'info'): Logger & { flush(): void } {
  const logger = pino(
    {
      level,
      base: { component: 'sagepipe-ingest' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Record values and credentials never belong in logs; these keys are dropped if passed.
      redact: { paths: ['record', 'records', 'values', 'credentials', '*.secretAccessKey', '*.sessionToken'], remove: true },
    },
    pino.destination({ dest: 1, sync: true }),
  );
  return {
    debug: (data, message) => logger.debug(data, message),
    info: (data, message) => logger.info(data, message),
    warn: (data, message) => logger.warn(data, message),
    error: (data, message) => logger.error(data, message),
    flush: () => logger.flush(),
  };
}
