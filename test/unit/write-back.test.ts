import { findApp, loadConfigFile } from '../../shared/config/load-config';
import type { AppConfig } from '../../shared/config/schema';
import type { Decision } from '../../shared/domain/decision';
import type { RecordedOutcome } from '../../shared/domain/item';
import type { OrderRequest } from '../../shared/domain/order';
import {
  changedFields,
  decisionOutcome,
  orderComment,
  orderOutcome,
  sendingOutcome,
  sendingReason,
  toKintoneDateTime,
  unprocessedOutcome,
  unprocessedReason,
} from '../../shared/kintone/write-back';
import { DEMO_CONFIG_PATH } from '../fixtures/kintone-webhooks';

function demoApp(): AppConfig {
  const app = findApp(loadConfigFile(DEMO_CONFIG_PATH), '12');
  if (app === undefined) throw new Error('config/demo.json has no app 12');
  return app;
}

const ORDER_REASON = '在庫ポジション 18 が発注点 20 を下回ったため 84本 を発注';

const REQUEST: OrderRequest = {
  orderNumber: 'PO-20261128-0001',
  orderedAt: '2026-11-28T02:15:04.123Z',
  orderDate: '2026-11-28',
  desiredDeliveryDate: '2026-12-01',
  supplier: {
    code: 'S-001',
    name: '株式会社サンプル文具',
    email: 'order@sample-bungu.example.jp',
    fax: '03-1234-5678',
  },
  lines: [{ sku: 'A-100', name: 'ボールペン 黒 0.5mm', quantity: 84, unit: '本' }],
  company: {
    name: '株式会社デモ商事',
    address: '東京都千代田区丸の内1-1-1 デモビル5F',
    phone: '03-0000-1111',
    email: 'purchasing@demo-shoji.example.jp',
  },
  reason: ORDER_REASON,
};

const IDLE: RecordedOutcome = { status: '未発注', orderNumber: '', orderedAt: '', reason: '' };

describe('orderOutcome and changedFields', () => {
  it('writes status, order number, order time (to the minute) and reason to a fresh record', () => {
    // Prepare
    const app = demoApp();

    // Act
    const changes = changedFields(app, orderOutcome(app, REQUEST), IDLE);

    // Assess
    expect(changes).toEqual({
      発注状況: '発注依頼済',
      発注番号: 'PO-20261128-0001',
      発注日時: '2026-11-28T02:15:00Z',
      発注理由: ORDER_REASON,
    });
  });

  it('writes nothing when the record already shows the order (our own write-back webhook)', () => {
    // Prepare
    const app = demoApp();
    const recorded: RecordedOutcome = {
      status: '発注依頼済',
      orderNumber: 'PO-20261128-0001',
      orderedAt: '2026-11-28T02:15:00Z',
      reason: ORDER_REASON,
    };

    // Act
    const changes = changedFields(app, orderOutcome(app, REQUEST), recorded);

    // Assess
    expect(changes).toEqual({});
  });

  it.each([
    '2026-11-28T02:15:04Z',
    '2026-11-28T02:15:04.000Z',
    '2026-11-28T02:15:59.999Z',
    '2026-11-28T11:15:04+09:00',
  ])(
    'compares the order time %j to the desired one ignoring seconds, milliseconds and offset',
    (orderedAt) => {
      // Prepare
      const app = demoApp();
      const recorded: RecordedOutcome = {
        status: '発注依頼済',
        orderNumber: 'PO-20261128-0001',
        orderedAt,
        reason: ORDER_REASON,
      };

      // Act
      const changes = changedFields(app, orderOutcome(app, REQUEST), recorded);

      // Assess
      expect(changes).toEqual({});
    },
  );

  it('writes only the fields that differ', () => {
    // Prepare
    const app = demoApp();
    const recorded: RecordedOutcome = {
      status: '未発注',
      orderNumber: 'PO-20261128-0001',
      orderedAt: '2026-11-28T02:16:00Z',
      reason: ORDER_REASON,
    };

    // Act
    const changes = changedFields(app, orderOutcome(app, REQUEST), recorded);

    // Assess
    expect(changes).toEqual({ 発注状況: '発注依頼済', 発注日時: '2026-11-28T02:15:00Z' });
  });

  it('does not write the order time when the app has no field for it', () => {
    // Prepare
    const base = demoApp();
    const app: AppConfig = { ...base, writeBack: { ...base.writeBack, orderedAt: undefined } };

    // Act
    const changes = changedFields(app, orderOutcome(app, REQUEST), IDLE);

    // Assess
    expect(changes).toEqual({
      発注状況: '発注依頼済',
      発注番号: 'PO-20261128-0001',
      発注理由: ORDER_REASON,
    });
  });

  it('overwrites an order time staff typed in a form that does not parse', () => {
    // Prepare
    const app = demoApp();
    const recorded: RecordedOutcome = { ...IDLE, orderedAt: '昨日' };

    // Act
    const changes = changedFields(
      app,
      { orderedAt: toKintoneDateTime(REQUEST.orderedAt) },
      recorded,
    );

    // Assess
    expect(changes).toEqual({ 発注日時: '2026-11-28T02:15:00Z' });
  });
});

describe('toKintoneDateTime (kintone DATETIME has minute precision)', () => {
  it.each([
    ['2026-11-28T02:15:04.123Z', '2026-11-28T02:15:00Z'],
    ['2026-11-28T02:15:00Z', '2026-11-28T02:15:00Z'],
    ['2026-11-28T11:15:59.5+09:00', '2026-11-28T02:15:00Z'],
    ['not a date', 'not a date'],
  ])('turns %j into %j', (iso, expected) => {
    // Act
    const value = toKintoneDateTime(iso);

    // Assess
    expect(value).toBe(expected);
  });
});

describe('decisionOutcome', () => {
  it('marks a record that cannot be evaluated as 要確認 with the reason', () => {
    // Prepare
    const app = demoApp();
    const decision: Decision = { kind: 'cannot-evaluate', reason: '「在庫数」が空です' };

    // Act
    const desired = decisionOutcome(app, decision, IDLE);
    const changes = changedFields(app, desired, IDLE);

    // Assess
    expect(desired).toEqual({ status: '要確認', reason: '「在庫数」が空です' });
    expect(changes).toEqual({ 発注状況: '要確認', 発注理由: '「在庫数」が空です' });
  });

  it('writes nothing again while the record already shows the same problem', () => {
    // Prepare
    const app = demoApp();
    const decision: Decision = { kind: 'cannot-evaluate', reason: '「在庫数」が空です' };
    const recorded: RecordedOutcome = { ...IDLE, status: '要確認', reason: '「在庫数」が空です' };

    // Act
    const changes = changedFields(app, decisionOutcome(app, decision, recorded), recorded);

    // Assess
    expect(changes).toEqual({});
  });

  it.each<Decision>([
    { kind: 'no-order', reason: '在庫ポジション 102 は発注点 20 以上' },
    { kind: 'snoozed', reason: '2026-12-10 までスヌーズ中' },
  ])('sets a record that needed attention back to 未発注 on $kind', (decision) => {
    // Prepare
    const app = demoApp();
    const recorded: RecordedOutcome = { ...IDLE, status: '要確認', reason: '「在庫数」が空です' };

    // Act
    const desired = decisionOutcome(app, decision, recorded);
    const changes = changedFields(app, desired, recorded);

    // Assess
    expect(desired).toEqual({ status: '未発注', reason: decision.reason });
    expect(changes).toEqual({ 発注状況: '未発注', 発注理由: decision.reason });
  });

  it.each<[string, Decision]>([
    ['no-order', { kind: 'no-order', reason: '在庫ポジション 102 は発注点 20 以上' }],
    ['snoozed', { kind: 'snoozed', reason: '2026-12-10 までスヌーズ中' }],
    [
      'order-open',
      {
        kind: 'order-open',
        reason: '発注依頼 PO-20261128-0001 (84本) の入荷待ち',
        orderNumber: 'PO-20261128-0001',
      },
    ],
    ['stale', { kind: 'stale', reason: '古い更新のため無視 (リビジョン 4 < 処理済み 5)' }],
    ['replay', { kind: 'replay', reason: 'リビジョン 5 は処理済み' }],
  ])('writes nothing for %s on an ordinary record', (_kind, decision) => {
    // Prepare
    const app = demoApp();
    const recorded: RecordedOutcome = {
      ...IDLE,
      status: '入荷済',
      orderNumber: 'PO-20261128-0001',
    };

    // Act
    const desired = decisionOutcome(app, decision, recorded);
    const changes = changedFields(app, desired, recorded);

    // Assess
    expect(desired).toEqual({});
    expect(changes).toEqual({});
  });

  it('uses the status names the app configures', () => {
    // Prepare
    const base = demoApp();
    const app: AppConfig = {
      ...base,
      statuses: { ...base.statuses, needsAttention: 'CHECK', idle: 'IDLE' },
    };
    const recorded: RecordedOutcome = { ...IDLE, status: 'CHECK' };

    // Act
    const problem = decisionOutcome(app, { kind: 'cannot-evaluate', reason: 'x' }, IDLE);
    const recovered = decisionOutcome(app, { kind: 'no-order', reason: 'ok' }, recorded);

    // Assess
    expect(problem).toEqual({ status: 'CHECK', reason: 'x' });
    expect(recovered).toEqual({ status: 'IDLE', reason: 'ok' });
  });
});

describe('orderComment', () => {
  it('summarises the order number, supplier, lines, delivery date and reason', () => {
    // Prepare
    const request: OrderRequest = {
      ...REQUEST,
      lines: [
        ...REQUEST.lines,
        { sku: 'A-101', name: 'ボールペン 赤 0.5mm', quantity: 12, unit: '本' },
      ],
    };

    // Act
    const comment = orderComment(request, 'メール order@sample-bungu.example.jp、FAX 0312345678');

    // Assess
    expect(comment.split('\n')).toEqual([
      '発注依頼 PO-20261128-0001 を 株式会社サンプル文具 様へ送信しました (メール order@sample-bungu.example.jp、FAX 0312345678)。',
      '・A-100 ボールペン 黒 0.5mm: 84本',
      '・A-101 ボールペン 赤 0.5mm: 12本',
      '納品希望日: 2026-12-01',
      `理由: ${ORDER_REASON}`,
    ]);
  });
});

describe('a new order after an earlier one (wrong state carried over)', () => {
  it("empties the previous order's promised delivery date and delivery status", () => {
    // Prepare: order 0001 was answered (納品予定日) and delivered, then received
    const app = { ...demoApp(), writeBack: { ...demoApp().writeBack, deliveryStatus: '配信状況' } };
    const recorded: RecordedOutcome = {
      status: '入荷済',
      orderNumber: 'PO-20261127-0001',
      orderedAt: '2026-11-27T01:00:00Z',
      reason: 'old',
      deliveryDate: '2026-11-30',
      deliveryStatus: '配信済',
    };

    // Act
    const changes = changedFields(
      app,
      orderOutcome(app, { ...REQUEST, orderNumber: 'PO-20261128-0002' }),
      recorded,
    );

    // Assess
    expect(changes).toMatchObject({ 発注番号: 'PO-20261128-0002', 納品予定日: '', 配信状況: '' });
  });

  it('writes no empty date when the record has none (no extra field in the call)', () => {
    // Act
    const changes = changedFields(demoApp(), orderOutcome(demoApp(), REQUEST), IDLE);

    // Assess
    expect(changes).not.toHaveProperty('納品予定日');
  });

  it("keeps the supplier's answer when a retried write-back comes after it", () => {
    // Act
    const desired = orderOutcome(demoApp(), REQUEST, { answered: true, deliveryReported: true });

    // Assess: status and date are the answer's now; only the order's own fields are written
    expect(desired).not.toHaveProperty('status');
    expect(desired).not.toHaveProperty('deliveryDate');
    expect(desired).not.toHaveProperty('deliveryStatus');
    expect(desired).toMatchObject({ orderNumber: REQUEST.orderNumber, reason: ORDER_REASON });
  });
});

describe('送信待ち and unprocessed notifications', () => {
  it('shows the order as waiting for its send, with the failure and what not to do', () => {
    // Act
    const desired = sendingOutcome(
      demoApp(),
      REQUEST,
      sendingReason(demoApp(), REQUEST.orderNumber, 'Throttling: Maximum sending rate exceeded.'),
    );

    // Assess
    expect(desired).toMatchObject({ status: '送信待ち', orderNumber: REQUEST.orderNumber });
    expect(desired.reason).toContain('(Throttling: Maximum sending rate exceeded.)');
    expect(desired.reason).toContain('自動で再送します');
    expect(desired.reason).toContain('仕入先へ別途発注しないでください');
  });

  it('marks a record whose notification could not be processed 要対応 with what to do', () => {
    // Act
    const desired = unprocessedOutcome(demoApp(), unprocessedReason('kintone 503', true));

    // Assess
    expect(desired).toEqual({ status: '要対応', reason: expect.stringContaining('(kintone 503)') });
    expect(desired.reason).toContain('何度か再試行しましたが失敗し');
    expect(unprocessedReason('bad value', false)).not.toContain('再試行');
  });
});

describe('decisionOutcome when needsAttention and failed are the same value', () => {
  const sameValue = (): AppConfig => {
    const app = demoApp();
    return { ...app, statuses: { ...app.statuses, needsAttention: '要対応', failed: '要対応' } };
  };
  const failedRecord: RecordedOutcome = {
    status: '要対応',
    orderNumber: 'PO-20261128-0001',
    orderedAt: '2026-11-28T02:15:00Z',
    reason: '発注依頼 PO-20261128-0001 を送れませんでした',
  };
  const noOrder: Decision = { kind: 'no-order', reason: '在庫数 50 > 発注点 20: 発注不要' };

  it('does not reset a failed send to 未発注', () => {
    // Act
    const desired = decisionOutcome(sameValue(), noOrder, failedRecord, {
      failedOrderNumber: 'PO-20261128-0001',
    });

    // Assess
    expect(desired).toEqual({});
  });

  it('still clears a record that needed attention for a bad value once it is fixed', () => {
    // Act
    const desired = decisionOutcome(sameValue(), noOrder, { ...failedRecord, orderNumber: '' });

    // Assess
    expect(desired).toEqual({ status: '未発注', reason: noOrder.reason });
  });
});
