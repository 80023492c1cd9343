import type { BridgeMetrics, MetricName } from '../../shared/ports/bridge-metrics';

/** One count as the {@link RecordingMetrics} kept it. */
export interface RecordedCount {
  name: MetricName;
  value: number;
}

/**
 * {@link BridgeMetrics} in memory: keeps every count so tests can assert what an operator's
 * dashboard would show.
 *
 * @example
 * const metrics = new RecordingMetrics();
 * metrics.count('EmailsSent');
 * metrics.total('EmailsSent'); // 1
 */
export class RecordingMetrics implements BridgeMetrics {
  readonly counts: RecordedCount[] = [];

  count(name: MetricName, value = 1): void {
    this.counts.push({ name, value });
  }

  /** The sum of the counts of one metric (0 when never counted). */
  total(name: MetricName): number {
    return this.counts.filter((c) => c.name === name).reduce((sum, c) => sum + c.value, 0);
  }

  /** Sums of every metric counted, by name. */
  totals(): Partial<Record<MetricName, number>> {
    const totals: Partial<Record<MetricName, number>> = {};
    for (const { name, value } of this.counts) totals[name] = (totals[name] ?? 0) + value;
    return totals;
  }
}
