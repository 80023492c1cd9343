import { localDate } from '../dates';
import type { IsBusinessDay } from './business-days';
import { estimateLeadTime, leadTimeDaysOf, type LeadTimeEstimate } from './lead-time';
import { medianOf } from './statistics';

/**
 * A supplier's scorecard from its orders' histories: how often it delivers on time in full, how
 * fast it answers, and how much its lead times vary. Plain input records, so that the store can
 * build them from whatever it keeps (the order ledger's events) without the domain knowing it.
 */

/** One line of an order, and what arrived of it. */
export interface ScorecardLine {
  /** The quantity still expected (ordered, less what the company itself cancelled). */
  ordered: number;
  /** Goods receipts of the line, any order. */
  receipts: readonly { at: string; quantity: number }[];
}

/** One order sent to a supplier. */
export interface ScorecardOrder {
  supplierCode: string;
  /** When it was sent (ISO instant). */
  sentAt: string;
  /** The desired delivery date (`YYYY-MM-DD`) the order asked for. */
  desiredDate: string;
  /** When the supplier first answered (受注・一部受注・辞退) on the order page, if it did. */
  answeredAt?: string;
  lines: readonly ScorecardLine[];
}

/** The scorecard of one supplier. */
export interface SupplierScorecard {
  supplierCode: string;
  orders: number;
  /** Orders judged for OTIF: complete, or past their desired date. */
  judged: number;
  /** Judged orders received in full by the end of their desired date. */
  onTimeInFull: number;
  /** onTimeInFull / judged; undefined when nothing is judged yet. */
  otifRate: number | undefined;
  answered: number;
  /** Median elapsed hours from sending to the first answer; undefined without answers. */
  medianAnswerHours: number | undefined;
  /** Lead times (business days to the line's first receipt); undefined without receipts. */
  leadTime: LeadTimeEstimate | undefined;
}

/** How {@link supplierScorecards} judges. */
export interface ScorecardOptions {
  /** The day the scorecard is for (`YYYY-MM-DD`): orders due after it are not judged yet. */
  asOf: string;
  timeZone: string;
  isBusinessDayFor: (supplierCode: string) => IsBusinessDay;
}

const HOUR_MS = 3_600_000;

/** The local date by which a line was received in full; undefined when it never was. */
function fullOn(line: ScorecardLine, timeZone: string): string | undefined {
  let received = 0;
  const sorted = [...line.receipts].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  for (const receipt of sorted) {
    received += receipt.quantity;
    if (received >= line.ordered) return localDate(new Date(receipt.at), timeZone);
  }
  return line.ordered <= 0 ? localDate(new Date(0), timeZone) : undefined;
}

/**
 * Scorecards per supplier, in supplier-code order.
 *
 * OTIF: an order counts once it is judged, that is complete or past its desired date (one still
 * on its way is neither a success nor a failure yet), and it is on time in full when every line
 * was received in full by the end of the desired date, local time. A declined order the
 * supplier never delivered is a miss: OTIF measures what the company got. Answer latency is in
 * elapsed hours, the supplier's clock, not the company's business hours. Lead time is the
 * business days of the delivery calendar to each line's first receipt, as the learning uses it.
 *
 * @example
 * supplierScorecards(orders, { asOf: '2026-12-01', timeZone: 'Asia/Tokyo', isBusinessDayFor });
 * // [{ supplierCode: 'S-001', orders: 12, judged: 11, onTimeInFull: 10, otifRate: 0.909…, … }]
 */
export function supplierScorecards(
  orders: readonly ScorecardOrder[],
  options: ScorecardOptions,
): SupplierScorecard[] {
  const bySupplier = new Map<string, ScorecardOrder[]>();
  for (const order of orders) {
    const list = bySupplier.get(order.supplierCode);
    if (list === undefined) bySupplier.set(order.supplierCode, [order]);
    else list.push(order);
  }
  return [...bySupplier.keys()].sort().map((supplierCode) => {
    const own = (bySupplier.get(supplierCode) as ScorecardOrder[])
      .slice()
      .sort((a, b) => Date.parse(a.sentAt) - Date.parse(b.sentAt));
    let judged = 0;
    let onTimeInFull = 0;
    const answerHours: number[] = [];
    const leadTimes: { at: number; days: number }[] = [];
    const isBusinessDay = options.isBusinessDayFor(supplierCode);
    for (const order of own) {
      const fullDates = order.lines.map((line) => fullOn(line, options.timeZone));
      const complete = fullDates.every((date) => date !== undefined);
      if (complete || order.desiredDate < options.asOf) {
        judged++;
        if (complete && fullDates.every((date) => (date as string) <= order.desiredDate)) {
          onTimeInFull++;
        }
      }
      if (order.answeredAt !== undefined) {
        answerHours.push((Date.parse(order.answeredAt) - Date.parse(order.sentAt)) / HOUR_MS);
      }
      for (const line of order.lines) {
        const first = line.receipts.reduce<string | undefined>(
          (earliest, receipt) =>
            earliest === undefined || Date.parse(receipt.at) < Date.parse(earliest)
              ? receipt.at
              : earliest,
          undefined,
        );
        if (first === undefined) continue;
        const days = leadTimeDaysOf(order.sentAt, first, isBusinessDay, options.timeZone);
        leadTimes.push({ at: Date.parse(first), days });
      }
    }
    leadTimes.sort((a, b) => a.at - b.at);
    return {
      supplierCode,
      orders: own.length,
      judged,
      onTimeInFull,
      otifRate: judged === 0 ? undefined : onTimeInFull / judged,
      answered: answerHours.length,
      medianAnswerHours: medianOf(answerHours),
      leadTime: estimateLeadTime(leadTimes.map((entry) => entry.days)),
    };
  });
}
