import fc from 'fast-check';
import type { OpenOrderRef } from '../../../shared/domain/item';
import {
  computeOrderQuantity,
  inventoryPosition,
  planOrderQuantity,
  roundQuantity,
} from '../../../shared/domain/quantity';

/** Slack for comparing quantities that went through 6-decimal rounding. */
const EPSILON = 1e-6;

function isMultipleOf(quantity: number, pack: number): boolean {
  const packs = quantity / pack;
  return Math.abs(packs - Math.round(packs)) < EPSILON;
}

/** Whole packs as most suppliers sell, and the decimal packs (kg, m) that trip rounding. */
const packSize = fc.oneof(fc.integer({ min: 1, max: 50 }), fc.constantFrom(0.1, 0.25, 0.5, 1.5));
/** Stock levels with one decimal, as staff type them. */
const tenths = (min: number, max: number): fc.Arbitrary<number> =>
  fc.integer({ min: min * 10, max: max * 10 }).map((n) => n / 10);

describe('inventoryPosition', () => {
  const bridgeOrder: OpenOrderRef = {
    orderNumber: 'PO-20261128-0001',
    quantity: 84,
    reflectedInKintone: false,
  };

  it('is the stock on hand when nothing else is known', () => {
    // Act
    const position = inventoryPosition({ onHand: 18 }, []);

    // Assess
    expect(position).toBe(18);
  });

  it('adds stock on order and the bridge’s unreflected orders, and subtracts reserved', () => {
    // Act
    const position = inventoryPosition({ onHand: 18, onOrder: 8, reserved: 4 }, [bridgeOrder]);

    // Assess
    expect(position).toBe(106);
  });

  it('does not count twice an order kintone already shows as on order', () => {
    // Prepare
    const reflected: OpenOrderRef = { ...bridgeOrder, reflectedInKintone: true };

    // Act
    const position = inventoryPosition({ onHand: 18, onOrder: 84 }, [reflected]);

    // Assess
    expect(position).toBe(102);
  });

  it('removes binary noise from decimal stock', () => {
    // Act
    const position = inventoryPosition({ onHand: 0.1, onOrder: 0.2 }, []);

    // Assess
    expect(position).toBe(0.3);
  });
});

describe('computeOrderQuantity', () => {
  it('orders up to the maximum, rounded up to whole packs (82 -> 84)', () => {
    // Act
    const quantity = computeOrderQuantity(
      { reorderPoint: 20, maxStock: 100, packSize: 12, minimumOrder: 24 },
      18,
    );

    // Assess
    expect(quantity).toBe(84);
  });

  it('orders the fixed quantity when it covers the shortfall', () => {
    // Act
    const quantity = computeOrderQuantity(
      { reorderPoint: 10, reorderQuantity: 20, packSize: 1, minimumOrder: 0 },
      4,
    );

    // Assess
    expect(quantity).toBe(20);
  });

  it('raises the fixed quantity to the shortfall (position -30, reorder point 10 -> 40)', () => {
    // Act
    const plan = planOrderQuantity(
      { reorderPoint: 10, reorderQuantity: 20, packSize: 1, minimumOrder: 0 },
      -30,
    );

    // Assess
    expect(plan).toStrictEqual({
      quantity: 40,
      basis: 'shortfall',
      needed: 40,
      raisedToMinimum: false,
    });
  });

  it('raises a small need to the supplier minimum, then to whole packs', () => {
    // Act
    const plan = planOrderQuantity(
      { reorderPoint: 20, maxStock: 25, packSize: 12, minimumOrder: 30 },
      20,
    );

    // Assess
    expect(plan).toStrictEqual({
      quantity: 36,
      basis: 'order-up-to',
      needed: 5,
      raisedToMinimum: true,
    });
  });

  it('does not add a pack for decimal binary noise (0.3 / 0.1 is 3 packs)', () => {
    // Act
    const quantity = computeOrderQuantity(
      { reorderPoint: 0.8, maxStock: 1, packSize: 0.1, minimumOrder: 0 },
      0.7,
    );

    // Assess
    expect(quantity).toBe(0.3);
  });

  it('never rounds a tiny need down to 0', () => {
    // Act
    const quantity = computeOrderQuantity(
      { reorderPoint: 20, maxStock: 20.0000001, packSize: 12, minimumOrder: 0 },
      20,
    );

    // Assess
    expect(quantity).toBe(12);
  });

  it('falls back to the shortfall when no quantity rule is set, so it stays total', () => {
    // Act
    const quantity = computeOrderQuantity({ reorderPoint: 20, packSize: 1, minimumOrder: 0 }, 5);

    // Assess
    expect(quantity).toBe(15);
  });

  describe('properties', () => {
    it('order-up-to: > 0, whole packs, >= minimum, reaches the maximum by less than one pack unless the minimum forces more', () => {
      fc.assert(
        fc.property(
          tenths(0, 500),
          tenths(0.1, 500),
          tenths(0, 1000),
          packSize,
          fc.integer({ min: 0, max: 200 }),
          (reorderPoint, headroom, drop, pack, minimumOrder) => {
            // Prepare
            const maxStock = roundQuantity(reorderPoint + headroom);
            const position = roundQuantity(reorderPoint - drop);
            const rule = { reorderPoint, maxStock, packSize: pack, minimumOrder };

            // Act
            const plan = planOrderQuantity(rule, position);

            // Assess
            const { quantity } = plan;
            expect(quantity).toBeGreaterThan(0);
            expect(isMultipleOf(quantity, pack)).toBe(true);
            expect(quantity).toBeGreaterThanOrEqual(minimumOrder - EPSILON);
            expect(position + quantity).toBeGreaterThanOrEqual(maxStock - EPSILON);
            const target = Math.max(maxStock - position, minimumOrder);
            expect(quantity).toBeLessThan(target + pack + EPSILON);
            expect(plan.raisedToMinimum).toBe(minimumOrder > maxStock - position + EPSILON);
          },
        ),
      );
    });

    it('fixed quantity: > 0, whole packs, >= minimum, >= the fixed quantity and the shortfall', () => {
      fc.assert(
        fc.property(
          tenths(0, 500),
          tenths(0, 1000),
          fc.integer({ min: 1, max: 500 }),
          packSize,
          fc.integer({ min: 0, max: 200 }),
          (reorderPoint, drop, reorderQuantity, pack, minimumOrder) => {
            // Prepare
            const position = roundQuantity(reorderPoint - drop);
            const rule = { reorderPoint, reorderQuantity, packSize: pack, minimumOrder };

            // Act
            const quantity = computeOrderQuantity(rule, position);

            // Assess
            expect(quantity).toBeGreaterThan(0);
            expect(isMultipleOf(quantity, pack)).toBe(true);
            expect(quantity).toBeGreaterThanOrEqual(minimumOrder - EPSILON);
            expect(quantity).toBeGreaterThanOrEqual(reorderQuantity - EPSILON);
            expect(position + quantity).toBeGreaterThanOrEqual(reorderPoint - EPSILON);
            const target = Math.max(reorderQuantity, reorderPoint - position, minimumOrder);
            expect(quantity).toBeLessThan(target + pack + EPSILON);
          },
        ),
      );
    });
  });
});
