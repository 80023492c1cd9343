import type { Decision } from './decision';
import { addDays, isCalendarDate, localDate } from './dates';
import type {
  ItemAlertState,
  ItemSnapshot,
  MappedItem,
  NotificationRef,
  OpenOrderRef,
  RecordedOutcome,
  ReorderPolicy,
} from './item';
import { isSafeQuantity, MIN_PACK_SIZE, planOrderQuantity, positionBreakdown } from './quantity';
import {
  itemProblem,
  noOrderReason,
  orderOpenReason,
  orderReason,
  problemsReason,
  shortButBlockedReason,
  replayReason,
  snoozedReason,
  staleReason,
} from './reason';

/**
 * Longest lead time accepted. Anything longer is a typing slip (days entered as a date, an
 * extra zero) and would push the desired delivery date past what a Date can hold.
 */
export const MAX_LEAD_TIME_DAYS = 3650;

/** Everything one evaluation needs; `now` is passed in so the decision is reproducible. */
export interface ReorderInput {
  mapped: MappedItem;
  state: ItemAlertState;
  notification: NotificationRef;
  policy: ReorderPolicy;
  now: Date;
}

/** Staff-facing names of the numeric item fields, as used in reasons. */
const NUMBER_LABELS = {
  onHand: '在庫数',
  reorderPoint: '発注点',
  maxStock: '最大在庫',
  reorderQuantity: '発注量',
  packSize: '入数',
  minimumOrder: '最小発注数',
  onOrder: '発注残',
  reserved: '引当',
  leadTimeDays: 'リードタイム',
} as const satisfies Partial<Record<keyof ItemSnapshot, string>>;

type NumberField = keyof typeof NUMBER_LABELS;

/**
 * Every reason the item's values make a decision impossible, in field order. A field that is
 * not a finite number within the safe range is reported once and skipped by the later checks,
 * which would only restate the same mistake.
 */
function findItemProblems(item: ItemSnapshot): string[] {
  const problems: string[] = [];
  const finite = (field: NumberField): boolean => {
    const value = item[field];
    if (value === undefined || isSafeQuantity(value)) return true;
    problems.push(
      Number.isFinite(value)
        ? itemProblem.tooLarge(NUMBER_LABELS[field], value)
        : itemProblem.notFinite(NUMBER_LABELS[field], value),
    );
    return false;
  };
  const notNegative = (field: NumberField): void => {
    const value = item[field];
    if (value !== undefined && value < 0) {
      problems.push(itemProblem.negative(NUMBER_LABELS[field], value));
    }
  };

  if (finite('onHand')) notNegative('onHand');
  const reorderPointOk = finite('reorderPoint');
  if (reorderPointOk) notNegative('reorderPoint');
  if (finite('maxStock') && reorderPointOk && item.maxStock !== undefined) {
    if (item.maxStock <= item.reorderPoint) {
      problems.push(itemProblem.maxStockNotAboveReorderPoint(item.maxStock, item.reorderPoint));
    }
  }
  if (finite('reorderQuantity') && item.reorderQuantity !== undefined) {
    if (item.reorderQuantity <= 0) {
      problems.push(itemProblem.notPositive(NUMBER_LABELS.reorderQuantity, item.reorderQuantity));
    }
  }
  if (item.maxStock === undefined && item.reorderQuantity === undefined) {
    problems.push(itemProblem.noQuantityRule());
  }
  if (finite('packSize')) {
    if (item.packSize <= 0) {
      problems.push(itemProblem.notPositive(NUMBER_LABELS.packSize, item.packSize));
    } else if (item.packSize < MIN_PACK_SIZE) {
      // Quantities are rounded to MIN_PACK_SIZE, so a smaller pack would round to 0.
      problems.push(itemProblem.packTooSmall(item.packSize, MIN_PACK_SIZE));
    }
  }
  if (finite('minimumOrder')) notNegative('minimumOrder');
  if (finite('onOrder')) notNegative('onOrder');
  if (finite('reserved')) notNegative('reserved');
  if (finite('leadTimeDays')) {
    if (item.leadTimeDays < 0) {
      problems.push(itemProblem.negative(NUMBER_LABELS.leadTimeDays, item.leadTimeDays));
    } else if (!Number.isInteger(item.leadTimeDays)) {
      problems.push(itemProblem.leadTimeNotWholeDays(item.leadTimeDays));
    } else if (item.leadTimeDays > MAX_LEAD_TIME_DAYS) {
      problems.push(itemProblem.leadTimeTooLong(item.leadTimeDays, MAX_LEAD_TIME_DAYS));
    }
  }
  if (hasSnooze(item) && !isCalendarDate(item.snoozeUntil)) {
    problems.push(itemProblem.badSnoozeDate(item.snoozeUntil));
  }
  return problems;
}

/** kintone sends an empty date field as '', which means "not snoozed", not a bad date. */
function hasSnooze(item: ItemSnapshot): item is ItemSnapshot & { snoozeUntil: string } {
  return item.snoozeUntil !== undefined && item.snoozeUntil !== '';
}

function recordedOf(mapped: MappedItem): RecordedOutcome {
  return mapped.ok ? mapped.item.recorded : mapped.recorded;
}

/**
 * Whether this record closes the open order: staff set a closed status (received, cancelled)
 * on the record that carries this very order number. A closed status next to another number
 * is about some other order and must not re-arm ordering.
 */
function closesOpenOrder(
  openOrder: OpenOrderRef,
  recorded: RecordedOutcome,
  policy: ReorderPolicy,
): boolean {
  return (
    policy.closedStatuses.includes(recorded.status) &&
    recorded.orderNumber === openOrder.orderNumber
  );
}

/**
 * Decides what one kintone change means for an item's stock: nothing to do, an order (and
 * how much, by when), or why no decision can be taken. Pure: time comes from `now`, and the
 * caller applies the decision (state, kintone write-back, order request).
 *
 * Rules, in order: stale revision, replayed revision, closing of the open order by this
 * record, order still open, unmappable record, invalid item values, position above the
 * reorder point, snooze, order. At most one open order per item: `order` is only decided when
 * there is no open order or this very record closed it (then `closedOrderNumber` says which).
 *
 * Never throws for any item values (NaN, Infinity, negatives, magnitudes past
 * `MAX_SAFE_QUANTITY` give `cannot-evaluate`); an `order` decision's quantity and position are
 * always finite and within `MAX_SAFE_QUANTITY`.
 *
 * @throws RangeError when `policy.timeZone` is not an IANA time zone or `now` is an invalid
 * Date: configuration and caller errors, not item data.
 * @example
 * const decision = evaluateReorder({
 *   mapped: { ok: true, item }, // onHand 18, reorderPoint 20, maxStock 100, packSize 12,
 *   //                             minimumOrder 24, leadTimeDays 3, unit '本'
 *   state: { lastRevision: 4 },
 *   notification: { id: 'n-1', revision: 5 },
 *   policy: { closedStatuses: ['入荷済', 'キャンセル'], timeZone: 'Asia/Tokyo' },
 *   now: new Date('2026-11-28T02:15:00Z'),
 * });
 * // {
 * //   kind: 'order', quantity: 84, position: 18, desiredDeliveryDate: '2026-12-01',
 * //   reason: '在庫数 18 ≤ 発注点 20: 84本を発注 (入数12の倍数、最大在庫100まで)',
 * // }
 */
export function evaluateReorder(input: ReorderInput): Decision {
  const { mapped, state, notification, policy, now } = input;

  if (state.lastRevision !== undefined) {
    if (notification.revision < state.lastRevision) {
      return { kind: 'stale', reason: staleReason(notification.revision, state.lastRevision) };
    }
    if (notification.revision === state.lastRevision) {
      return { kind: 'replay', reason: replayReason(notification.revision) };
    }
  }

  let openOrder = state.openOrder;
  let closedOrderNumber: string | undefined;
  if (openOrder !== undefined && closesOpenOrder(openOrder, recordedOf(mapped), policy)) {
    closedOrderNumber = openOrder.orderNumber;
    // The same edit may leave the item short (e.g. cancelled), so evaluate as if no order
    // were open: waiting for the next change would leave the shortage unordered.
    openOrder = undefined;
  }
  // Spread only when set, so decisions without a closed order carry no undefined key.
  const closed = closedOrderNumber === undefined ? {} : { closedOrderNumber };

  if (openOrder !== undefined) {
    const unit = mapped.ok ? mapped.item.unit : undefined;
    return {
      kind: 'order-open',
      orderNumber: openOrder.orderNumber,
      reason: orderOpenReason(openOrder.orderNumber, openOrder.quantity, unit),
    };
  }

  if (!mapped.ok) {
    const reason = problemsReason(mapped.problems);
    // The same problems read differently once the item is short: staff must learn that an
    // order is due and why none was placed, not see last week's reason unchanged.
    const levels = mapped.levels;
    return {
      kind: 'cannot-evaluate',
      reason:
        levels && levels.onHand <= levels.reorderPoint
          ? shortButBlockedReason(levels.onHand, levels.reorderPoint, reason)
          : reason,
      ...closed,
    };
  }
  const item = mapped.item;
  const problems = findItemProblems(item);
  if (problems.length > 0) {
    return { kind: 'cannot-evaluate', reason: problemsReason(problems), ...closed };
  }

  // Kept general although no order is open here: the position formula must count the
  // bridge's own unreflected orders wherever it is used.
  const breakdown = positionBreakdown(item, openOrder === undefined ? [] : [openOrder]);
  // Safe inputs can still sum past the safe range (on hand + on order near the limit).
  if (!isSafeQuantity(breakdown.position)) {
    return { kind: 'cannot-evaluate', reason: itemProblem.positionOverflow(), ...closed };
  }
  // Order when the position falls TO the reorder point (<=), as ERPNext and the (s, S)
  // textbook do; staff read the reorder point as "order at this level".
  if (breakdown.position > item.reorderPoint) {
    return { kind: 'no-order', reason: noOrderReason(breakdown, item.reorderPoint), ...closed };
  }

  const today = localDate(now, policy.timeZone);
  // Snoozed through the given date inclusive: "until 12-05" still means quiet on 12-05.
  if (hasSnooze(item) && today <= item.snoozeUntil) {
    return {
      kind: 'snoozed',
      reason: snoozedReason(breakdown, item.reorderPoint, item.snoozeUntil),
      ...closed,
    };
  }

  const plan = planOrderQuantity(item, breakdown.position);
  // Rounding up to whole packs can carry a safe maximum past the safe range (9e15 in packs
  // of 7); such a quantity could be neither stored nor trusted to be a multiple of the pack.
  if (!isSafeQuantity(plan.quantity) || plan.quantity <= 0) {
    return { kind: 'cannot-evaluate', reason: itemProblem.quantityOverflow(), ...closed };
  }
  return {
    kind: 'order',
    quantity: plan.quantity,
    position: breakdown.position,
    desiredDeliveryDate: policy.deliveryCalendar
      ? policy.deliveryCalendar.addBusinessDays(today, item.leadTimeDays).date
      : addDays(today, item.leadTimeDays),
    reason: orderReason(breakdown, item, plan, item.unit),
    ...closed,
  };
}
