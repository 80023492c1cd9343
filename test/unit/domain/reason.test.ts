import type { PositionBreakdown } from '../../../shared/domain/quantity';
import {
  describePosition,
  formatNumber,
  orderOpenReason,
  problemsReason,
} from '../../../shared/domain/reason';

const ONLY_ON_HAND: PositionBreakdown = {
  onHand: 18,
  onOrder: 0,
  bridgeOnOrder: 0,
  reserved: 0,
  position: 18,
};

describe('formatNumber', () => {
  it.each([
    [84, '84'],
    [1.5, '1.5'],
    [0.1 + 0.2, '0.3'],
    [-3, '-3'],
    [-0, '0'],
    [1e-7, '1e-7'],
    [Number.NaN, 'NaN'],
  ])('%p reads as %s', (value, expected) => {
    // Act
    const text = formatNumber(value);

    // Assess
    expect(text).toBe(expected);
  });
});

describe('describePosition', () => {
  it('names only the stock on hand when nothing else counts', () => {
    // Act
    const text = describePosition(ONLY_ON_HAND);

    // Assess
    expect(text).toBe('在庫数 18');
  });

  it('shows every term that moved the position, including the bridge’s own orders', () => {
    // Prepare
    const breakdown: PositionBreakdown = {
      onHand: 18,
      onOrder: 8,
      bridgeOnOrder: 84,
      reserved: 4,
      position: 106,
    };

    // Act
    const text = describePosition(breakdown);

    // Assess
    expect(text).toBe('在庫ポジション 106 (在庫数 18 + 発注残 8 + 発注依頼中 84 - 引当 4)');
  });
});

describe('orderOpenReason', () => {
  it('names the order, its quantity and unit', () => {
    // Act
    const text = orderOpenReason('PO-20261128-0001', 84, '本');

    // Assess
    expect(text).toBe('発注依頼 PO-20261128-0001 (84本) の入荷待ち');
  });
});

describe('problemsReason', () => {
  it('never leaves the reason empty', () => {
    // Act
    const text = problemsReason([]);

    // Assess
    expect(text).toBe('レコードの内容を評価できませんでした');
  });
});
