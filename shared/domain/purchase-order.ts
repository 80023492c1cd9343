import type { OrderChannel } from './channels';
import type { SupplierContact } from './item';
import type { CompanyBlock } from './order';
import type { PartialAnswerLine, SupplierAnswer } from './supplier-answer';

/**
 * The purchase order (発注書) as the bridge keeps it: one per supplier and ship-to, with a line
 * per item. Everything about an order's progress is in its `log`; the order's status and each
 * line's status are derived from the lines and the log by the functions below, never kept as
 * copies that could disagree.
 *
 * An order is *gathering* until it is sealed: lines may be added (another item of the same
 * supplier and ship-to fell due) or dropped (the item recovered, staff closed it). Sealing fixes
 * the lines; then the order is sent on its channels, written back to each line's record and
 * answered by the supplier. An `immediate` order is sealed when it is created.
 */

/** A delivery address (納品先): where the supplier delivers this order's goods. */
export interface ShipTo {
  /** The address's name in the configuration (`deliveryAddresses`), e.g. `大阪倉庫`. */
  id: string;
  name: string;
  postalCode?: string;
  address: string;
  phone?: string;
  contact?: string;
}

/** 消費税 rate class of a line: standard (10 %) or reduced (軽減税率, 8 %). */
export type TaxClass = 'standard' | 'reduced';

/** Where a line's item lives in kintone, and which of its order cycles this line is. */
export interface LineItemRef {
  appId: string;
  /** The kintone record. */
  recordId: string;
  /** The SUBTABLE row, when the app keeps items in rows. */
  rowId?: string;
  /** The item's key in the bridge's state: the record id, or `record:row` for a row. */
  itemId: string;
  /** The item's order cycle this line orders for (one order line per cycle). */
  cycle: number;
}

/** One item of an order. */
export interface PurchaseOrderLine {
  /** Unique within the order and stable: the item's id (an item is at most once per order). */
  lineId: string;
  item: LineItemRef;
  sku: string;
  name: string;
  quantity: number;
  unit: string;
  /** Why this line was ordered (Japanese), also written to the item's record. */
  reason: string;
  /** The item's lead time: the desired delivery date is the order date plus this. */
  leadTimeDays: number;
  /**
   * The desired delivery date counted in business days (`YYYY-MM-DD`), fixed when the line was
   * placed from the order's planned date; without it, the order date plus `leadTimeDays`.
   */
  desiredDeliveryDate?: string;
  /** Yen per unit, when the app maps a unit price field. */
  unitPrice?: number;
  taxClass?: TaxClass;
  /** When the line joined the order, and the notification that added it. */
  addedAt: string;
  addedBy: string;
}

export type DeliveryStatus = 'delivered' | 'bounced' | 'complained' | 'rejected';
export type FaxOutcome = 'delivered' | 'failed';

/** What has happened to an order, in order. Events are only ever appended. */
export type OrderEvent =
  | { kind: 'created'; at: string; by: string }
  | { kind: 'line-dropped'; at: string; lineId: string; reason: string }
  /** No more lines: the order is due, and its date and link are fixed. */
  | {
      kind: 'sealed';
      at: string;
      orderDate: string;
      supplierPageUrl?: string;
      linkExpiresAt?: string;
    }
  | { kind: 'email-sent'; at: string; messageId: string }
  | { kind: 'email-failed'; at: string; detail: string }
  | { kind: 'delivery'; at: string; status: DeliveryStatus; detail: string }
  | { kind: 'fax-sent'; at: string; faxId: string; gateway: string }
  | { kind: 'fax-status'; at: string; status: FaxOutcome; detail?: string }
  /** A channel added after creation (fax as the fallback for a failed email). */
  | { kind: 'channel-added'; at: string; channel: OrderChannel }
  /** A send failed for now; the lines' records were told so (送信待ち), once per order. */
  | { kind: 'send-delayed'; at: string; reason: string }
  /** Every channel failed; the lines' records were marked 要対応. */
  | { kind: 'needs-attention'; at: string; reason: string }
  /** The outcome was written to these lines' records (発注依頼済, or 要対応). */
  | { kind: 'written-back'; at: string; lineIds: string[] }
  /** The order comment was added to these lines' records. */
  | { kind: 'commented'; at: string; lineIds: string[] }
  /** The supplier answered on the order page (a later answer replaces it). */
  | { kind: 'supplier-answer'; at: string; answer: SupplierAnswer }
  /** Staff closed the line in kintone (入荷済, キャンセル, ...): the item may order again. */
  | { kind: 'line-closed'; at: string; lineId: string; status: string }
  // --- approval (issue 12): an order that needs approval is sealed but sent only once approved.
  /** The order waits for approval (承認待ち), through the order app or a signed link. */
  | { kind: 'approval-requested'; at: string; via: 'order-app' | 'link'; reason: string }
  /** The approver was reminded (approval not given within the configured time). */
  | { kind: 'approval-reminded'; at: string }
  /** Approval is overdue even after the reminder: staff were flagged. */
  | { kind: 'approval-overdue'; at: string; reason: string }
  | { kind: 'approved'; at: string; by: string }
  /** 差し戻し or 却下: nothing is sent, the lines' items are re-armed (may order again). */
  | { kind: 'rejected'; at: string; by: string; action: string; reason: string }
  // --- follow-up (issue 12)
  /** A reminder of the unanswered order went to the supplier on this channel. */
  | { kind: 'reminder-sent'; at: string; channel: 'email' | 'fax'; messageId?: string }
  /** The supplier did not answer in time even after the reminder: staff were flagged (要対応). */
  | { kind: 'follow-up-overdue'; at: string; reason: string }
  /** The confirmed or desired delivery date passed without receipt (納期遅延), recorded once. */
  | { kind: 'late'; at: string; dueDate: string }
  /** Part of a line was received (入荷数 below the quantity): the rest stays open. */
  | { kind: 'line-received'; at: string; lineId: string; quantity: number }
  // --- the order ledger (issue 12)
  /** The order's record in the order app (発注管理) was created or brought up to date. */
  | { kind: 'ledger-written'; at: string; recordId: string };

export interface PurchaseOrder {
  orderNumber: string;
  appId: string;
  /** Lines gather into one order per group: app, supplier and ship-to (see {@link groupKeyOf}). */
  groupKey: string;
  supplier: SupplierContact;
  shipTo?: ShipTo;
  /** Where the order goes, resolved (addresses checked) when it was created. */
  channels: OrderChannel[];
  company: CompanyBlock;
  createdAt: string;
  /** When the order is sealed and sent: at creation for `immediate`, else the window's end. */
  dueAt: string;
  /** True when the app's on-order field includes the bridge's orders. */
  reflectedInKintone: boolean;
  /** Every line ever added, in the order added; dropped ones stay, marked by the log. */
  lines: PurchaseOrderLine[];
  log: OrderEvent[];
}

/** The order's group: orders never mix apps, suppliers or ship-tos. */
export function groupKeyOf(appId: string, supplier: SupplierContact, shipTo?: ShipTo): string {
  const who = supplier.code ?? supplier.email ?? supplier.fax ?? supplier.name;
  return [appId, who, shipTo?.id ?? ''].map((part) => encodeURIComponent(part)).join('|');
}

/** The order's log events of one kind, in log order. */
export function eventsOf<K extends OrderEvent['kind']>(
  order: PurchaseOrder,
  kind: K,
): Extract<OrderEvent, { kind: K }>[] {
  return order.log.filter(
    (event): event is Extract<OrderEvent, { kind: K }> => event.kind === kind,
  );
}

function lastEvent<K extends OrderEvent['kind']>(
  order: PurchaseOrder,
  kind: K,
): Extract<OrderEvent, { kind: K }> | undefined {
  const events = eventsOf(order, kind);
  return events[events.length - 1];
}

/** The sealing event, once the order stopped gathering. */
export function sealOf(order: PurchaseOrder): Extract<OrderEvent, { kind: 'sealed' }> | undefined {
  return lastEvent(order, 'sealed');
}

export function isSealed(order: PurchaseOrder): boolean {
  return sealOf(order) !== undefined;
}

/** Lines still in the order (not dropped before the send). */
export function activeLines(order: PurchaseOrder): PurchaseOrderLine[] {
  const dropped = new Set(eventsOf(order, 'line-dropped').map((event) => event.lineId));
  return order.lines.filter((line) => !dropped.has(line.lineId));
}

/**
 * The lines of the order still open: not dropped before the send, not closed by staff (入荷済,
 * キャンセル). A closed line's record may already be on its next order, so what reaches this
 * order later (an answer, a bounce) is not written there.
 */
export function openLinesOf(order: PurchaseOrder): PurchaseOrderLine[] {
  const closed = new Set(eventsOf(order, 'line-closed').map((event) => event.lineId));
  return activeLines(order).filter((line) => !closed.has(line.lineId));
}

export function findLine(order: PurchaseOrder, lineId: string): PurchaseOrderLine | undefined {
  return order.lines.find((line) => line.lineId === lineId);
}

/** The supplier's current answer, if any. */
export function currentAnswer(
  order: PurchaseOrder,
): { answer: SupplierAnswer; at: string } | undefined {
  const event = lastEvent(order, 'supplier-answer');
  return event ? { answer: event.answer, at: event.at } : undefined;
}

/** Where one channel stands. */
export type ChannelState =
  | { state: 'pending' }
  | { state: 'sent'; at: string }
  | { state: 'failed'; at: string; detail: string };

/** Each of the order's channels (those resolved at creation and those added since). */
export function channelsOf(order: PurchaseOrder): OrderChannel[] {
  const added = eventsOf(order, 'channel-added').map((event) => event.channel);
  return [
    ...order.channels,
    ...added.filter((c) => !order.channels.some((o) => o.kind === c.kind)),
  ];
}

/** Where the email or the fax stands, from the log. */
export function channelState(order: PurchaseOrder, kind: OrderChannel['kind']): ChannelState {
  if (kind === 'email') {
    const failed = lastEvent(order, 'email-failed');
    if (failed) return { state: 'failed', at: failed.at, detail: failed.detail };
    // A complaint means the email arrived (the recipient marked it as spam): not a failure.
    const bounced = eventsOf(order, 'delivery').find(
      (event) => event.status === 'bounced' || event.status === 'rejected',
    );
    const sent = lastEvent(order, 'email-sent');
    if (sent && bounced) return { state: 'failed', at: bounced.at, detail: bounced.detail };
    return sent ? { state: 'sent', at: sent.at } : { state: 'pending' };
  }
  const status = lastEvent(order, 'fax-status');
  if (status?.status === 'failed') {
    return { state: 'failed', at: status.at, detail: status.detail ?? '' };
  }
  const sent = lastEvent(order, 'fax-sent');
  return sent ? { state: 'sent', at: sent.at } : { state: 'pending' };
}

/** The order's status, derived from its lines and its log. */
export type PurchaseOrderStatus =
  /** Lines may still join; nothing has been sent. */
  | 'gathering'
  /** Sealed; at least one channel still to send. */
  | 'sending'
  /** Sent on every channel that did not fail (or answered). */
  | 'sent'
  /** Every channel failed: staff must call the supplier. */
  | 'needs-attention'
  /** Every line was dropped before the send: nothing goes out. */
  | 'empty'
  /** Every active line was closed by staff (received or cancelled). */
  | 'closed'
  /** Sealed, waiting for approval (承認待ち) before anything is sent; its lines are on order. */
  | 'awaiting-approval'
  /** The approver refused it (差し戻し, 却下): nothing is sent, the items may order again. */
  | 'rejected';

/** Where an order stands with approval, from its log. */
export type ApprovalState =
  | { state: 'none' }
  | { state: 'awaiting'; requestedAt: string; via: 'order-app' | 'link'; reason: string }
  | { state: 'approved'; at: string; by: string }
  | { state: 'rejected'; at: string; by: string; action: string; reason: string };

/** The order's approval: none asked, awaiting, or decided (the first decision stands). */
export function approvalOf(order: PurchaseOrder): ApprovalState {
  const decision = order.log.find(
    (event): event is Extract<OrderEvent, { kind: 'approved' | 'rejected' }> =>
      event.kind === 'approved' || event.kind === 'rejected',
  );
  if (decision?.kind === 'approved') {
    return { state: 'approved', at: decision.at, by: decision.by };
  }
  if (decision?.kind === 'rejected') {
    const { at, by, action, reason } = decision;
    return { state: 'rejected', at, by, action, reason };
  }
  const requested = lastEvent(order, 'approval-requested');
  return requested
    ? { state: 'awaiting', requestedAt: requested.at, via: requested.via, reason: requested.reason }
    : { state: 'none' };
}

/** How the configuration asks for approval, for {@link remainingSteps}. */
export interface ApprovalStepOptions {
  /** The order needs approval before its send (from `domain/approval`), and why. */
  needed: boolean;
  reason?: string;
  /** The approver is reminded once after this long (ms) without a decision. */
  remindAfterMs?: number;
  /** Staff are flagged after this long (ms) without a decision. */
  flagAfterMs?: number;
}

export function orderStatus(order: PurchaseOrder): PurchaseOrderStatus {
  const lines = activeLines(order);
  if (lines.length === 0) return isSealed(order) || order.lines.length > 0 ? 'empty' : 'gathering';
  const approval = approvalOf(order);
  // A rejection closes the lines (the items may order again): the order still reads rejected.
  if (approval.state === 'rejected') return 'rejected';
  const closed = new Set(eventsOf(order, 'line-closed').map((event) => event.lineId));
  if (lines.every((line) => closed.has(line.lineId))) return 'closed';
  if (!isSealed(order)) return 'gathering';
  if (approval.state === 'awaiting') return 'awaiting-approval';
  const states = channelsOf(order).map((channel) => channelState(order, channel.kind));
  if (states.length > 0 && states.every((state) => state.state === 'failed')) {
    return 'needs-attention';
  }
  if (states.some((state) => state.state === 'pending')) return 'sending';
  return 'sent';
}

/** A line's status, as its item's record shows it. */
export type LineStatus =
  | 'waiting'
  | 'dropped'
  | 'sending'
  | 'ordered'
  | 'needs-attention'
  | 'confirmed'
  | 'partial'
  | 'declined'
  | 'closed'
  /** Its order waits for approval (承認待ち): still on order, nothing sent. */
  | 'awaiting-approval'
  /** Its order was rejected; the line is closed right after, so the item may order again. */
  | 'rejected';

/**
 * One line's status, derived from the same data as {@link orderStatus}: a line is waiting while
 * its order gathers, ordered once sent, answered per line, closed when staff close it.
 */
export function lineStatus(order: PurchaseOrder, lineId: string): LineStatus {
  const line = findLine(order, lineId);
  if (!line) throw new RangeError(`order ${order.orderNumber} has no line ${lineId}`);
  if (!activeLines(order).includes(line)) return 'dropped';
  if (eventsOf(order, 'line-closed').some((event) => event.lineId === lineId)) return 'closed';
  const status = orderStatus(order);
  if (status === 'gathering') return 'waiting';
  if (status === 'needs-attention') return 'needs-attention';
  if (status === 'awaiting-approval' || status === 'rejected') return status;
  const answer = currentAnswer(order)?.answer;
  if (answer) return lineAnswerKind(order, line, answer);
  return status === 'sending' ? 'sending' : 'ordered';
}

/** What the supplier's answer says about one line. */
export function lineAnswerKind(
  order: PurchaseOrder,
  line: PurchaseOrderLine,
  answer: SupplierAnswer,
): 'confirmed' | 'partial' | 'declined' {
  if (answer.kind !== 'partial') return answer.kind;
  if ('quantity' in answer) return 'partial';
  const entry = answerLineOf(order, line, answer.lines);
  if (!entry || entry.quantity <= 0) return 'declined';
  return entry.quantity >= line.quantity ? 'confirmed' : 'partial';
}

/**
 * The entry of a per-line partial answer for one line: the one naming the line's id, else its
 * table row, else (an answer whose entries name neither) the entry at the line's position
 * among the active lines. Undefined when the answer has no entry for the line.
 */
export function answerLineOf(
  order: PurchaseOrder,
  line: PurchaseOrderLine,
  entries: readonly PartialAnswerLine[],
): PartialAnswerLine | undefined {
  return (
    entries.find((candidate) => candidate.lineId === line.lineId) ??
    entries.find(
      (candidate) => candidate.rowId !== undefined && candidate.rowId === line.item.rowId,
    ) ??
    (entries.every((candidate) => candidate.lineId === undefined && candidate.rowId === undefined)
      ? entries[activeLines(order).indexOf(line)]
      : undefined)
  );
}

/** What is still to do for an order, in the order it is done. */
export type OrderStepToDo =
  | { step: 'seal' }
  /** Ask for approval (承認待ち on the records, the order app or the approver's link). */
  | { step: 'request-approval'; reason: string }
  /** Approval is late: remind the approver, once. */
  | { step: 'remind-approval' }
  /** Approval is late even after the reminder: flag staff (要対応), once. */
  | { step: 'flag-approval' }
  | { step: 'send'; channel: OrderChannel }
  | { step: 'write-back'; lineIds: string[] }
  | { step: 'comment'; lineIds: string[] };

/**
 * The steps an order still needs, from its log: a retry after a crash at any point performs
 * exactly these, under the same order number. `now` decides whether a gathering order is due.
 */
export function remainingSteps(
  order: PurchaseOrder,
  options: { now: Date; commentOnOrder: boolean; approval?: ApprovalStepOptions },
): OrderStepToDo[] {
  const status = orderStatus(order);
  if (status === 'empty' || status === 'closed' || status === 'rejected') return [];
  if (status === 'gathering') {
    return Date.parse(order.dueAt) <= options.now.getTime() ? [{ step: 'seal' }] : [];
  }
  if (status === 'awaiting-approval') return approvalSteps(order, options);
  // Approval comes before the send: an order already handed to a channel is not held back.
  const approval = options.approval;
  if (
    approval?.needed === true &&
    approvalOf(order).state === 'none' &&
    !order.log.some((event) => event.kind === 'email-sent' || event.kind === 'fax-sent')
  ) {
    return [{ step: 'request-approval', reason: approval.reason ?? '' }];
  }
  const steps: OrderStepToDo[] = [];
  const attention = status === 'needs-attention';
  if (!attention) {
    for (const channel of channelsOf(order)) {
      if (channelState(order, channel.kind).state === 'pending')
        steps.push({ step: 'send', channel });
    }
    if (steps.length > 0) return steps;
  }
  const lineIds = activeLines(order).map((line) => line.lineId);
  const written = new Set(eventsOf(order, 'written-back').flatMap((event) => event.lineIds));
  const toWrite = lineIds.filter((id) => !written.has(id));
  if (toWrite.length > 0) steps.push({ step: 'write-back', lineIds: toWrite });
  if (options.commentOnOrder && !attention) {
    const commented = new Set(eventsOf(order, 'commented').flatMap((event) => event.lineIds));
    const toComment = lineIds.filter((id) => !commented.has(id));
    if (toComment.length > 0) steps.push({ step: 'comment', lineIds: toComment });
  }
  return steps;
}

/** The reminder, then the flag, once each, as the time since the request passes them. */
function approvalSteps(
  order: PurchaseOrder,
  options: { now: Date; approval?: ApprovalStepOptions },
): OrderStepToDo[] {
  const requested = approvalOf(order);
  if (requested.state !== 'awaiting') return [];
  const waited = options.now.getTime() - Date.parse(requested.requestedAt);
  const { remindAfterMs, flagAfterMs } = options.approval ?? {};
  const reminded = order.log.some((event) => event.kind === 'approval-reminded');
  const flagged = order.log.some((event) => event.kind === 'approval-overdue');
  if (remindAfterMs !== undefined && !reminded && waited >= remindAfterMs) {
    return [{ step: 'remind-approval' }];
  }
  if (flagAfterMs !== undefined && !flagged && waited >= flagAfterMs) {
    return [{ step: 'flag-approval' }];
  }
  return [];
}

/**
 * True once nothing is left to do until something new happens (an answer, a bounce). An order
 * awaiting approval is never settled: it stays due, so the scheduled send reminds, flags, and
 * sends it once approved.
 */
export function isSettled(
  order: PurchaseOrder,
  options: { now: Date; commentOnOrder: boolean; approval?: ApprovalStepOptions },
): boolean {
  const status = orderStatus(order);
  return (
    status !== 'gathering' &&
    status !== 'awaiting-approval' &&
    remainingSteps(order, options).length === 0
  );
}

/** The quantity an item has on order through this order's line (0 when dropped or closed). */
export function quantityOnOrder(order: PurchaseOrder, lineId: string): number {
  const status = lineStatus(order, lineId);
  if (status === 'dropped' || status === 'closed' || status === 'rejected') return 0;
  // After a partial receipt, only the rest is on order (the latest line-received is the total).
  const received = eventsOf(order, 'line-received').filter((event) => event.lineId === lineId);
  const quantity = findLine(order, lineId)?.quantity ?? 0;
  return Math.max(0, quantity - (received[received.length - 1]?.quantity ?? 0));
}
