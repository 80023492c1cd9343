import { calendarFromConfig } from '../../shared/adapters/calendar/calendar-from-config';
import type { KintoneNotification } from '../../shared/kintone/notification';
import { processNotification } from '../../shared/use-cases/process-notification';
import { sendDueOrders } from '../../shared/use-cases/send-due-orders';
import { dispatchHarness, lowNotification, type Harness } from '../support/dispatch-harness';

/**
 * The dispatcher with the configuration's business days (config/demo.json: 土日, Japanese public
 * holidays, 年末年始 2026-12-29 to 2027-01-03): a line's desired delivery date is its lead time in
 * business days from the day its order goes out, and the record's reason names the days skipped.
 */

type Gathering = { rule: 'immediate' } | { rule: 'cutoff'; times: string[] };

function harness(now: string, gathering: Gathering = { rule: 'immediate' }): Harness {
  const h = dispatchHarness({
    now: new Date(now),
    links: true,
    configure: (raw) => {
      const app = raw.apps.find((candidate) => candidate.appId === '12');
      if (!app) throw new Error('config/demo.json has no app 12');
      app.gathering = gathering;
    },
  });
  h.deps.calendars = calendarFromConfig(h.config);
  return h;
}

/** A-101 falling to 在庫数 18 with a lead time of 3 days. */
function drop(n = 1): KintoneNotification {
  return lowNotification({
    id: `drop-${n}`,
    recordId: String(n),
    revision: 5,
    values: { 品番: `A-10${n}`, 品名: `品目${n}`, リードタイム日数: '3' },
  });
}

function reasonsOf(h: Harness, recordId: string): string[] {
  return h.kintone.updates
    .filter((update) => update.recordId === recordId)
    .flatMap((update) =>
      update.values['発注理由'] === undefined ? [] : [update.values['発注理由']],
    );
}

describe('desired delivery dates in business days', () => {
  it('asks for delivery after 年末年始 and says which days were skipped', async () => {
    // Arrange: Monday 2026-12-28, 10:00 in Tokyo.
    const h = harness('2026-12-28T01:00:00Z');

    // Act
    await processNotification(drop(), h.deps);

    // Assess
    expect(h.mailer.sent).toHaveLength(1);
    expect(h.mailer.sent[0]?.desiredDeliveryDate).toBe('2027-01-06');
    expect(reasonsOf(h, '1').at(-1)).toMatch(
      /。納品希望日 2027-01-06 \(年末年始・元日を除く3営業日\)$/,
    );
    expect(h.kintone.comments.at(-1)?.text ?? '').toContain('納品希望日: 2027-01-06');
  });

  it('keeps the reason as it was when no closed day is passed over', async () => {
    // Arrange: Tuesday 2026-12-01.
    const h = harness('2026-12-01T01:00:00Z');

    // Act
    await processNotification(drop(), h.deps);

    // Assess
    expect(h.mailer.sent[0]?.desiredDeliveryDate).toBe('2026-12-04');
    expect(reasonsOf(h, '1').at(-1)).not.toContain('納品希望日');
  });

  it('counts a cut-off order from its cut-off, which falls on a business day', async () => {
    // Arrange: Friday 2026-12-04 16:00 in Tokyo, after the last cut-off of the day.
    const h = harness('2026-12-04T07:00:00Z', { rule: 'cutoff', times: ['10:00', '15:00'] });

    // Act
    const placed = await processNotification(drop(), h.deps);
    const order = await h.state.get(placed.orderNumber ?? '');
    const sent = await sendDueOrders(h.deps, new Date('2026-12-07T01:00:00Z'));

    // Assess: due Monday 10:00 (not Saturday), wanted Monday + 3 = Thursday 12-10.
    expect(order?.dueAt).toBe('2026-12-07T01:00:00.000Z');
    expect(order?.lines[0]?.desiredDeliveryDate).toBe('2026-12-10');
    expect(sent.sent).toHaveLength(1);
    expect(h.mailer.sent[0]?.desiredDeliveryDate).toBe('2026-12-10');
  });
});
