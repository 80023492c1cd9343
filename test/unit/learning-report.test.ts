import type { ItemStockObservation } from '../../shared/ports/stock-history';
import { buildLearningReport, ordersOf } from '../../shared/use-cases/learning-report';
import { feedSimulation, learningDeps } from '../support/learning-simulation';

function seen(at: string, overrides: Partial<ItemStockObservation> = {}): ItemStockObservation {
  return {
    appId: '12',
    itemId: '2',
    sku: 'B-200',
    at,
    quantity: 10,
    reorderPoint: 12,
    ...overrides,
  };
}

describe('buildLearningReport (issue 14)', () => {
  it('shows per item the stock, the levels set and suggested, and the orders; per supplier the scorecard', async () => {
    // Prepare
    const subject = learningDeps();
    const now = await feedSimulation(subject, 3);

    // Act
    const report = await buildLearningReport(subject.deps, now);

    // Assess
    expect(report.generatedAt).toBe(now.toISOString());
    const [item] = report.items;
    expect(item).toMatchObject({
      appId: '12',
      itemId: '1',
      sku: 'A-1',
      name: 'ボールペン',
      supplierCode: 'S-1',
      reorderPoint: 20,
      maxStock: 100,
      suggestion: { kind: 'suggestion', leadTimeDays: 5, serviceLevel: 0.95 },
    });
    expect(item?.series.length).toBeGreaterThan(100);
    expect(item?.series.some((point) => point.cause === 'receipt')).toBe(true);
    expect(item?.orders.length).toBeGreaterThan(3);
    expect(item?.orders.every((order) => order.kind === 'placed' && order.quantity === 100)).toBe(
      true,
    );
    expect(report.suppliers).toEqual([
      expect.objectContaining({
        supplierCode: 'S-1',
        leadTime: expect.objectContaining({ mean: 5, standardDeviation: 0 }),
      }),
    ]);
    expect(report.shadow).toEqual([]);
  });

  it('compares the orders shadow mode would have placed with the ones staff placed', async () => {
    // Prepare: two shortages the bridge would have ordered (two notifications each), staff
    // ordered the first a day later (their own order number) and the second not at all.
    const subject = learningDeps({ shadow: true });
    const observations = [
      seen('2026-11-02T01:00:00.000Z', { quantity: 11, wouldOrder: { quantity: 90 } }),
      seen('2026-11-02T05:00:00.000Z', { quantity: 9, wouldOrder: { quantity: 90 } }),
      seen('2026-11-03T01:00:00.000Z', {
        quantity: 8,
        onOrder: 96,
        wouldOrder: { quantity: 90 },
        recordedOrder: { orderNumber: 'S-77', orderedAt: '2026-11-03T01:00:00Z' },
      }),
      seen('2026-11-05T01:00:00.000Z', { quantity: 100, cause: { kind: 'receipt', received: 96 } }),
      seen('2026-11-20T01:00:00.000Z', { quantity: 10, wouldOrder: { quantity: 90 } }),
    ];
    for (const [n, observation] of observations.entries()) {
      await subject.history.record('12', `n-${n}`, [observation]);
    }

    // Act
    const report = await buildLearningReport(subject.deps, new Date('2026-12-01T00:00:00Z'));

    // Assess
    expect(report.items[0]?.orders).toEqual([
      { at: '2026-11-02T01:00:00.000Z', quantity: 90, kind: 'shadow' },
      { at: '2026-11-03T01:00:00.000Z', quantity: 96, kind: 'placed', orderNumber: 'S-77' },
      { at: '2026-11-20T01:00:00.000Z', quantity: 90, kind: 'shadow' },
    ]);
    expect(report.shadow).toEqual([
      {
        appId: '12',
        sku: 'B-200',
        shadow: { count: 2, quantity: 180 },
        actual: { count: 1, quantity: 96 },
        matched: 1,
        onlyShadow: 1,
        onlyActual: 0,
        medianTimingHours: 24,
        medianQuantityDifference: 6,
      },
    ]);
  });

  it('counts an order the bridge placed once, though a retried notification recorded it twice', () => {
    const ordered = { orderNumber: 'PO-1', quantity: 84 };
    expect(
      ordersOf([
        seen('2026-11-02T01:00:00.000Z', { ordered }),
        seen('2026-11-02T01:00:05.000Z', { ordered }),
        seen('2026-11-02T01:00:09.000Z', { recordedOrder: { orderNumber: 'PO-1' } }),
      ]),
    ).toEqual([
      { at: '2026-11-02T01:00:00.000Z', quantity: 84, kind: 'placed', orderNumber: 'PO-1' },
    ]);
  });
});
