/**
 * The logging surface the core needs. Powertools' Logger satisfies it structurally, so the
 * core does not depend on Powertools and tests can pass a recording logger.
 */
export interface BridgeLogger {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

/** A logger that can carry keys (such as the correlation id) across a unit of work. */
export interface KeyedLogger extends BridgeLogger {
  appendKeys(attributes: Record<string, string>): void;
  removeKeys(keys: string[]): void;
}
