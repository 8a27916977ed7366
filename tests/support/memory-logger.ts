import type { Logger } from '../../runtime/ports.js';

export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly data: object;
}

/** A Logger that keeps every entry, so tests can check what was logged and what was not. */
export class MemoryLogger implements Logger {
  readonly entries: LogEntry[] = [];

  debug(data: object, message: string): void {
    this.entries.push({ level: 'debug', message, data });
  }

  info(data: object, message: string): void {
    this.entries.push({ level: 'info', message, data });
  }

  warn(data: object, message: string): void {
    this.entries.push({ level: 'warn', message, data });
  }

  error(data: object, message: string): void {
    this.entries.push({ level: 'error', message, data });
  }

  /** Serializes every entry to one JSON text, for checks that a value never appears in the log. */
  text(): string {
    return JSON.stringify(this.entries, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
  }
}
