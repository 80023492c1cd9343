import fc from 'fast-check';
import type { Decision } from '../../../shared/domain/decision';
import { isCalendarDate } from '../../../shared/domain/dates';
import { evaluateReorder } from '../../../shared/domain/evaluate-reorder';
import { isSafeQuantity, MAX_SAFE_QUANTITY } from '../../../shared/domain/quantity';
import type {
  ItemAlertState,
  ItemSnapshot,
  MappedItem,
  OpenOrderRef,
} from '../../../shared/domain/item';
import { buildItem, EMPTY_RECORDED, NOW, POLICY } from './fixtures';

const KINDS: readonly Decision['kind'][] = [
  'order',
  'order-open',
  'no-order',
  'snoozed',
  'cannot-evaluate',
  'stale',
  'replay',
];

/** Any double at all: NaN, ±Infinity, -0, subnormals, huge and negative values. */
const anyNumber = fc.double();
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.option(arb, { nil: undefined });

/** Item numbers from anywhere in the double range, the way a broken mapping could send them. */
const wildItem: fc.Arbitrary<ItemSnapshot> = fc
  .record({
    onHand: anyNumber,
    reorderPoint: anyNumber,
    maxStock: maybe(anyNumber),
    reorderQuantity: maybe(anyNumber),
    packSize: anyNumber,
    minimumOrder: anyNumber,
    onOrder: maybe(anyNumber),
    reserved: maybe(anyNumber),
    leadTimeDays: fc.oneof(anyNumber, fc.integer({ min: -10, max: 100_000 })),
    snoozeUntil: maybe(fc.oneof(fc.string(), fc.constantFrom('', '2026-11-28', '2026-12-05'))),
  })
  .map((numbers) => buildItem(numbers));

/** Plausible items: mostly valid, so that ordering paths are exercised too. */
const plausibleItem: fc.Arbitrary<ItemSnapshot> = fc
  .record({
    onHand: fc.integer({ min: 0, max: 150 }),
    reorderPoint: fc.integer({ min: 0, max: 60 }),
    headroom: fc.integer({ min: 1, max: 100 }),
    useMaxStock: fc.boolean(),
    reorderQuantity: fc.integer({ min: 1, max: 50 }),
    packSize: fc.constantFrom(1, 6, 12, 0.5),
    minimumOrder: fc.integer({ min: 0, max: 30 }),
    onOrder: maybe(fc.integer({ min: 0, max: 40 })),
    reserved: maybe(fc.integer({ min: 0, max: 40 })),
    leadTimeDays: fc.integer({ min: 0, max: 30 }),
  })
  .map(({ headroom, useMaxStock, reorderQuantity, ...rest }) =>
    buildItem({
      ...rest,
      maxStock: useMaxStock ? rest.reorderPoint + headroom : undefined,
      reorderQuantity: useMaxStock ? undefined : reorderQuantity,
    }),
  );

function hasNonFiniteNumber(item: ItemSnapshot): boolean {
  const numbers = [
    item.onHand,
    item.reorderPoint,
    item.maxStock,
    item.reorderQuantity,
    item.packSize,
    item.minimumOrder,
    item.onOrder,
    item.reserved,
    item.leadTimeDays,
  ];
  return numbers.some((n) => n !== undefined && !isSafeQuantity(n));
}

function mappedOf(item: ItemSnapshot): MappedItem {
  return { ok: true, item };
}

describe('evaluateReorder properties', () => {
  it('never throws for arbitrary numbers, and never orders a non-positive or broken quantity', () => {
    fc.assert(
      fc.property(wildItem, (item) => {
        // Prepare
        const input = {
          mapped: mappedOf(item),
          state: {},
          notification: { id: 'n-1', revision: 1 },
          policy: POLICY,
          now: NOW,
        };

        // Act
        const decision = evaluateReorder(input);

        // Assess
        expect(KINDS).toContain(decision.kind);
        expect(decision.reason.length).toBeGreaterThan(0);
        if (hasNonFiniteNumber(item)) expect(decision.kind).toBe('cannot-evaluate');
        if (decision.kind === 'order') {
          expect(isSafeQuantity(decision.quantity)).toBe(true);
          expect(isSafeQuantity(decision.position)).toBe(true);
          expect(decision.quantity).toBeGreaterThan(0);
          expect(decision.quantity).toBeGreaterThanOrEqual(item.minimumOrder);
          expect(decision.position).toBeLessThanOrEqual(item.reorderPoint);
          expect(isCalendarDate(decision.desiredDeliveryDate)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('decides only storable quantities for items near the safe limit, whatever the packs', () => {
    // Prepare: every value in range, but sums and pack rounding can leave it.
    const huge = fc.integer({ min: 0, max: MAX_SAFE_QUANTITY });
    const nearLimit = fc
      .record({
        onHand: huge,
        reorderPoint: huge,
        maxStock: maybe(huge),
        reorderQuantity: maybe(fc.integer({ min: 1, max: MAX_SAFE_QUANTITY })),
        packSize: fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.constantFrom(0.1, 0.5, 7)),
        minimumOrder: huge,
        onOrder: maybe(huge),
        reserved: maybe(huge),
        leadTimeDays: fc.integer({ min: 0, max: 30 }),
      })
      .map((numbers) => buildItem(numbers));

    fc.assert(
      fc.property(nearLimit, (item) => {
        // Act
        const decision = evaluateReorder({
          mapped: mappedOf(item),
          state: {},
          notification: { id: 'n-1', revision: 1 },
          policy: POLICY,
          now: NOW,
        });

        // Assess: never throws, and an order carries numbers DynamoDB can store exactly.
        expect(KINDS).toContain(decision.kind);
        if (decision.kind === 'order') {
          expect(isSafeQuantity(decision.quantity)).toBe(true);
          expect(isSafeQuantity(decision.position)).toBe(true);
          expect(decision.quantity).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('never orders 0 or a negative quantity for plausible items', () => {
    fc.assert(
      fc.property(plausibleItem, (item) => {
        // Prepare
        const input = {
          mapped: mappedOf(item),
          state: {},
          notification: { id: 'n-1', revision: 1 },
          policy: POLICY,
          now: NOW,
        };

        // Act
        const decision = evaluateReorder(input);

        // Assess
        expect(['order', 'no-order']).toContain(decision.kind);
        if (decision.kind === 'order') {
          expect(decision.quantity).toBeGreaterThan(0);
          expect(decision.quantity).toBeGreaterThanOrEqual(item.minimumOrder);
          const packs = decision.quantity / item.packSize;
          expect(Math.abs(packs - Math.round(packs))).toBeLessThan(1e-6);
          if (item.maxStock !== undefined) {
            expect(decision.position + decision.quantity).toBeGreaterThanOrEqual(item.maxStock);
          }
        }
      }),
    );
  });

  it('is idempotent under replay: the same revision again is a replay, an older one is stale', () => {
    fc.assert(
      fc.property(
        fc.oneof(plausibleItem, wildItem),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 1000 }),
        (item, revision, back) => {
          // Prepare
          const notification = { id: `n-${revision}`, revision };
          const base = { mapped: mappedOf(item), policy: POLICY, now: NOW };
          const first = evaluateReorder({ ...base, state: {}, notification });
          const processed: ItemAlertState = { lastRevision: revision };

          // Act
          const again = evaluateReorder({ ...base, state: processed, notification });
          const older = evaluateReorder({
            ...base,
            state: processed,
            notification: { id: 'n-old', revision: revision - back },
          });

          // Assess
          expect(KINDS).toContain(first.kind);
          expect(again).toStrictEqual({
            kind: 'replay',
            reason: `リビジョン ${revision} は処理済み`,
          });
          expect(older.kind).toBe('stale');
        },
      ),
    );
  });

  it('is deterministic: the same input gives the same decision', () => {
    fc.assert(
      fc.property(fc.oneof(plausibleItem, wildItem), (item) => {
        // Prepare
        const input = {
          mapped: mappedOf(item),
          state: {},
          notification: { id: 'n-1', revision: 1 },
          policy: POLICY,
          now: NOW,
        };

        // Act
        const first = evaluateReorder(input);
        const second = evaluateReorder(input);

        // Assess
        expect(second).toStrictEqual(first);
      }),
    );
  });

  describe('at most one open order per item', () => {
    /** One kintone edit: new stock, and what the staff typed into the status fields. */
    const edit = fc.record({
      revisionStep: fc.integer({ min: -2, max: 3 }),
      onHand: fc.integer({ min: 0, max: 150 }),
      status: fc.constantFrom('', '発注済', '入荷済', 'キャンセル'),
      orderNumber: fc.constantFrom('open', 'other', 'none'),
      reflectedInKintone: fc.boolean(),
      mappable: fc.boolean(),
    });

    it('never decides an order while another one is still open, over any sequence of edits', () => {
      fc.assert(
        fc.property(
          plausibleItem,
          fc.array(edit, { minLength: 1, maxLength: 30 }),
          (item, edits) => {
            // Prepare: the bridge's state as the caller keeps it, but as a list so that a second
            // open order would show up instead of silently replacing the first.
            let lastRevision: number | undefined;
            let openOrders: OpenOrderRef[] = [];
            let revision = 10;
            let orderCount = 0;

            edits.forEach((step) => {
              revision += step.revisionStep;
              const current = openOrders[0];
              const orderNumber =
                step.orderNumber === 'open' && current !== undefined
                  ? current.orderNumber
                  : step.orderNumber === 'other'
                    ? 'PO-20250101-9999'
                    : '';
              const recorded = { ...EMPTY_RECORDED, status: step.status, orderNumber };
              const mapped: MappedItem = step.mappable
                ? { ok: true, item: { ...item, onHand: step.onHand, revision, recorded } }
                : {
                    ok: false,
                    appId: item.appId,
                    recordId: item.recordId,
                    revision,
                    problems: ['「在庫数」が数値ではありません ("abc")'],
                    recorded,
                  };

              // Act
              const decision = evaluateReorder({
                mapped,
                state: { lastRevision, openOrder: current },
                notification: { id: `n-${revision}`, revision },
                policy: POLICY,
                now: NOW,
              });

              // Assess
              if (current !== undefined && decision.closedOrderNumber === undefined) {
                expect(['order-open', 'stale', 'replay']).toContain(decision.kind);
              }
              if (decision.closedOrderNumber !== undefined) {
                expect(decision.closedOrderNumber).toBe(current?.orderNumber);
              }
              if (decision.kind === 'stale' || decision.kind === 'replay') return;
              lastRevision = revision;
              openOrders = openOrders.filter((o) => o.orderNumber !== decision.closedOrderNumber);
              if (decision.kind === 'order') {
                orderCount += 1;
                openOrders.push({
                  orderNumber: `PO-20261128-${String(orderCount).padStart(4, '0')}`,
                  quantity: decision.quantity,
                  reflectedInKintone: step.reflectedInKintone,
                });
              }
              expect(openOrders.length).toBeLessThanOrEqual(1);
            });
          },
        ),
      );
    });
  });
});
