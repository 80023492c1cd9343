import type { BridgeMetrics, MetricName } from '../../ports/bridge-metrics';
import type { BridgeLogger } from '../../ports/logger';

/**
 * {@link BridgeMetrics} for the local stack: each count becomes a debug log line, so the
 * counting code runs as in AWS without CloudWatch (set POWERTOOLS_LOG_LEVEL=DEBUG to see them).
 *
 * @example
 * const metrics = new LoggingBridgeMetrics(logger);
 * metrics.count('EmailsSent'); // {"level":"DEBUG","message":"metric","metric":"EmailsSent","value":1}
 */
export class LoggingBridgeMetrics implements BridgeMetrics {
  constructor(private readonly logger: BridgeLogger) {}

  count(name: MetricName, value = 1): void {
    this.logger.debug('metric', { metric: name, value });
  }
}
