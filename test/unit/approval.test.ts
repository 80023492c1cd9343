import {
  approvalOf,
  lineStatus,
  orderStatus,
  quantityOnOrder,
} from '../../shared/domain/purchase-order';
import type { ApprovalMail, ApprovalMailer } from '../../shared/ports/approval-mailer';
import type { LedgerRecordValues, OrderLedger } from '../../shared/ports/order-ledger';
import { approveOrder } from '../../shared/use-cases/approve-order';
import type { CompleteOrderDeps } from '../../shared/use-cases/complete-order';
import { processNotification } from '../../shared/use-cases/process-notification';
import { recordSupplierAnswer } from '../../shared/use-cases/record-answer';
import { sendDueOrders } from '../../shared/use-cases/send-due-orders';
import { dispatchHarness, lowNotification, type Harness } from '../support/dispatch-harness';

/** The order app in memory, counting calls like kintone would. */
class InMemoryLedger implements OrderLedger {
  readonly records = new Map<string, LedgerRecordValues>();
  readonly comments: Array<{ recordId: string; text: string }> = [];
  readonly calls: string[] = [];
  failNext = 0;
  private next = 1;

  private call(name: string): void {
    this.calls.push(name);
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw Object.assign(new Error('kintone busy'), { code: 'GAIA_TO04' });
    }
  }

  async findByOrderNumber(orderNumber: string): Promise<string | undefined> {
    this.call('find');
    return [...this.records].find(([, values]) => values['発注番号']?.value === orderNumber)?.[0];
  }
  async add(values: LedgerRecordValues): Promise<string> {
    this.call('add');
    const id = String(this.next++);
    this.records.set(id, values);
    return id;
  }
  async update(recordId: string, values: LedgerRecordValues): Promise<void> {
    this.call('update');
    this.records.set(recordId, { ...this.records.get(recordId), ...values });
  }
  async addComment(recordId: string, text: string): Promise<void> {
    this.call('comment');
    this.comments.push({ recordId, text });
  }
}

class RecordingApprovalMailer implements ApprovalMailer {
  readonly sent: ApprovalMail[] = [];
  async sendApprovalMail(mail: ApprovalMail) {
    this.sent.push(mail);
    return { messageId: `approval-${this.sent.length}` };
  }
}

const ORDER_APP = {
  appId: '30',
  apiToken: 'order-app-api-token-0123456789abcdef',
  webhookTokens: ['order-app-webhook-token-0123456789abcdef'],
  fields: {
    orderNumber: '発注番号',
    supplier: '仕入先',
    shipTo: '納品先',
    lines: '明細',
    lineSku: '明細_品番',
    lineName: '明細_品名',
    lineQuantity: '明細_数量',
    lineUnitPrice: '明細_単価',
    lineAmount: '明細_金額',
    total: '合計',
    status: '発注状況',
    channels: '送信先',
    answer: '仕入先回答',
    orderDate: '発注日',
    sentAt: '送信日時',
    note: '備考',
  },
};

function harness(mode: 'order-app' | 'link'): Harness & {
  deps: CompleteOrderDeps & Harness['deps'];
  ledger: InMemoryLedger;
  approvals: RecordingApprovalMailer;
} {
  const ledger = new InMemoryLedger();
  const approvals = new RecordingApprovalMailer();
  const h = dispatchHarness({
    configure: (raw) => {
      raw.approval = {
        apps: ['12'],
        approverEmail: 'boss@demo-shoji.example.jp',
        remindAfterHours: 4,
        flagAfterHours: 8,
      };
      if (mode === 'order-app') raw.orderApp = ORDER_APP;
      else
        raw.supplierPage = {
          baseUrl: 'https://bridge.example',
          signingKey: 'a-signing-key-that-is-long-enough-0123',
        };
    },
  });
  Object.assign(h.deps, {
    approvalMailer: approvals,
    ...(mode === 'order-app' ? { ledger } : {}),
    approvalLinks: { sign: async (n: string) => `https://bridge.example/a/${n}.sig` },
  });
  return Object.assign(h, { ledger, approvals }) as never;
}

async function placeOrder(h: Harness): Promise<string> {
  const outcome = await processNotification(lowNotification(), h.deps);
  if (!outcome.orderNumber) throw new Error('no order');
  return outcome.orderNumber;
}

describe('approval before the send', () => {
  it('keeps an order needing approval as 承認待ち: nothing sent, the item on order, the order app written', async () => {
    const h = harness('order-app');
    const orderNumber = await placeOrder(h);
    const order = await h.state.get(orderNumber);
    if (!order) throw new Error('no order');
    expect(orderStatus(order)).toBe('awaiting-approval');
    const [line] = order.lines;
    expect(lineStatus(order, line?.lineId ?? '')).toBe('awaiting-approval');
    expect(quantityOnOrder(order, line?.lineId ?? '')).toBeGreaterThan(0);
    expect(h.mailer.sent).toHaveLength(0);
    const written = h.kintone.updates.concat(
      h.kintone.bulkUpdates.flatMap((bulk) =>
        bulk.records.map((u) => ({ appId: bulk.appId, recordId: u.recordId, values: u.values })),
      ),
    );
    expect(written.map((w) => w.values['発注状況'])).toContain('承認待ち');
    // The order app: one look-up and one add for the new order.
    expect(h.ledger.calls).toEqual(['find', 'add']);
    expect([...h.ledger.records.values()][0]?.['発注状況']?.value).toBe('承認待ち');
    // A second notification of the still-short item places no second order.
    const again = await processNotification(lowNotification({ id: 'n-2', revision: 99 }), h.deps);
    expect(again.orderNumber).toBe(orderNumber);
    expect(h.state.allOrders()).toHaveLength(1);
  });

  it('sends the approved order and updates its order app record with one call', async () => {
    const h = harness('order-app');
    const orderNumber = await placeOrder(h);
    h.ledger.calls.length = 0;
    const approved = await approveOrder(orderNumber, { approve: true, by: '部長' }, h.deps, {
      send: true,
    });
    expect(approved.result).toBe('approved');
    expect(approved.sent).toBe(true);
    expect(h.mailer.sent).toHaveLength(1);
    expect(h.ledger.calls).toEqual(['update']);
    expect([...h.ledger.records.values()][0]?.['発注状況']?.value).toBe('発注依頼済');
    const again = await approveOrder(orderNumber, { approve: true, by: '部長' }, h.deps, {
      send: true,
    });
    expect(again.result).toBe('already-decided');
    expect(h.mailer.sent).toHaveLength(1);
  });

  it('shows the supplier’s answer on the order app record with one more call', async () => {
    const h = harness('order-app');
    const orderNumber = await placeOrder(h);
    await approveOrder(orderNumber, { approve: true, by: '部長' }, h.deps, { send: true });
    h.ledger.calls.length = 0;
    const order = await h.state.get(orderNumber);
    if (!order) throw new Error('no order');
    const result = await recordSupplierAnswer(
      order,
      { kind: 'confirmed', deliveryDate: '2026-12-05' },
      h.deps,
    );
    expect(result).toBe('recorded');
    expect(h.ledger.calls).toEqual(['update']);
    const record = [...h.ledger.records.values()][0];
    expect(record?.['発注状況']?.value).toBe('受注確認済');
    expect(record?.['仕入先回答']?.value).toContain('2026-12-05');
  });

  it('re-arms the items of a rejected order: nothing sent, lines closed, the reason on the record', async () => {
    const h = harness('order-app');
    const orderNumber = await placeOrder(h);
    const rejected = await approveOrder(
      orderNumber,
      { approve: false, by: '部長', action: '却下', reason: '今月は予算超過' },
      h.deps,
    );
    expect(rejected.result).toBe('rejected');
    const order = rejected.order;
    if (!order) throw new Error('no order');
    expect(orderStatus(order)).toBe('rejected');
    expect(quantityOnOrder(order, order.lines[0]?.lineId ?? '')).toBe(0);
    expect(h.mailer.sent).toHaveLength(0);
    const last = [...h.kintone.updates, ...h.kintone.bulkUpdates.flatMap((b) => b.records)].at(-1);
    expect(JSON.stringify(last)).toContain('今月は予算超過');
    expect([...h.ledger.records.values()][0]?.['発注状況']?.value).toBe('却下');
    // The item orders again: a new order number for its next notification.
    const next = await processNotification(lowNotification({ id: 'n-3', revision: 50 }), h.deps);
    expect(next.orderNumber).toBeDefined();
    expect(next.orderNumber).not.toBe(orderNumber);
  });

  it('reminds the approver once, then flags staff, from the scheduled send', async () => {
    const h = harness('link');
    const orderNumber = await placeOrder(h);
    expect(h.approvals.sent.map((m) => m.kind)).toEqual(['request']);
    expect(h.approvals.sent[0]?.link).toContain('/a/');
    h.advance(60);
    await sendDueOrders(h.deps, h.clock.now);
    expect(h.approvals.sent).toHaveLength(1);
    h.advance(4 * 60);
    await sendDueOrders(h.deps, h.clock.now);
    await sendDueOrders(h.deps, h.clock.now);
    expect(h.approvals.sent.map((m) => m.kind)).toEqual(['request', 'reminder']);
    h.advance(4 * 60);
    await sendDueOrders(h.deps, h.clock.now);
    await sendDueOrders(h.deps, h.clock.now);
    const order = await h.state.get(orderNumber);
    expect(order?.log.filter((e) => e.kind === 'approval-overdue')).toHaveLength(1);
    expect(h.metrics.total('ApprovalsOverdue')).toBe(1);
    expect(JSON.stringify(h.kintone.bulkUpdates.at(-1) ?? h.kintone.updates.at(-1))).toContain(
      '要対応',
    );
    expect(h.mailer.sent).toHaveLength(0);
    // Approved by the link's page (no send there): the scheduled send sends it.
    await approveOrder(orderNumber, { approve: true, by: 'boss@demo-shoji.example.jp' }, h.deps);
    const approved = await h.state.get(orderNumber);
    expect(approved && approvalOf(approved).state).toBe('approved');
    h.advance(5);
    await sendDueOrders(h.deps, h.clock.now);
    expect(h.mailer.sent).toHaveLength(1);
  });

  it('does not hold back the send when the order app fails', async () => {
    const h = harness('order-app');
    h.ledger.failNext = 5;
    const orderNumber = await placeOrder(h);
    await approveOrder(orderNumber, { approve: true, by: '部長' }, h.deps, { send: true });
    expect(h.mailer.sent).toHaveLength(1);
    expect(h.metrics.total('LedgerWriteFailures')).toBeGreaterThan(0);
    // The next run of the order writes the record, once: no duplicate.
    h.advance(10);
    await sendDueOrders(h.deps, h.clock.now);
    const order = await h.state.get(orderNumber);
    if (order) await approveOrder(orderNumber, { approve: true, by: '部長' }, h.deps);
    expect(h.ledger.records.size).toBeLessThanOrEqual(1);
  });
});

describe('the doctor on the order app', () => {
  it('accepts the demo order app and finds what a wrong form lacks', async () => {
    const { checkOrderAppFields } = await import('../../shared/kintone/doctor');
    const { orderApp, ORDER_APP_FIELDS } = await import('../../local/kintone/order-app');
    const { orderAppSchema } = await import('../../shared/config/schema');
    const config = orderAppSchema.parse({
      ...ORDER_APP,
      fields: ORDER_APP_FIELDS,
      approval: { reasonField: '差し戻し理由' },
    });
    const properties = Object.fromEntries(
      Object.entries(orderApp.fields).map(([code, field]) => [
        code,
        {
          type: field.type,
          code,
          ...('unique' in field && field.unique ? { unique: true } : {}),
          ...(field.type === 'SUBTABLE' && 'fields' in field
            ? {
                fields: Object.fromEntries(
                  Object.entries(field.fields).map(([c, f]) => [c, { type: f.type, code: c }]),
                ),
              }
            : {}),
        },
      ]),
    );
    const findings = checkOrderAppFields(config, properties, true);
    expect(findings.filter((f) => f.level !== 'ok')).toEqual([]);
    const { ステータス: _status, 明細: _lines, ...broken } = properties;
    const problems = checkOrderAppFields(config, broken, true).filter((f) => f.level === 'error');
    expect(problems.map((f) => f.message).join('\n')).toMatch(
      /not a table[\s\S]*process management/,
    );
  });
});
