import { renderOrderEmail } from '../../shared/documents/order-email';
import { orderFormContent } from '../../shared/documents/order-form-content';
import { calendarsOf, createBusinessCalendar } from '../../shared/domain/business-calendar';
import { businessClockOf } from '../../shared/domain/follow-up';
import { ChannelSendError } from '../../shared/ports/channel-send-error';
import { followUpOrders, type FollowUpOrdersDeps } from '../../shared/use-cases/follow-up-orders';
import { processNotification } from '../../shared/use-cases/process-notification';
import { RecordingMetrics } from '../fakes/recording-metrics';
import { dispatchHarness, lowNotification, type Harness } from '../support/dispatch-harness';

/** Monday 2026-11-30 09:30 JST. */
const SENT_AT = '2026-11-30T00:30:00.000Z';

function jst(local: string): Date {
  return new Date(`${local}+09:00`);
}

/** An order of A-100 emailed on Monday 09:30 JST, with a supplier fax number; follow-up on. */
async function sentOrder(options: { followUp?: boolean } = {}) {
  const h = dispatchHarness({
    fax: true,
    now: new Date(SENT_AT),
    configure: (raw) => {
      if (options.followUp !== false) {
        (raw as Record<string, unknown>)['followUp'] = {
          remindAfterBusinessHours: 8,
          flagAfterBusinessHours: 16,
        };
      }
    },
  });
  await processNotification(lowNotification({ values: { 仕入先FAX: '03-1234-5678' } }), h.deps);
  const [order] = h.state.allOrders();
  if (!order) throw new Error('no order was created');
  return { h, orderNumber: order.orderNumber };
}

function depsOf(h: Harness, metrics = new RecordingMetrics()): FollowUpOrdersDeps {
  return { ...h.deps, metrics };
}

async function runAt(h: Harness, local: string, deps: FollowUpOrdersDeps = depsOf(h)) {
  h.clock.now = jst(local);
  return followUpOrders(deps, jst(local));
}

describe('followUpOrders', () => {
  it('reminds by email with the same order marked as a reminder, then faxes, then flags staff', async () => {
    // Prepare
    const { h, orderNumber } = await sentOrder();
    const metrics = new RecordingMetrics();
    const deps = depsOf(h, metrics);
    const writesBefore = h.kintone.writeCalls();

    // Act
    const early = await runAt(h, '2026-11-30T17:00:00', deps);
    const reminded = await runAt(h, '2026-11-30T18:30:00', deps);
    const faxed = await runAt(h, '2026-12-01T13:00:00', deps);
    const flagged = await runAt(h, '2026-12-01T16:30:00', deps);
    const again = await runAt(h, '2026-12-01T16:31:00', deps);

    // Assess
    expect(early).toMatchObject({ checked: [orderNumber], reminded: [], faxed: [] });
    expect(reminded.reminded).toEqual([orderNumber]);
    expect(h.mailer.sent).toHaveLength(2);
    const reminder = h.mailer.sent[1];
    expect(reminder).toMatchObject({ orderNumber, reminder: true });
    if (!reminder) throw new Error('no reminder');
    expect(renderOrderEmail(reminder).subject).toMatch(
      new RegExp(`^【再送・ご確認のお願い】${orderNumber} `),
    );
    expect(faxed.faxed).toEqual([orderNumber]);
    expect(h.gateway.sent).toHaveLength(1);
    expect(h.gateway.sent[0]).toMatchObject({ to: '+81312345678', orderNumber });
    expect(flagged.flagged).toEqual([orderNumber]);
    expect(again).toMatchObject({ checked: [], reminded: [], faxed: [], flagged: [] });
    expect(h.kintone.writeCalls()).toBeGreaterThan(writesBefore);
    expect(h.kintone.comments.at(-1)?.text).toMatch(/^【要対応】発注 .* 16 営業時間ありません/);
    expect(metrics.total('FollowUpsOverdue')).toBe(1);
    expect(metrics.total('RemindersSent')).toBe(2);
    const log = h.state.allOrders()[0]?.log.map((event) => event.kind) ?? [];
    expect(log.filter((kind) => kind === 'reminder-sent')).toHaveLength(2);
    expect(log.filter((kind) => kind === 'follow-up-overdue')).toHaveLength(1);
  });

  it('flags staff once even when kintone fails the first time: the next run writes and records it', async () => {
    // Prepare
    const { h, orderNumber } = await sentOrder();
    const metrics = new RecordingMetrics();
    const deps = depsOf(h, metrics);
    await runAt(h, '2026-11-30T18:30:00', deps);
    await runAt(h, '2026-12-01T13:00:00', deps);
    h.kintone.failures.push(Object.assign(new Error('kintone is down'), { status: 503 }));

    // Act
    const failed = await runAt(h, '2026-12-01T16:30:00', deps);
    const retried = await runAt(h, '2026-12-01T16:31:00', deps);

    // Assess
    expect(failed.failed.map((entry) => entry.orderNumber)).toEqual([orderNumber]);
    expect(retried.flagged).toEqual([orderNumber]);
    const log = h.state.allOrders()[0]?.log.map((event) => event.kind) ?? [];
    expect(log.filter((kind) => kind === 'follow-up-overdue')).toHaveLength(1);
    expect(metrics.total('FollowUpsOverdue')).toBe(1);
  });

  it('sends the reminder by fax when the reminder email is refused for good', async () => {
    // Prepare
    const { h, orderNumber } = await sentOrder();
    h.mailer.failures.push(new ChannelSendError('address rejected', { retryable: false }));

    // Act
    const result = await runAt(h, '2026-11-30T18:30:00');

    // Assess
    expect(result.reminded).toEqual([orderNumber]);
    expect(h.gateway.sent).toHaveLength(1);
    const log = h.state.allOrders()[0]?.log ?? [];
    expect(log.filter((event) => event.kind === 'reminder-sent')).toEqual([
      expect.objectContaining({ channel: 'fax' }),
    ]);
  });

  it('follows up nothing without followUp in the configuration, and empties the list', async () => {
    // Prepare
    const { h, orderNumber } = await sentOrder({ followUp: false });
    expect(await h.state.listChecksDue(jst('2026-12-09T09:00:00'), 10)).toEqual([orderNumber]);

    // Act
    const result = await runAt(h, '2026-12-09T09:00:00');

    // Assess
    expect(result).toMatchObject({ checked: [orderNumber], reminded: [], flagged: [], late: [] });
    expect(h.mailer.sent).toHaveLength(1);
    expect(await h.state.listChecksDue(jst('2026-12-31T09:00:00'), 10)).toEqual([]);
  });

  it('counts business hours on the company calendar when one is given', async () => {
    // Prepare: Monday 2026-11-30 is a holiday in this calendar.
    const { h } = await sentOrder();
    const company = createBusinessCalendar({
      publicHoliday: (date) => (date === '2026-11-30' ? '臨時休業' : undefined),
      weeklyClosedDays: [0, 6],
      closedDates: [],
    });
    const deps = { ...depsOf(h), calendars: calendarsOf(company) };

    // Act: Monday 18:30 is no business hour at all; Tuesday 17:30 is 8.5 of them.
    const monday = await runAt(h, '2026-11-30T18:30:00', deps);
    const tuesday = await runAt(h, '2026-12-01T17:30:00', deps);

    // Assess
    expect(monday.reminded).toEqual([]);
    expect(tuesday.reminded).toEqual([h.state.allOrders()[0]?.orderNumber]);
    expect(
      businessClockOf(company, 'Asia/Tokyo').hoursBetween(
        jst('2026-11-30T10:00:00'),
        jst('2026-12-01T10:00:00'),
      ),
    ).toBe(1);
  });
});

describe('the reminder documents', () => {
  it('mark the fax form as a reminder too', async () => {
    const { h } = await sentOrder();
    await runAt(h, '2026-11-30T18:30:00');
    const reminder = h.mailer.sent[1];
    if (!reminder) throw new Error('no reminder');

    expect(orderFormContent(reminder).notes[0]).toMatch(/^【再送・ご確認のお願い】/);
    const [order] = h.mailer.sent;
    if (!order) throw new Error('no order');
    expect(orderFormContent(order).notes[0]).not.toMatch(/再送/);
    expect(renderOrderEmail(reminder).text).toContain('同じ発注番号の再送です');
  });
});
