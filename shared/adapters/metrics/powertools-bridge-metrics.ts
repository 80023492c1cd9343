import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Env } from '../../config/env';
import type { BridgeMetrics, MetricName } from '../../ports/bridge-metrics';
import type { BridgeLogger } from '../../ports/logger';

/** Namespace used when `POWERTOOLS_METRICS_NAMESPACE` is not set. */
export const DEFAULT_METRICS_NAMESPACE = 'StockAlertBridge';
/** Service name (the `service` dimension and log key) when `POWERTOOLS_SERVICE_NAME` is not set. */
export const DEFAULT_SERVICE_NAME = 'stock-alert-bridge';

/**
 * {@link BridgeMetrics} on Powertools Metrics: each count is added to the instance, and the
 * `logMetrics` middleware publishes them as one EMF line when the invocation ends.
 *
 * @example
 * const powertools = createPowertoolsMetrics(process.env);
 * const metrics = new PowertoolsBridgeMetrics(powertools);
 * middy(handler).use(logMetrics(powertools));
 */
export class PowertoolsBridgeMetrics implements BridgeMetrics {
  constructor(readonly powertools: Metrics) {}

  count(name: MetricName, value = 1): void {
    this.powertools.addMetric(name, MetricUnit.Count, value);
  }
}

/** Start of Powertools' warning for an invocation that added no metric. */
const NO_METRICS_WARNING = 'No application metrics to publish';

/**
 * A Powertools Metrics instance with the function's namespace and service (the `service`
 * default dimension) from the environment, falling back to the bridge's defaults.
 *
 * @param logger receives Powertools' own messages. Its warning about an invocation without
 *   metrics is logged at debug level: a rejected webhook or a replayed notification counts
 *   nothing, and a warning for each would only be noise.
 *
 * @example
 * const powertools = createPowertoolsMetrics(process.env, logger);
 */
export function createPowertoolsMetrics(env: Env, logger?: BridgeLogger): Metrics {
  return new Metrics({
    namespace: env.POWERTOOLS_METRICS_NAMESPACE?.trim() || DEFAULT_METRICS_NAMESPACE,
    serviceName: env.POWERTOOLS_SERVICE_NAME?.trim() || DEFAULT_SERVICE_NAME,
    ...(logger ? { logger: quietAboutEmptyInvocations(logger) } : {}),
  });
}

function quietAboutEmptyInvocations(logger: BridgeLogger): BridgeLogger {
  return {
    debug: (message, ...extra) => logger.debug(message, ...extra),
    info: (message, ...extra) => logger.info(message, ...extra),
    warn: (message, ...extra) =>
      String(message).startsWith(NO_METRICS_WARNING)
        ? logger.debug(message, ...extra)
        : logger.warn(message, ...extra),
    error: (message, ...extra) => logger.error(message, ...extra),
  };
}
