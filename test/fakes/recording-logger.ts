import type { KeyedLogger } from '../../shared/ports/logger';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** One log call as the {@link RecordingLogger} kept it. */
export interface LogEntry {
  level: LogLevel;
  message: string;
  /** The extra objects of the call, merged left to right as Powertools merges them. */
  extra: Record<string, unknown>;
  /** The appended keys in force when the entry was logged (a copy). */
  keys: Record<string, string>;
}

/**
 * {@link KeyedLogger} that records entries instead of printing them, so tests can assert what
 * an operator would see (the message, its fields and the correlation id).
 *
 * @example
 * const logger = new RecordingLogger();
 * logger.appendKeys({ correlation_id: 'n-1' });
 * logger.error('failed', { receiveCount: '2' });
 * logger.entries[0]; // { level: 'error', message: 'failed', extra: { receiveCount: '2' }, keys: { correlation_id: 'n-1' } }
 */
export class RecordingLogger implements KeyedLogger {
  readonly entries: LogEntry[] = [];
  private keys: Record<string, string> = {};

  debug(message: string, ...extra: Record<string, unknown>[]): void {
    this.record('debug', message, extra);
  }

  info(message: string, ...extra: Record<string, unknown>[]): void {
    this.record('info', message, extra);
  }

  warn(message: string, ...extra: Record<string, unknown>[]): void {
    this.record('warn', message, extra);
  }

  error(message: string, ...extra: Record<string, unknown>[]): void {
    this.record('error', message, extra);
  }

  appendKeys(attributes: Record<string, string>): void {
    this.keys = { ...this.keys, ...attributes };
  }

  removeKeys(keys: string[]): void {
    this.keys = Object.fromEntries(
      Object.entries(this.keys).filter(([key]) => !keys.includes(key)),
    );
  }

  /** The entries with the given message, in order. */
  withMessage(message: string): LogEntry[] {
    return this.entries.filter((entry) => entry.message === message);
  }

  private record(level: LogLevel, message: string, extra: Record<string, unknown>[]): void {
    this.entries.push({
      level,
      message,
      extra: structuredClone(Object.assign({}, ...extra) as Record<string, unknown>),
      keys: { ...this.keys },
    });
  }
}
