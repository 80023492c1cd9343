import { approvalOf, type OrderEvent } from '../../shared/domain/purchase-order';
import type { ApprovalMail, ApprovalMailer } from '../../shared/ports/approval-mailer';
import { approveOrder } from '../../shared/use-cases/approve-order';
import type { CompleteOrderDeps } from '../../shared/use-cases/complete-order';
import { sendDueOrders } from '../../shared/use-cases/send-due-orders';
import { dispatchHarness, type Harness } from '../support/dispatch-harness';
import { lineFor, orderFixture } from '../support/purchase-order-fixtures';

/**
 * Orders awaiting approval stay on the due list (they are never settled while waiting), but the
 * scheduled send moves each to its next approval step: more of them than one run's batch no
 * longer hold back the other due orders.
 */

const WAITING_SUPPLIER = { code: 'S-WAIT', name: '承認商事', email: 'order@shonin.example' };
const REQUESTED_AT = '2026-11-28T01:00:00.000Z';
const REMIND_AT = new Date('2026-11-28T05:00:00.000Z');
const FLAG_AT = new Date('2026-11-28T09:00:00.000Z');
const ORDINARY = 'PO-20261128-0900';

class RecordingApprovalMailer implements ApprovalMailer {
  readonly sent: ApprovalMail[] = [];
  async sendApprovalMail(mail: ApprovalMail) {
    this.sent.push(mail);
    return { messageId: `approval-${this.sent.length}` };
  }
}

function waitingNumber(index: number): string {
  return `PO-20261128-${String(index + 1).padStart(4, '0')}`;
}

async function harness(
  waiting: number,
): Promise<
  Harness & { deps: CompleteOrderDeps & Harness['deps']; approvals: RecordingApprovalMailer }
> {
  const approvals = new RecordingApprovalMailer();
  const h = dispatchHarness({
    configure: (raw) => {
      raw.approval = {
        suppliers: [WAITING_SUPPLIER.code],
        approverEmail: 'boss@demo-shoji.example.jp',
        remindAfterHours: 4,
        flagAfterHours: 8,
      };
      raw.supplierPage = {
        baseUrl: 'https://bridge.example',
        signingKey: 'a-signing-key-that-is-long-enough-0123',
      };
    },
  });
  Object.assign(h.deps, {
    approvalMailer: approvals,
    approvalLinks: { sign: async (n: string) => `https://bridge.example/a/${n}.sig` },
  });
  // Sealed and waiting since 01:00, each due (and on the due list) before the ordinary order.
  for (let index = 0; index < waiting; index++) {
    const dueAt = new Date(Date.parse('2026-11-28T00:00:00.000Z') + index * 1000).toISOString();
    const log: OrderEvent[] = [
      { kind: 'created', at: dueAt, by: `notif-${index}` },
      { kind: 'sealed', at: dueAt, orderDate: '2026-11-28' },
      {
        kind: 'approval-requested',
        at: REQUESTED_AT,
        via: 'link',
        reason: `仕入先 ${WAITING_SUPPLIER.name} への発注は承認が必要です`,
      },
    ];
    const created = await h.state.create(
      orderFixture(waitingNumber(index), [lineFor(String(1000 + index))], {
        supplier: WAITING_SUPPLIER,
        channels: [{ kind: 'email', address: WAITING_SUPPLIER.email }],
        createdAt: dueAt,
        dueAt,
        log,
      }),
    );
    if (!created.created) throw new Error('fixture order not created');
  }
  // An ordinary gathering order (no approval needed), due at 02:00, after every waiting one.
  const ordinary = await h.state.create(
    orderFixture(ORDINARY, [lineFor('2000')], {
      createdAt: '2026-11-28T01:30:00.000Z',
      dueAt: '2026-11-28T02:00:00.000Z',
      log: [{ kind: 'created', at: '2026-11-28T01:30:00.000Z', by: 'notif-2000' }],
    }),
  );
  if (!ordinary.created) throw new Error('fixture order not created');
  h.state.calls.length = 0;
  return Object.assign(h, { approvals }) as never;
}

/** The order numbers the store was asked for (`get`) since the calls were last cleared. */
function ordersRead(h: Harness): string[] {
  return h.state.callsOf('get').map((call) => String(call.args[0]));
}

describe('sendDueOrders with more orders awaiting approval than one batch', () => {
  it('sends the ordinary due order in the first run and reads the waiting ones again only at their reminder', async () => {
    // Prepare
    const h = await harness(60);
    const waiting = Array.from({ length: 60 }, (_, index) => waitingNumber(index));

    // Act
    const first = await sendDueOrders(h.deps, h.clock.now);

    // Assess: sent at once, although 60 older orders wait for approval (batch 50).
    expect(first.sent).toEqual([ORDINARY]);
    expect(first.settled).toEqual([ORDINARY]);
    expect(first.failed).toEqual([]);
    expect(h.mailer.sent).toHaveLength(1);
    expect(new Set(ordersRead(h))).toEqual(new Set([...waiting, ORDINARY]));
    // Nothing was done to the waiting ones: no reminder before its time.
    expect(h.approvals.sent).toEqual([]);
    expect(await h.state.listDue(new Date(REMIND_AT.getTime() - 1), 100)).toEqual([]);
    expect(await h.state.listDue(REMIND_AT, 100)).toEqual(waiting);

    // Act: every run until the reminder reads none of them.
    h.state.calls.length = 0;
    for (const minutes of [1, 60, 100]) {
      h.advance(minutes);
      await sendDueOrders(h.deps, h.clock.now);
    }

    // Assess
    expect(ordersRead(h)).toEqual([]);
    expect(h.clock.now.getTime()).toBeLessThan(REMIND_AT.getTime());

    // Act: at the reminder time they are due again; a run reminds a batch of them.
    h.clock.now = new Date(REMIND_AT);
    const reminding = await sendDueOrders(h.deps, h.clock.now);
    h.advance(1);
    const rest = await sendDueOrders(h.deps, h.clock.now);

    // Assess: 50 reminders, then the other 10; then each waits for its flag.
    expect(reminding.more).toBe(true);
    expect(rest.more).toBe(false);
    expect(h.approvals.sent.map((mail) => mail.kind)).toEqual(Array(60).fill('reminder'));
    expect(await h.state.listDue(new Date(FLAG_AT.getTime() - 1), 100)).toEqual([]);
    expect(await h.state.listDue(FLAG_AT, 100)).toEqual(waiting);
  });

  it('re-checks an order that was reminded and flagged daily, and a link approval makes it due at once', async () => {
    // Prepare
    const h = await harness(1);
    const [orderNumber] = [waitingNumber(0)];
    h.clock.now = new Date(FLAG_AT);
    await sendDueOrders(h.deps, h.clock.now);
    const flagged = await h.state.get(orderNumber);
    expect(flagged?.log.map((event) => event.kind)).toEqual(
      expect.arrayContaining(['approval-reminded', 'approval-overdue']),
    );
    const recheck = new Date(FLAG_AT.getTime() + 86_400_000);
    expect(await h.state.listDue(new Date(recheck.getTime() - 1), 10)).toEqual([]);
    expect(await h.state.listDue(recheck, 10)).toEqual([orderNumber]);

    // Act: approved on the link's page (no send there).
    h.advance(60);
    const approved = await approveOrder(orderNumber, { approve: true, by: 'boss' }, h.deps);
    const dueNow = await h.state.listDue(h.clock.now, 10);
    h.advance(5);
    const run = await sendDueOrders(h.deps, h.clock.now);

    // Assess
    expect(approved.result).toBe('approved');
    expect(dueNow).toEqual([orderNumber]);
    expect(run.sent).toEqual([orderNumber]);
    expect(run.settled).toEqual([orderNumber]);
  });

  it('keeps an order approved while the run moved it on due at once', async () => {
    // Prepare: the approval lands between the run's move and its check of the order.
    const h = await harness(1);
    const orderNumber = waitingNumber(0);
    const reschedule = h.state.reschedule.bind(h.state);
    let raced = false;
    h.state.reschedule = async (number, dueAt) => {
      if (!raced && dueAt.getTime() > h.clock.now.getTime()) {
        raced = true;
        await approveOrder(number, { approve: true, by: 'boss' }, h.deps);
      }
      return reschedule(number, dueAt);
    };

    // Act
    await sendDueOrders(h.deps, h.clock.now);

    // Assess
    const order = await h.state.get(orderNumber);
    expect(raced).toBe(true);
    expect(order && approvalOf(order).state).toBe('approved');
    expect(await h.state.listDue(h.clock.now, 10)).toContain(orderNumber);
  });

  it('takes a rejected order off the due list', async () => {
    // Prepare
    const h = await harness(1);
    const orderNumber = waitingNumber(0);
    await sendDueOrders(h.deps, h.clock.now);

    // Act
    const rejected = await approveOrder(
      orderNumber,
      { approve: false, by: 'boss', action: '差し戻し', reason: '数量を見直してください' },
      h.deps,
    );

    // Assess
    expect(rejected.result).toBe('rejected');
    expect(await h.state.listDue(new Date('2030-01-01T00:00:00Z'), 10)).toEqual([]);
  });
});
