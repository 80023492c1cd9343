import { evaluateReorder } from '../../../shared/domain/evaluate-reorder';
import type { ItemSnapshot, OpenOrderRef } from '../../../shared/domain/item';
import type { ReorderInput } from '../../../shared/domain/evaluate-reorder';
import { buildInput, buildItem, EMPTY_RECORDED, NOW, POLICY } from './fixtures';

const OPEN_ORDER: OpenOrderRef = {
  orderNumber: 'PO-20261128-0001',
  quantity: 84,
  reflectedInKintone: false,
};

describe('evaluateReorder', () => {
  describe('revision guard', () => {
    it('ignores a revision older than the last one processed', () => {
      // Prepare
      const input = buildInput({
        state: { lastRevision: 5 },
        notification: { id: 'n-4', revision: 4 },
      });

      // Act
      const decision = evaluateReorder(input);

      // Assess
      expect(decision).toStrictEqual({
        kind: 'stale',
        reason: '古い更新のため無視 (リビジョン 4 < 処理済み 5)',
      });
    });

    it('reports a replay of the revision already processed', () => {
      // Prepare
      const input = buildInput({
        state: { lastRevision: 5 },
        notification: { id: 'n-5', revision: 5 },
      });

      // Act
      const decision = evaluateReorder(input);

      // Assess
      expect(decision).toStrictEqual({ kind: 'replay', reason: 'リビジョン 5 は処理済み' });
    });

    it('does not let a stale notification close the open order', () => {
      // Prepare
      const item = buildItem({
        recorded: { ...EMPTY_RECORDED, status: 'キャンセル', orderNumber: OPEN_ORDER.orderNumber },
      });
      const input = buildInput({
        mapped: { ok: true, item },
        state: { lastRevision: 6, openOrder: OPEN_ORDER },
        notification: { id: 'n-5', revision: 5 },
      });

      // Act
      const decision = evaluateReorder(input);

      // Assess
      expect(decision).toStrictEqual({
        kind: 'stale',
        reason: '古い更新のため無視 (リビジョン 5 < 処理済み 6)',
      });
    });

    it('evaluates the first notification ever seen for an item', () => {
      // Prepare
      const input = buildInput({ state: {}, notification: { id: 'n-1', revision: 1 } });

      // Act
      const decision = evaluateReorder(input);

      // Assess
      expect(decision.kind).toBe('order');
    });
  });

  describe('open order', () => {
    it('waits for the open order instead of ordering again while still short', () => {
      // Prepare
      const input = buildInput({ state: { lastRevision: 4, openOrder: OPEN_ORDER } });

      // Act
      const decision = evaluateReorder(input);

      // Assess
      expect(decision).toStrictEqual({
        kind: 'order-open',
        orderNumber: 'PO-20261128-0001',
        reason: '発注依頼 PO-20261128-0001 (84本) の入荷待ち',
      });
    });

    it('shows the quantity without a unit when the record could not be mapped', () => {
      // Prepare
      const input = buildInput({
        mapped: {
          ok: false,
          appId: '42',
          recordId: '7',
          revision: 5,
          problems: ['「在庫数」が数値ではありません ("abc")'],
          recorded: EMPTY_RECORDED,
        },
        state: { lastRevision: 4, openOrder: OPEN_ORDER },
      });

      // Act
      const decision = evaluateReorder(input);

      // Assess
      expect(decision.reason).toBe('発注依頼 PO-20261128-0001 (84) の入荷待ち');
    });

    it('keeps the order open when the record shows a closed status for another order', () => {
      // Prepare
      const item = buildItem({
        recorded: { ...EMPTY_RECORDED, status: '入荷済', orderNumber: 'PO-20261101-0003' },
      });
      const input = buildInput({
        mapped: { ok: true, item },
        state: { lastRevision: 4, openOrder: OPEN_ORDER },
      });

      // Act
      const decision = evaluateReorder(input);

      // Assess
      expect(decision.kind).toBe('order-open');
    });

    it('keeps the order open while its status is not a closed one', () => {
      // Prepare
      const item = buildItem({
        recorded: { ...EMPTY_RECORDED, status: '発注済', orderNumber: OPEN_ORDER.orderNumber },
      });
      const input = buildInput({
        mapped: { ok: true, item },
        state: { lastRevision: 4, openOrder: OPEN_ORDER },
      });

      // Act
      const decision = evaluateReorder(input);

      // Assess
      expect(decision.kind).toBe('order-open');
    });
  });

  describe('closing the open order', () => {
    it('orders again at once when the open order was cancelled and stock is still short', () => {
      // Prepare
      const item = buildItem({
        recorded: { ...EMPTY_RECORDED, status: 'キャンセル', orderNumber: OPEN_ORDER.orderNumber },
      });
      const input = buildInput({
        mapped: { ok: true, item },
        state: { lastRevision: 4, openOrder: OPEN_ORDER },
      });

      // Act
      const decision = evaluateReorder(input);

      // Assess
      expect(decision).toStrictEqual({
        kind: 'order',
        quantity: 84,
        position: 18,
        desiredDeliveryDate: '2026-12-01',
        reason: '在庫数 18 ≤ 発注点 20: 84本を発注 (入数12の倍数、最大在庫100まで)',
        closedOrderNumber: 'PO-20261128-0001',
      });
    });

    it('closes the order and re-arms when the goods were received', () => {
      // Prepare
      const item = buildItem({
        onHand: 102,
        recorded: { ...EMPTY_RECORDED, status: '入荷済', orderNumber: OPEN_ORDER.orderNumber },
      });
      const input = buildInput({
        mapped: { ok: true, item },
        state: { lastRevision: 4, openOrder: OPEN_ORDER },
      });

      // Act
      const decision = evaluateReorder(input);

      // Assess
      expect(decision).toStrictEqual({
        kind: 'no-order',
        reason: '在庫数 102 > 発注点 20: 発注不要',
        closedOrderNumber: 'PO-20261128-0001',
      });
    });

    it('closes the order even when the rest of the record cannot be evaluated', () => {
      // Prepare
      const input = buildInput({
        mapped: {
          ok: false,
          appId: '42',
          recordId: '7',
          revision: 5,
          problems: ['「在庫数」が数値ではありません ("abc")'],
          recorded: { ...EMPTY_RECORDED, status: '入荷済', orderNumber: OPEN_ORDER.orderNumber },
        },
        state: { lastRevision: 4, openOrder: OPEN_ORDER },
      });

      // Act
      const decision = evaluateReorder(input);

      // Assess
      expect(decision).toStrictEqual({
        kind: 'cannot-evaluate',
        reason: '「在庫数」が数値ではありません ("abc")',
        closedOrderNumber: 'PO-20261128-0001',
      });
    });

    it('closes the order and still honours the snooze', () => {
      // Prepare
      const item = buildItem({
        snoozeUntil: '2026-12-05',
        recorded: { ...EMPTY_RECORDED, status: 'キャンセル', orderNumber: OPEN_ORDER.orderNumber },
      });
      const input = buildInput({
        mapped: { ok: true, item },
        state: { lastRevision: 4, openOrder: OPEN_ORDER },
      });

      // Act
      const decision = evaluateReorder(input);

      // Assess
      expect(decision).toStrictEqual({
        kind: 'snoozed',
        reason: '在庫数 18 ≤ 発注点 20 ですが 2026-12-05 までスヌーズ中',
        closedOrderNumber: 'PO-20261128-0001',
      });
    });
  });

  describe('records that cannot be evaluated', () => {
    it('passes the mapping problems on as the reason', () => {
      // Prepare
      const input = buildInput({
        mapped: {
          ok: false,
          appId: '42',
          recordId: '7',
          revision: 5,
          problems: ['「在庫数」が数値ではありません ("abc")', '「発注点」が未入力です'],
          recorded: EMPTY_RECORDED,
        },
      });

      // Act
      const decision = evaluateReorder(input);

      // Assess
      expect(decision).toStrictEqual({
        kind: 'cannot-evaluate',
        reason: '「在庫数」が数値ではありません ("abc")、「発注点」が未入力です',
      });
    });

    it.each<[string, Partial<ItemSnapshot>, string]>([
      ['negative stock', { onHand: -3 }, '在庫数がマイナスです (-3)'],
      ['NaN stock', { onHand: Number.NaN }, '在庫数が有限の数値ではありません (NaN)'],
      [
        'infinite reorder point',
        { reorderPoint: Number.POSITIVE_INFINITY },
        '発注点が有限の数値ではありません (Infinity)',
      ],
      ['negative reorder point', { reorderPoint: -1 }, '発注点がマイナスです (-1)'],
      ['zero pack size', { packSize: 0 }, '入数は0より大きくしてください (0)'],
      ['negative pack size', { packSize: -12 }, '入数は0より大きくしてください (-12)'],
      [
        'pack size below the rounding step',
        { packSize: 1e-7 },
        '入数が小さすぎます (1e-7、0.000001以上にしてください)',
      ],
      ['negative minimum order', { minimumOrder: -1 }, '最小発注数がマイナスです (-1)'],
      ['negative on-order', { onOrder: -8 }, '発注残がマイナスです (-8)'],
      ['negative reserved', { reserved: -2 }, '引当がマイナスです (-2)'],
      ['negative lead time', { leadTimeDays: -1 }, 'リードタイムがマイナスです (-1)'],
      [
        'fractional lead time',
        { leadTimeDays: 1.5 },
        'リードタイムは整数の日数にしてください (1.5)',
      ],
      [
        'absurd lead time',
        { leadTimeDays: 40000 },
        'リードタイムが長すぎます (40000日、最大3650日)',
      ],
      [
        'no quantity rule',
        { maxStock: undefined, reorderQuantity: undefined },
        '最大在庫も発注量も未設定です',
      ],
      ['max stock at the reorder point', { maxStock: 20 }, '最大在庫 20 が発注点 20 以下です'],
      [
        'zero fixed quantity',
        { maxStock: undefined, reorderQuantity: 0 },
        '発注量は0より大きくしてください (0)',
      ],
      [
        'impossible snooze date',
        { snoozeUntil: '2026-13-01' },
        'スヌーズ期限が YYYY-MM-DD の日付ではありません ("2026-13-01")',
      ],
    ])('rejects %s with a reason naming the value', (_case, overrides, reason) => {
      // Prepare
      const input = buildInput({ item: overrides });

      // Act
      const decision = evaluateReorder(input);

      // Assess
      expect(decision).toStrictEqual({ kind: 'cannot-evaluate', reason });
    });

    it('lists every problem at once so staff can fix them in one edit', () => {
      // Prepare
      const input = buildInput({
        item: { onHand: -3, maxStock: undefined, reorderQuantity: undefined, packSize: 0 },
      });

      // Act
      const decision = evaluateReorder(input);

      // Assess
      expect(decision.reason).toBe(
        '在庫数がマイナスです (-3)、最大在庫も発注量も未設定です、入数は0より大きくしてください (0)',
      );
    });

    it('refuses an item value past Number.MAX_SAFE_INTEGER, naming it', () => {
      // Prepare
      const input = buildInput({ item: { onHand: Number.MAX_VALUE, maxStock: 1e30 } });

      // Act
      const decision = evaluateReorder(input);

      // Assess
      expect(decision).toStrictEqual({
        kind: 'cannot-evaluate',
        reason: `在庫数の値が大きすぎます (${String(Number.MAX_VALUE)})、最大在庫の値が大きすぎます (1e+30)`,
      });
    });

    it('refuses a position that leaves the safe integers, although every term is safe', () => {
      // Prepare
      const input = buildInput({
        item: { onHand: Number.MAX_SAFE_INTEGER, onOrder: Number.MAX_SAFE_INTEGER },
      });

      // Act
      const decision = evaluateReorder(input);

      // Assess
      expect(decision).toStrictEqual({
        kind: 'cannot-evaluate',
        reason: '在庫ポジションを計算できません (数値が大きすぎます)',
      });
    });

    it.each([
      [
        'a safe maximum rounded up to packs of 7',
        { maxStock: Number.MAX_SAFE_INTEGER, packSize: 7 },
      ],
      [
        'a safe maximum above a safe negative position',
        { maxStock: Number.MAX_SAFE_INTEGER, reserved: Number.MAX_SAFE_INTEGER },
      ],
    ])('refuses a quantity that leaves the safe integers: %s', (_case, values) => {
      // Prepare
      const input = buildInput({
        item: { onHand: 0, reorderPoint: 0, packSize: 1, minimumOrder: 0, ...values },
      });

      // Act
      const decision = evaluateReorder(input);

      // Assess
      expect(decision).toStrictEqual({
        kind: 'cannot-evaluate',
        reason: '発注数を計算できません (数値が大きすぎます)',
      });
    });
  });

  describe('position above the reorder point', () => {
    it('does not order when stock on hand is above the reorder point', () => {
      // Prepare
      const input = buildInput({ item: { onHand: 50 } });

      // Act
      const decision = evaluateReorder(input);

      // Assess
      expect(decision).toStrictEqual({
        kind: 'no-order',
        reason: '在庫数 50 > 発注点 20: 発注不要',
      });
    });

    it('counts stock on order, so the same shortage is not ordered twice', () => {
      // Prepare
      const input = buildInput({ item: { onOrder: 8 } });

      // Act
      const decision = evaluateReorder(input);

      // Assess
      expect(decision).toStrictEqual({
        kind: 'no-order',
        reason: '在庫ポジション 26 (在庫数 18 + 発注残 8) > 発注点 20: 発注不要',
      });
    });

    it('orders when the position falls exactly to the reorder point', () => {
      // Prepare
      const input = buildInput({ item: { onHand: 20 } });

      // Act
      const decision = evaluateReorder(input);

      // Assess
      expect(decision).toMatchObject({ kind: 'order', quantity: 84, position: 20 });
    });
  });

  describe('snooze', () => {
    it('stays quiet while the item is snoozed', () => {
      // Prepare
      const input = buildInput({ item: { snoozeUntil: '2026-12-05' } });

      // Act
      const decision = evaluateReorder(input);

      // Assess
      expect(decision).toStrictEqual({
        kind: 'snoozed',
        reason: '在庫数 18 ≤ 発注点 20 ですが 2026-12-05 までスヌーズ中',
      });
    });

    it('is still snoozed on the snooze date itself', () => {
      // Prepare
      const input = buildInput({ item: { snoozeUntil: '2026-11-28' } });

      // Act
      const decision = evaluateReorder(input);

      // Assess
      expect(decision.kind).toBe('snoozed');
    });

    it('orders the day after the snooze date', () => {
      // Prepare
      const input = buildInput({ item: { snoozeUntil: '2026-11-27' } });

      // Act
      const decision = evaluateReorder(input);

      // Assess
      expect(decision.kind).toBe('order');
    });

    it('treats an empty snooze field as not snoozed', () => {
      // Prepare
      const input = buildInput({ item: { snoozeUntil: '' } });

      // Act
      const decision = evaluateReorder(input);

      // Assess
      expect(decision.kind).toBe('order');
    });

    it('reads the snooze date in Tokyo, where 15:30 UTC is already the next day', () => {
      // Prepare
      const lastSnoozedMoment = buildInput({
        item: { snoozeUntil: '2026-11-28' },
        now: new Date('2026-11-28T14:59:59Z'),
      });
      const firstMomentAfter = buildInput({
        item: { snoozeUntil: '2026-11-28' },
        now: new Date('2026-11-28T15:30:00Z'),
      });

      // Act
      const before = evaluateReorder(lastSnoozedMoment);
      const after = evaluateReorder(firstMomentAfter);

      // Assess
      expect(before.kind).toBe('snoozed');
      expect(after.kind).toBe('order');
    });
  });

  describe('order', () => {
    it('orders up to the maximum in whole packs, due after the lead time', () => {
      // Prepare
      const input = buildInput();

      // Act
      const decision = evaluateReorder(input);

      // Assess
      expect(decision).toStrictEqual({
        kind: 'order',
        quantity: 84,
        position: 18,
        desiredDeliveryDate: '2026-12-01',
        reason: '在庫数 18 ≤ 発注点 20: 84本を発注 (入数12の倍数、最大在庫100まで)',
      });
    });

    it('dates delivery from the Tokyo calendar day, not the UTC one', () => {
      // Prepare
      const input = buildInput({ now: new Date('2026-11-28T15:30:00Z') });

      // Act
      const decision = evaluateReorder(input);

      // Assess
      expect(decision).toMatchObject({ kind: 'order', desiredDeliveryDate: '2026-12-02' });
    });

    it('dates delivery in the policy time zone', () => {
      // Prepare
      const input = buildInput({
        now: new Date('2026-11-28T15:30:00Z'),
        policy: { ...POLICY, timeZone: 'UTC' },
      });

      // Act
      const decision = evaluateReorder(input);

      // Assess
      expect(decision).toMatchObject({ kind: 'order', desiredDeliveryDate: '2026-12-01' });
    });

    it('shows the position terms when stock on order counts', () => {
      // Prepare
      const input = buildInput({ item: { onOrder: 8, reorderPoint: 30 } });

      // Act
      const decision = evaluateReorder(input);

      // Assess
      expect(decision).toMatchObject({
        kind: 'order',
        quantity: 84,
        position: 26,
        reason:
          '在庫ポジション 26 (在庫数 18 + 発注残 8) ≤ 発注点 30: 84本を発注 (入数12の倍数、最大在庫100まで)',
      });
    });

    it('subtracts reserved stock from the position', () => {
      // Prepare
      const input = buildInput({ item: { onOrder: 8, reserved: 4, reorderPoint: 30 } });

      // Act
      const decision = evaluateReorder(input);

      // Assess
      expect(decision).toMatchObject({
        kind: 'order',
        quantity: 84,
        position: 22,
        reason:
          '在庫ポジション 22 (在庫数 18 + 発注残 8 - 引当 4) ≤ 発注点 30: 84本を発注 (入数12の倍数、最大在庫100まで)',
      });
    });

    it('orders the fixed quantity when it covers the shortfall', () => {
      // Prepare
      const input = buildInput({
        item: { maxStock: undefined, reorderQuantity: 30, packSize: 1, minimumOrder: 0 },
      });

      // Act
      const decision = evaluateReorder(input);

      // Assess
      expect(decision).toMatchObject({
        kind: 'order',
        quantity: 30,
        reason: '在庫数 18 ≤ 発注点 20: 30本を発注 (発注量30)',
      });
    });

    it('orders the shortfall when the fixed quantity would not reach the reorder point', () => {
      // Prepare
      const input = buildInput({
        item: {
          onHand: 0,
          reserved: 30,
          reorderPoint: 10,
          maxStock: undefined,
          reorderQuantity: 20,
          packSize: 1,
          minimumOrder: 0,
        },
      });

      // Act
      const decision = evaluateReorder(input);

      // Assess
      expect(decision).toMatchObject({
        kind: 'order',
        quantity: 40,
        position: -30,
        reason:
          '在庫ポジション -30 (在庫数 0 - 引当 30) ≤ 発注点 10: 40本を発注 (発注点までの不足分40)',
      });
    });

    it('names the supplier minimum when it raised the quantity', () => {
      // Prepare
      const input = buildInput({ item: { maxStock: 30, packSize: 1, minimumOrder: 24 } });

      // Act
      const decision = evaluateReorder(input);

      // Assess
      expect(decision).toMatchObject({
        kind: 'order',
        quantity: 24,
        reason: '在庫数 18 ≤ 発注点 20: 24本を発注 (最大在庫30まで、最小発注数24)',
      });
    });

    it('orders decimal packs without binary noise or an extra pack', () => {
      // Prepare
      const input = buildInput({
        item: {
          unit: 'kg',
          onHand: 0.7,
          reorderPoint: 0.8,
          maxStock: 1,
          packSize: 0.1,
          minimumOrder: 0,
        },
      });

      // Act
      const decision = evaluateReorder(input);

      // Assess
      expect(decision).toMatchObject({
        kind: 'order',
        quantity: 0.3,
        reason: '在庫数 0.7 ≤ 発注点 0.8: 0.3kgを発注 (入数0.1の倍数、最大在庫1まで)',
      });
    });

    it('orders on the same day when the lead time is 0', () => {
      // Prepare
      const input = buildInput({ item: { leadTimeDays: 0 } });

      // Act
      const decision = evaluateReorder(input);

      // Assess
      expect(decision).toMatchObject({ kind: 'order', desiredDeliveryDate: '2026-11-28' });
    });
  });

  it('leaves its input untouched', () => {
    // Prepare
    const input = buildInput({ state: { lastRevision: 4, openOrder: OPEN_ORDER } });
    const copy = structuredClone(input);

    // Act
    evaluateReorder(input);

    // Assess
    expect(input).toStrictEqual(copy);
    expect(input.now).toStrictEqual(NOW);
  });
});

describe('evaluateReorder: a record with problems that is short', () => {
  const broken = (onHand: number): ReorderInput['mapped'] => ({
    ok: false,
    appId: '42',
    recordId: '7',
    revision: 5,
    problems: ['「仕入先メール」がメールアドレスではありません ("sales@")'],
    recorded: { ...EMPTY_RECORDED, status: '要確認', reason: 'old reason' },
    levels: { onHand, reorderPoint: 20 },
  });

  it('says that an order is due and why none could be placed', () => {
    // Act
    const decision = evaluateReorder(buildInput({ mapped: broken(5) }));

    // Assess
    expect(decision).toStrictEqual({
      kind: 'cannot-evaluate',
      reason:
        '在庫数 5 ≤ 発注点 20 で発注が必要ですが、発注できません: 「仕入先メール」がメールアドレスではありません ("sales@")',
    });
  });

  it('gives only the problems while the stock is above the reorder point', () => {
    // Act
    const decision = evaluateReorder(buildInput({ mapped: broken(50) }));

    // Assess
    expect(decision).toStrictEqual({
      kind: 'cannot-evaluate',
      reason: '「仕入先メール」がメールアドレスではありません ("sales@")',
    });
  });
});
