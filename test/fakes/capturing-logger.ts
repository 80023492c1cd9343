import { Logger, type LogItem } from '@aws-lambda-powertools/logger';

/**
 * A real Powertools Logger (so the handlers' middlewares run as in Lambda) that keeps each log
 * item instead of printing it. `printLog` is the Logger's protected output hook.
 *
 * @example
 * const logger = new CapturingLogger({ serviceName: 'test', logLevel: 'DEBUG' });
 * await handler(event, context);
 * expect(logger.text()).not.toContain(token);
 */
export class CapturingLogger extends Logger {
  readonly items: Record<string, unknown>[] = [];

  protected override printLog(_logLevel: number, log: LogItem): void {
    this.items.push(structuredClone(log.getAttributes()));
  }

  /** The items with the given message, in order. */
  withMessage(message: string): Record<string, unknown>[] {
    return this.items.filter((item) => item.message === message);
  }

  /** Every item as one JSON line each: what CloudWatch Logs would hold. */
  text(): string {
    return this.items.map((item) => JSON.stringify(item)).join('\n');
  }
}
