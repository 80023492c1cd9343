import { createBusinessCalendar } from './business-calendar';
import { addDays, localDate, startOfDay } from './dates';
import {
  channelsOf,
  channelState,
  currentAnswer,
  eventsOf,
  lineAnswerKind,
  openLinesOf,
  orderStatus,
  sealOf,
  type PurchaseOrder,
  type PurchaseOrderLine,
} from './purchase-order';

/**
 * Following up a sent purchase order over time (issue 12), pure: given the order, the time and
 * the configuration's rule, what is due now, and when to look again.
 *
 * - A supplier who has not answered within `remindAfterBusinessHours` business hours of the
 *   send gets ONE reminder: by email when the order went by email, else by fax.
 * - With `faxAfterReminder`, an order reminded by email is also faxed (the order's fax channel,
 *   or the supplier's fax number as a fallback) once `faxAfterBusinessHours` have passed
 *   (default: halfway between the reminder and the staff flag).
 * - After `flagAfterBusinessHours` without an answer, staff are flagged (要対応), once.
 * - A line whose delivery date (the supplier's, else the desired one the documents show) has
 *   passed without receipt is late (納期遅延), once per date.
 *
 * Each step is done once: the log's `reminder-sent`, `follow-up-overdue` and `late` events say
 * what was done, so a crash or a concurrent run repeats nothing that was recorded.
 */

/** The configuration's follow-up rule (`followUp`). */
export interface FollowUpRule {
  /** Business hours after the send without an answer before the reminder. */
  remindAfterBusinessHours: number;
  /** Fax the order after the email reminder (when the supplier has a fax number). */
  faxAfterReminder: boolean;
  /** Business hours after the send for the fax; halfway to the flag when absent. */
  faxAfterBusinessHours?: number;
  /** Business hours after the send without an answer before staff are flagged (要対応). */
  flagAfterBusinessHours: number;
}

/**
 * Business time, as the business calendar counts it (working days and hours in the company's
 * time zone). {@link weekdayBusinessClock} is a plain one (Monday to Friday, 9:00-18:00).
 */
export interface BusinessClock {
  /** Business hours from `from` to `to`; 0 when `to` is not after `from`. */
  hoursBetween(from: Date, to: Date): number;
  /** The instant `hours` business hours after `from`. */
  addHours(from: Date, hours: number): Date;
}

/**
 * The hours of a business calendar (`business-calendar`'s `BusinessCalendar`: Japanese public
 * holidays, the company's closed days, its business hours), as far as follow-up needs them.
 */
export interface BusinessHoursCalendar {
  addBusinessHours(instant: Date, hours: number, timeZone: string): Date;
  businessHoursBetween(from: Date, to: Date, timeZone: string): number;
}

/**
 * The business clock of a calendar in the company's time zone.
 *
 * @example
 * const clock = businessClockOf(calendars.company, config.timeZone);
 */
export function businessClockOf(calendar: BusinessHoursCalendar, timeZone: string): BusinessClock {
  return {
    hoursBetween: (from, to) => calendar.businessHoursBetween(from, to, timeZone),
    addHours: (from, hours) => calendar.addBusinessHours(from, hours, timeZone),
  };
}

/** One thing due on an order now. */
export type FollowUpStep =
  /** The reminder (same order number, marked as a reminder), on this channel. */
  | { step: 'remind'; channel: 'email' | 'fax' }
  /** The fax after an email reminder. */
  | { step: 'fax' }
  /** No answer in time: 要対応 with the reason on the open lines' records and the order. */
  | { step: 'flag'; reason: string }
  /** These open lines' delivery date passed without receipt: 納期遅延. */
  | { step: 'late'; dueDate: string; lineIds: string[] };

/** What {@link followUpOf} found. */
export interface FollowUp {
  steps: FollowUpStep[];
  /**
   * When to look at the order again (the next step's time, or a daily look while lines are
   * open); undefined when nothing can become due any more (closed, empty, or staff already
   * handle it because every channel failed).
   */
  nextCheckAt?: Date;
}

/** How often an order with open lines and nothing scheduled is looked at again. */
export const RECHECK_MS = 24 * 3_600_000;
/** A sealed order still being sent is looked at again after this. */
const SENDING_RECHECK_MS = 3_600_000;

/** What {@link followUpOf} needs besides the order. */
export interface FollowUpContext {
  now: Date;
  rule: FollowUpRule;
  clock: BusinessClock;
  /** The company's IANA time zone: delivery dates are calendar days there. */
  timeZone: string;
}

/**
 * What is due on the order now, and when to look again.
 *
 * @example
 * const { steps, nextCheckAt } = followUpOf(order, { now, rule, clock, timeZone: 'Asia/Tokyo' });
 */
export function followUpOf(order: PurchaseOrder, context: FollowUpContext): FollowUp {
  const status = orderStatus(order);
  if (status === 'closed' || status === 'empty' || status === 'needs-attention') {
    return { steps: [] };
  }
  const { now } = context;
  if (status === 'gathering' || status === 'sending') {
    return { steps: [], nextCheckAt: new Date(now.getTime() + SENDING_RECHECK_MS) };
  }
  const steps: FollowUpStep[] = [];
  const times: number[] = [];
  const sentAt = firstSentAt(order);
  if (sentAt !== undefined && currentAnswer(order) === undefined) {
    answerSteps(order, sentAt, context, steps, times);
  }
  lateSteps(order, context, steps, times);
  const future = times.filter((time) => time > now.getTime());
  const next = Math.min(...future, now.getTime() + RECHECK_MS);
  return { steps, nextCheckAt: new Date(next) };
}

function answerSteps(
  order: PurchaseOrder,
  sentAt: Date,
  context: FollowUpContext,
  steps: FollowUpStep[],
  times: number[],
): void {
  const { rule, clock, now } = context;
  const elapsed = clock.hoursBetween(sentAt, now);
  const reminders = eventsOf(order, 'reminder-sent');
  const emailed = channelState(order, 'email').state === 'sent';
  if (reminders.length === 0) {
    if (elapsed >= rule.remindAfterBusinessHours) {
      steps.push({ step: 'remind', channel: emailed ? 'email' : 'fax' });
    } else times.push(clock.addHours(sentAt, rule.remindAfterBusinessHours).getTime());
  }
  const faxAfter = faxAfterHours(rule);
  const remindedByEmail =
    reminders.some((event) => event.channel === 'email') || (reminders.length === 0 && emailed);
  const faxed = reminders.some((event) => event.channel === 'fax');
  if (rule.faxAfterReminder && remindedByEmail && !faxed) {
    if (elapsed >= faxAfter && elapsed >= rule.remindAfterBusinessHours)
      steps.push({ step: 'fax' });
    else times.push(clock.addHours(sentAt, faxAfter).getTime());
  }
  if (!order.log.some((event) => event.kind === 'follow-up-overdue')) {
    if (elapsed >= rule.flagAfterBusinessHours) {
      steps.push({ step: 'flag', reason: overdueReason(order, rule) });
    } else times.push(clock.addHours(sentAt, rule.flagAfterBusinessHours).getTime());
  }
}

function lateSteps(
  order: PurchaseOrder,
  context: FollowUpContext,
  steps: FollowUpStep[],
  times: number[],
): void {
  const today = localDate(context.now, context.timeZone);
  const recorded = new Set(eventsOf(order, 'late').map((event) => event.dueDate));
  const byDate = new Map<string, string[]>();
  for (const line of openLinesOf(order)) {
    const dueDate = dueDateOf(order, line);
    if (dueDate === undefined || recorded.has(dueDate)) continue;
    if (dueDate < today) {
      const lineIds = byDate.get(dueDate) ?? [];
      lineIds.push(line.lineId);
      byDate.set(dueDate, lineIds);
    } else times.push(startOfDay(addDays(dueDate, 1), context.timeZone).getTime());
  }
  for (const [dueDate, lineIds] of [...byDate].sort(([a], [b]) => a.localeCompare(b))) {
    steps.push({ step: 'late', dueDate, lineIds });
  }
}

/** The fax's time after the send: the rule's, else halfway from the reminder to the flag. */
export function faxAfterHours(rule: FollowUpRule): number {
  return (
    rule.faxAfterBusinessHours ?? (rule.remindAfterBusinessHours + rule.flagAfterBusinessHours) / 2
  );
}

/** Why staff are flagged, as the records and the order say it. */
export function overdueReason(order: PurchaseOrder, rule: FollowUpRule): string {
  const reminded = eventsOf(order, 'reminder-sent')
    .map((event) => (event.channel === 'email' ? 'メール' : 'FAX'))
    .join('・');
  return (
    `発注 ${order.orderNumber} に仕入先の回答が ${rule.flagAfterBusinessHours} 営業時間ありません` +
    `${reminded === '' ? '' : ` (再送済: ${reminded})`}。仕入先に電話で確認してください。`
  );
}

/**
 * The line's delivery date: the supplier's answer's date for the line, else the desired date
 * the documents show (the line's own, counted in business days when it was placed; else the
 * order date plus the line's lead time). Undefined for a line the supplier declined.
 */
export function dueDateOf(order: PurchaseOrder, line: PurchaseOrderLine): string | undefined {
  const answer = currentAnswer(order)?.answer;
  if (answer !== undefined) {
    if (answer.kind === 'declined') return undefined;
    if (lineAnswerKind(order, line, answer) === 'declined') return undefined;
    return answer.deliveryDate;
  }
  // The date the documents show: fixed on the line in business days, else order date + lead time.
  if (line.desiredDeliveryDate !== undefined) return line.desiredDeliveryDate;
  const seal = sealOf(order);
  return seal === undefined ? undefined : addDays(seal.orderDate, line.leadTimeDays);
}

/**
 * What staff received of the line so far: the quantity of its latest `line-received` event
 * (each gives the total received, as the record's 入荷数 field shows it), 0 without any.
 */
export function receivedQuantity(order: PurchaseOrder, lineId: string): number {
  const received = eventsOf(order, 'line-received').filter((event) => event.lineId === lineId);
  return received[received.length - 1]?.quantity ?? 0;
}

/** When the order first went to the supplier on any channel. */
export function firstSentAt(order: PurchaseOrder): Date | undefined {
  const sends = order.log
    .filter((event) => event.kind === 'email-sent' || event.kind === 'fax-sent')
    .map((event) => Date.parse(event.at))
    .filter(Number.isFinite);
  return sends.length === 0 ? undefined : new Date(Math.min(...sends));
}

/** The fax channel of the order, if it has one (sent or not). */
export function orderFaxChannel(order: PurchaseOrder) {
  return channelsOf(order).find((channel) => channel.kind === 'fax');
}

/** Options of {@link weekdayBusinessClock}. */
export interface WeekdayHours {
  /** Hour of day business starts (inclusive), 9 by default. */
  startHour?: number;
  /** Hour of day business ends (exclusive), 18 by default. */
  endHour?: number;
}

/**
 * A plain business clock: Monday to Friday, `startHour`-`endHour` in the zone, no holidays.
 * Stands in where no business calendar is wired.
 *
 * @example
 * const clock = weekdayBusinessClock('Asia/Tokyo');
 * clock.hoursBetween(new Date('2026-12-04T09:00:00Z'), new Date('2026-12-07T02:00:00Z')); // 3
 */
export function weekdayBusinessClock(timeZone: string, hours: WeekdayHours = {}): BusinessClock {
  const hour = (value: number) => `${String(value).padStart(2, '0')}:00`;
  // The business calendar with no holidays and no closed dates: one implementation of hours.
  const calendar = createBusinessCalendar({
    weeklyClosedDays: [0, 6],
    closedDates: [],
    businessHours: { start: hour(hours.startHour ?? 9), end: hour(hours.endHour ?? 18) },
  });
  return businessClockOf(calendar, timeZone);
}
