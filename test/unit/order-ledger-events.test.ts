import { parseSesEvent, type DeliveryReport } from '../../shared/edge/ses-event';
import { followUpOrders } from '../../shared/use-cases/follow-up-orders';
import { processNotification } from '../../shared/use-cases/process-notification';
import { recordDelivery } from '../../shared/use-cases/record-delivery';
import { recordFaxStatus } from '../../shared/use-cases/record-fax-status';
import { RecordingOrderLedger } from '../fakes/recording-order-ledger';
import { dispatchHarness, lowNotification, type Harness } from '../support/dispatch-harness';
import { bounceEvent, complaintEvent, deliveryEvent } from './fixtures/ses-events';

/**
 * The order app's record (発注管理) after what SES, the fax gateway and the follow-up report
 * (issue 12): one PUT when the record shows something new (不達, the fax sent instead, 送信失敗,
 * 要対応, 再送済, 納期遅延, 一部入荷), none when it would not change, none without an order app.
 */

const ORDER_APP = {
  appId: '30',
  apiToken: 'order-app-api-token-0123456789abcdef',
  fields: {
    orderNumber: '発注番号',
    supplier: '仕入先',
    lines: '明細',
    lineSku: '明細_品番',
    lineName: '明細_品名',
    lineQuantity: '明細_数量',
    status: '発注状況',
    channels: '送信先',
    answer: '仕入先回答',
    sentAt: '送信日時',
    note: '備考',
  },
};

/** Monday 2026-11-30 09:30 JST. */
const SENT_AT = '2026-11-30T00:30:00.000Z';

function jst(local: string): Date {
  return new Date(`${local}+09:00`);
}

/** A-100 ordered by email (the supplier has a fax number too), the order app written at the send. */
async function emailedOrder(options: { orderApp?: boolean; fax?: boolean } = {}) {
  const ledger = new RecordingOrderLedger();
  const h = dispatchHarness({
    fax: options.fax !== false,
    now: new Date(SENT_AT),
    configure: (raw) => {
      if (options.orderApp !== false) raw['orderApp'] = ORDER_APP;
      raw['followUp'] = { remindAfterBusinessHours: 8, flagAfterBusinessHours: 16 };
      const app = raw.apps.find((candidate) => candidate.appId === '12');
      (app?.['fields'] as Record<string, string>)['receivedQuantity'] = '入荷数';
    },
  });
  Object.assign(h.deps, { ledger });
  await processNotification(lowNotification({ values: { 仕入先FAX: '03-1234-5678' } }), h.deps);
  const [order] = h.state.allOrders();
  if (!order) throw new Error('no order was created');
  const atSend = [...ledger.calls];
  ledger.calls.length = 0;
  return { h, ledger, orderNumber: order.orderNumber, atSend };
}

function reportOf(message: unknown): DeliveryReport {
  const parsed = parseSesEvent(JSON.stringify(message));
  if (parsed.kind !== 'report') throw new Error(`not a report: ${parsed.kind}`);
  return parsed.report;
}

async function followUpAt(h: Harness, local: string) {
  h.clock.now = jst(local);
  return followUpOrders(h.deps, jst(local));
}

describe('the order app after delivery reports', () => {
  it('shows a bounce (不達) and the fax sent instead in one PUT; a repeat costs nothing', async () => {
    // Prepare
    const { h, ledger, orderNumber, atSend } = await emailedOrder();
    expect(atSend).toEqual(['find', 'add']);
    expect(ledger.shown('送信先')).toMatch(/^メール \S+ \(送信済\)$/);

    // Act
    await recordDelivery(reportOf(bounceEvent(orderNumber)), h.deps);
    const afterBounce = [...ledger.calls];
    await recordDelivery(reportOf(bounceEvent(orderNumber)), h.deps);

    // Assess
    expect(h.gateway.sent).toHaveLength(1);
    expect(afterBounce).toEqual(['update']);
    expect(ledger.calls).toEqual(['update']);
    expect(ledger.shown('送信先')).toMatch(/^メール \S+ \(不達\)、FAX 0312345678 \(送信済\)$/);
    expect(ledger.shown('発注状況')).toBe('発注依頼済');
  });

  it('costs no call for a delivered email: the record already reads 送信済', async () => {
    // Prepare
    const { h, ledger, orderNumber } = await emailedOrder();

    // Act
    const outcome = await recordDelivery(reportOf(deliveryEvent(orderNumber)), h.deps);

    // Assess
    expect(outcome.result).toBe('recorded');
    expect(ledger.calls).toEqual([]);
    expect(ledger.shown('送信先')).toMatch(/\(送信済\)$/);
  });

  it('shows a complaint (苦情) on the email', async () => {
    const { h, ledger, orderNumber } = await emailedOrder();

    await recordDelivery(reportOf(complaintEvent(orderNumber)), h.deps);

    expect(ledger.calls).toEqual(['update']);
    expect(ledger.shown('送信先')).toMatch(/\(苦情\)$/);
  });

  it('shows 要対応 with the reason when the bounce leaves no channel', async () => {
    // Prepare: no fax gateway, so nothing can be sent instead.
    const { h, ledger, orderNumber } = await emailedOrder({ fax: false });

    // Act
    await recordDelivery(reportOf(bounceEvent(orderNumber)), h.deps);

    // Assess
    expect(ledger.calls).toEqual(['update']);
    expect(ledger.shown('発注状況')).toBe('要対応');
    expect(ledger.shown('送信先')).toMatch(/\(不達\)$/);
    expect(String(ledger.shown('備考'))).toContain(orderNumber);
  });
});

describe('the order app after fax callbacks', () => {
  it('costs nothing for a delivered fax, and shows a failed one (送信失敗, 要対応) in one PUT', async () => {
    // Prepare: the email bounced and the order went by fax instead.
    const { h, ledger, orderNumber } = await emailedOrder();
    await recordDelivery(reportOf(bounceEvent(orderNumber)), h.deps);
    ledger.calls.length = 0;
    const faxId = 'fax-1';

    // Act
    await recordFaxStatus({ faxId, orderNumber, status: 'delivered', at: SENT_AT }, h.deps);
    const afterDelivered = [...ledger.calls];
    await recordFaxStatus(
      { faxId, orderNumber, status: 'failed', detail: 'line busy', at: SENT_AT },
      h.deps,
    );

    // Assess
    expect(afterDelivered).toEqual([]);
    expect(ledger.calls).toEqual(['update']);
    expect(ledger.shown('送信先')).toMatch(/\(不達\)、FAX 0312345678 \(送信失敗\)$/);
    expect(ledger.shown('発注状況')).toBe('要対応');
  });
});

describe('the order app after the follow-up', () => {
  it('shows the reminder (再送済), then 要対応 with the reason, one PUT each', async () => {
    // Prepare
    const { h, ledger } = await emailedOrder();

    // Act
    await followUpAt(h, '2026-11-30T17:00:00');
    const early = [...ledger.calls];
    await followUpAt(h, '2026-11-30T18:30:00');
    const reminded = [...ledger.calls];
    const remindedChannels = ledger.shown('送信先');
    await followUpAt(h, '2026-12-01T16:30:00');

    // Assess
    expect(early).toEqual([]);
    expect(reminded).toEqual(['update']);
    expect(remindedChannels).toMatch(/\(送信済・再送済\)$/);
    expect(ledger.calls).toEqual(['update', 'update']);
    expect(ledger.shown('発注状況')).toBe('要対応');
    expect(String(ledger.shown('備考'))).toContain('【要対応】');
  });

  it('shows 納期遅延 with the date once the confirmed date passed, once', async () => {
    // Prepare: the supplier confirmed Wednesday; the record shows the answer.
    const { h, ledger, orderNumber } = await emailedOrder();
    await h.state.append(orderNumber, {
      kind: 'supplier-answer',
      at: '2026-11-30T03:00:00.000Z',
      answer: { kind: 'confirmed', deliveryDate: '2026-12-02' },
    });

    // Act
    const late = await followUpAt(h, '2026-12-03T10:00:00');
    const again = await followUpAt(h, '2026-12-04T10:00:00');

    // Assess
    expect(late.late).toEqual([orderNumber]);
    expect(again.late).toEqual([]);
    expect(ledger.calls).toEqual(['update']);
    expect(ledger.shown('発注状況')).toBe('納期遅延');
    expect(ledger.shown('仕入先回答')).toContain('2026-12-02');
    expect(String(ledger.shown('備考'))).toContain('【納期遅延】納期 2026-12-02');
  });

  it('shows 一部入荷 after a partial receipt, and 完了 once the rest is received', async () => {
    // Prepare
    const { h, ledger, orderNumber } = await emailedOrder();
    const quantity = h.state.allOrders()[0]?.lines[0]?.quantity ?? 0;
    expect(quantity).toBeGreaterThan(1);

    // Act
    await processNotification(
      lowNotification({
        id: '6f1c2e1a-0d7b-4a51-9b43-1f0e5a7c0101',
        revision: 40,
        values: { 発注状況: '入荷済', 発注番号: orderNumber, 入荷数: '1' },
      }),
      h.deps,
    );
    const partial = [...ledger.calls];
    const shownPartial = ledger.shown('発注状況');
    const note = String(ledger.shown('備考'));
    await processNotification(
      lowNotification({
        id: '6f1c2e1a-0d7b-4a51-9b43-1f0e5a7c0102',
        revision: 41,
        values: {
          発注状況: '入荷済',
          発注番号: orderNumber,
          入荷数: String(quantity),
          在庫数: '100',
        },
      }),
      h.deps,
    );

    // Assess
    expect(partial).toEqual(['update']);
    expect(shownPartial).toBe('一部入荷');
    expect(note).toContain(`【一部入荷】A-100 1/${quantity}`);
    expect(ledger.calls).toEqual(['update', 'update']);
    expect(ledger.shown('発注状況')).toBe('完了');
  });
});

describe('without an order app', () => {
  it('writes nothing on a bounce, a fax callback or the follow-up', async () => {
    // Prepare: a ledger is wired, but the configuration has no orderApp.
    const { h, ledger, orderNumber, atSend } = await emailedOrder({ orderApp: false });

    // Act
    await recordDelivery(reportOf(bounceEvent(orderNumber)), h.deps);
    await recordFaxStatus(
      { faxId: 'fax-1', orderNumber, status: 'failed', detail: 'busy', at: SENT_AT },
      h.deps,
    );
    await followUpAt(h, '2026-12-03T10:00:00');

    // Assess
    expect(atSend).toEqual([]);
    expect(ledger.calls).toEqual([]);
    expect(ledger.records.size).toBe(0);
  });
});
