import {
  followUpOf,
  receivedQuantity,
  weekdayBusinessClock,
  type FollowUpRule,
} from '../../../shared/domain/follow-up';
import { startOfDay } from '../../../shared/domain/dates';
import type { OrderEvent, PurchaseOrder } from '../../../shared/domain/purchase-order';
import { lineFor, orderFixture } from '../../support/purchase-order-fixtures';

const TZ = 'Asia/Tokyo';
const clock = weekdayBusinessClock(TZ);
const rule: FollowUpRule = {
  remindAfterBusinessHours: 8,
  faxAfterReminder: true,
  flagAfterBusinessHours: 16,
};
/** Monday 2026-11-30 10:00 JST. */
const SENT = '2026-11-30T01:00:00.000Z';

function jst(local: string): Date {
  return new Date(`${local}+09:00`);
}

/** An order of two lines sealed and emailed on Monday 10:00 JST, lead time 2 and 3 days. */
function sentOrder(events: OrderEvent[] = [], overrides: Partial<PurchaseOrder> = {}) {
  const order = orderFixture(
    'PO-20261130-0001',
    [lineFor('1', 1, { leadTimeDays: 2 }), lineFor('2', 1, { leadTimeDays: 3 })],
    { sealed: false, ...overrides },
  );
  order.log.push(
    { kind: 'sealed', at: SENT, orderDate: '2026-11-30' },
    ...(order.channels.some((c) => c.kind === 'email')
      ? [{ kind: 'email-sent', at: SENT, messageId: 'm-1' } as const]
      : [{ kind: 'fax-sent', at: SENT, faxId: 'f-1', gateway: 'phaxio' } as const]),
    ...events,
  );
  return order;
}

const context = (now: Date) => ({ now, rule, clock, timeZone: TZ });

describe('weekdayBusinessClock', () => {
  it('counts Monday to Friday, 9:00-18:00 in the zone', () => {
    // Friday 17:00 to Monday 10:00 JST: one hour on Friday, one on Monday.
    expect(clock.hoursBetween(jst('2026-12-04T17:00:00'), jst('2026-12-07T10:00:00'))).toBe(2);
    expect(clock.hoursBetween(jst('2026-12-05T10:00:00'), jst('2026-12-05T17:00:00'))).toBe(0);
    expect(clock.hoursBetween(jst('2026-12-01T08:00:00'), jst('2026-12-01T20:00:00'))).toBe(9);
    expect(clock.hoursBetween(jst('2026-12-02T12:00:00'), jst('2026-12-01T12:00:00'))).toBe(0);
  });

  it('adds business hours across evenings and weekends', () => {
    expect(clock.addHours(jst('2026-12-04T17:00:00'), 3)).toEqual(jst('2026-12-07T11:00:00'));
    expect(clock.addHours(jst('2026-11-30T10:00:00'), 8)).toEqual(jst('2026-11-30T18:00:00'));
    expect(clock.addHours(jst('2026-11-30T10:00:00'), 16)).toEqual(jst('2026-12-01T17:00:00'));
    expect(clock.addHours(jst('2026-12-05T20:00:00'), 1)).toEqual(jst('2026-12-07T10:00:00'));
  });

  it('finds where a day begins in the zone', () => {
    expect(startOfDay('2026-12-03', TZ)).toEqual(new Date('2026-12-02T15:00:00.000Z'));
    expect(startOfDay('2026-07-01', 'Europe/Berlin')).toEqual(new Date('2026-06-30T22:00:00.000Z'));
  });
});

describe('followUpOf', () => {
  it('waits until the reminder is due, and says when that is', () => {
    const { steps, nextCheckAt } = followUpOf(sentOrder(), context(jst('2026-11-30T17:00:00')));

    expect(steps).toEqual([]);
    expect(nextCheckAt).toEqual(jst('2026-11-30T18:00:00'));
  });

  it('reminds by email once, then faxes halfway to the flag, then flags staff, each once', () => {
    // Act: Monday 18:00 (8 business hours), then Tuesday 13:00 (12), then Tuesday 17:00 (16).
    const first = followUpOf(sentOrder(), context(jst('2026-11-30T18:00:00')));
    const reminded = sentOrder([
      { kind: 'reminder-sent', at: '2026-11-30T09:00:00.000Z', channel: 'email', messageId: 'r' },
    ]);
    const again = followUpOf(reminded, context(jst('2026-12-01T09:30:00')));
    const fax = followUpOf(reminded, context(jst('2026-12-01T13:00:00')));
    const faxed = sentOrder([
      { kind: 'reminder-sent', at: '2026-11-30T09:00:00.000Z', channel: 'email', messageId: 'r' },
      { kind: 'reminder-sent', at: '2026-12-01T04:00:00.000Z', channel: 'fax', messageId: 'f' },
    ]);
    const flag = followUpOf(faxed, context(jst('2026-12-01T17:00:00')));
    const flagged = sentOrder([
      ...faxed.log.slice(-2),
      { kind: 'follow-up-overdue', at: '2026-12-01T08:00:00.000Z', reason: '...' },
    ]);
    const after = followUpOf(flagged, context(jst('2026-12-01T17:30:00')));

    // Assess
    expect(first.steps).toEqual([{ step: 'remind', channel: 'email' }]);
    expect(first.nextCheckAt).toEqual(jst('2026-12-01T13:00:00'));
    expect(again.steps).toEqual([]);
    expect(fax.steps).toEqual([{ step: 'fax' }]);
    expect(flag.steps).toEqual([
      {
        step: 'flag',
        reason: expect.stringContaining('回答が 16 営業時間ありません (再送済: メール・FAX)'),
      },
    ]);
    expect(after.steps).toEqual([]);
    // Nothing due before line 1 (lead time 2 days) is late after 2026-12-02: the daily look.
    expect(after.nextCheckAt).toEqual(jst('2026-12-02T17:30:00'));
  });

  it('reminds an order sent by fax by fax, and faxes no second time', () => {
    const faxOnly = {
      channels: [{ kind: 'fax' as const, number: '+81312345678', national: '03-1234-5678' }],
    };

    const first = followUpOf(sentOrder([], faxOnly), context(jst('2026-11-30T18:00:00')));
    const later = followUpOf(
      sentOrder(
        [{ kind: 'reminder-sent', at: '2026-11-30T09:00:00.000Z', channel: 'fax', messageId: 'f' }],
        faxOnly,
      ),
      context(jst('2026-12-01T13:00:00')),
    );

    expect(first.steps).toEqual([{ step: 'remind', channel: 'fax' }]);
    expect(later.steps).toEqual([]);
  });

  it('does not remind a supplier who answered; a line past its date without receipt is late once a date', () => {
    const answered: OrderEvent = {
      kind: 'supplier-answer',
      at: '2026-11-30T03:00:00.000Z',
      answer: { kind: 'confirmed', deliveryDate: '2026-12-03' },
    };

    const onTheDay = followUpOf(sentOrder([answered]), context(jst('2026-12-03T23:00:00')));
    const dayAfter = followUpOf(sentOrder([answered]), context(jst('2026-12-04T00:10:00')));
    const recorded = followUpOf(
      sentOrder([
        answered,
        { kind: 'late', at: '2026-12-03T15:10:00.000Z', dueDate: '2026-12-03' },
      ]),
      context(jst('2026-12-04T09:00:00')),
    );

    expect(onTheDay.steps).toEqual([]);
    expect(onTheDay.nextCheckAt).toEqual(startOfDay('2026-12-04', TZ));
    expect(dayAfter.steps).toEqual([{ step: 'late', dueDate: '2026-12-03', lineIds: ['1', '2'] }]);
    expect(recorded.steps).toEqual([]);
  });

  it('without an answer, each line is late after its desired date (order date plus lead time)', () => {
    const flagged: OrderEvent[] = [
      { kind: 'reminder-sent', at: '2026-11-30T09:00:00.000Z', channel: 'email', messageId: 'r' },
      { kind: 'reminder-sent', at: '2026-12-01T04:00:00.000Z', channel: 'fax', messageId: 'f' },
      { kind: 'follow-up-overdue', at: '2026-12-01T08:00:00.000Z', reason: '...' },
    ];

    const { steps } = followUpOf(sentOrder(flagged), context(jst('2026-12-03T09:00:00')));
    const both = followUpOf(sentOrder(flagged), context(jst('2026-12-04T09:00:00')));

    expect(steps).toEqual([{ step: 'late', dueDate: '2026-12-02', lineIds: ['1'] }]);
    expect(both.steps).toEqual([
      { step: 'late', dueDate: '2026-12-02', lineIds: ['1'] },
      { step: 'late', dueDate: '2026-12-03', lineIds: ['2'] },
    ]);
  });

  it("takes a line's desired date as placed (business days) when it has one", () => {
    const order = sentOrder();
    const [first] = order.lines;
    if (first) first.desiredDeliveryDate = '2026-12-07';
    const flagged: OrderEvent[] = [
      { kind: 'reminder-sent', at: '2026-11-30T09:00:00.000Z', channel: 'email', messageId: 'r' },
      { kind: 'reminder-sent', at: '2026-12-01T04:00:00.000Z', channel: 'fax', messageId: 'f' },
      { kind: 'follow-up-overdue', at: '2026-12-01T08:00:00.000Z', reason: '...' },
    ];
    order.log.push(...flagged);

    const { steps } = followUpOf(order, context(jst('2026-12-04T09:00:00')));

    expect(steps).toEqual([{ step: 'late', dueDate: '2026-12-03', lineIds: ['2'] }]);
  });

  it('is done with an order whose lines staff closed, and counts a partial receipt', () => {
    const closed = sentOrder([
      { kind: 'line-received', at: '2026-12-01T01:00:00.000Z', lineId: '1', quantity: 5 },
      { kind: 'line-received', at: '2026-12-01T02:00:00.000Z', lineId: '1', quantity: 12 },
      { kind: 'line-closed', at: '2026-12-02T01:00:00.000Z', lineId: '1', status: '入荷済' },
      { kind: 'line-closed', at: '2026-12-02T01:00:00.000Z', lineId: '2', status: '入荷済' },
    ]);

    expect(followUpOf(closed, context(jst('2026-12-09T09:00:00')))).toEqual({ steps: [] });
    expect(receivedQuantity(closed, '1')).toBe(12);
    expect(receivedQuantity(closed, '2')).toBe(0);
  });
});
