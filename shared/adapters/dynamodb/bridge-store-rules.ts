/**
 * Rules every BridgeStore implementation must agree on, kept in one place so the DynamoDB
 * adapter and the in-memory fake used by tests cannot drift apart.
 *
 * @module
 */
import type { OrderChannel } from '../../domain/channels';
import {
  SUPPLIER_ANSWER_HISTORY_LIMIT,
  type OrderStep,
  type OrderSteps,
  type SupplierAnswerEntry,
} from '../../ports/bridge-store';
import { BridgeStoreInputError } from './table-rules';

// The rules shared with the purchase-order stores moved to table-rules; re-exported for the
// old BridgeStore and its fake until they are deleted.
export {
  BridgeStoreInputError,
  DEFAULT_PROCESSED_TTL_DAYS,
  DELETED_RECORD_REASON,
  assertKeyOrderNumber,
  assertKintoneCallCounterKey,
  assertOrderNumberPrefix,
  assertPageNonce,
  assertProcessedTtlDays,
  epochSeconds,
  formatOrderNumber,
  isPageNonce,
  kintoneCallCounterExpiresAt,
  nonceIsLive,
  orderNumberDay,
  processedExpiresAt,
  rateCounterExpiresAt,
} from './table-rules';

/** Highest cycle the order sort key can hold (six digits keep lexical order = numeric order). */
export const MAX_ORDER_CYCLE = 999_999;

/** Thrown when a step is recorded for an order that was never created. */
export class OrderNotFoundError extends Error {
  override readonly name = 'OrderNotFoundError';

  constructor(
    readonly appId: string,
    readonly recordId: string,
    readonly cycle: number,
  ) {
    super(
      `No order exists for app ${appId}, record ${recordId}, cycle ${cycle}; ` +
        'create it with createOrder before recording its steps.',
    );
  }
}

/** Rejects cycles the order sort key cannot represent in order. */
export function assertOrderCycle(cycle: number): void {
  if (!Number.isInteger(cycle) || cycle < 1 || cycle > MAX_ORDER_CYCLE) {
    throw new BridgeStoreInputError(
      `Order cycle ${cycle} must be an integer from 1 to ${MAX_ORDER_CYCLE}.`,
    );
  }
}

/** A step that sets fields of {@link OrderSteps} (every kind but 'channel-added'). */
export type OrderStepsStep = Exclude<OrderStep, { kind: 'channel-added' }>;

/**
 * The step fields an {@link OrderStep} sets on {@link OrderSteps}. A field given as undefined
 * is removed: a fax status without detail must not keep the previous status's detail.
 */
export function orderStepFields(step: OrderStepsStep): OrderSteps {
  switch (step.kind) {
    case 'email-sent':
      return { emailSentAt: step.at, emailMessageId: step.messageId };
    case 'written-back':
      return { writtenBackAt: step.at };
    case 'commented':
      return { commentedAt: step.at };
    case 'delivery':
      return { deliveryStatus: step.status, deliveryDetail: step.detail, deliveryAt: step.at };
    case 'email-failed':
      return { emailFailedAt: step.at, emailFailure: step.detail };
    case 'fax-sent':
      return { faxSentAt: step.at, faxId: step.faxId, faxGateway: step.gateway };
    case 'fax-status':
      return { faxStatus: step.status, faxDetail: step.detail, faxStatusAt: step.at };
    case 'needs-attention':
      return { attentionAt: step.at, attentionReason: step.reason };
    case 'send-delayed':
      return { sendDelayedAt: step.at, sendDelayedReason: step.reason };
    // The history is appended by each store: an append, not a field set.
    case 'supplier-answer':
      return { supplierAnswer: step.answer, supplierAnswerAt: step.at };
  }
}

/**
 * The answer history with `entry` appended, keeping only the newest
 * {@link SUPPLIER_ANSWER_HISTORY_LIMIT} entries.
 *
 * @example
 * answerHistoryWith(undefined, { at, answer }); // [{ at, answer }]
 */
export function answerHistoryWith(
  history: readonly SupplierAnswerEntry[] | undefined,
  entry: SupplierAnswerEntry,
): SupplierAnswerEntry[] {
  return [...(history ?? []), entry].slice(-SUPPLIER_ANSWER_HISTORY_LIMIT);
}

/**
 * The order's channels with `channel` appended, or undefined when an equal channel is already
 * there (adding a channel is idempotent). Orders stored before channels existed get a list.
 *
 * @example
 * channelsWith(undefined, { kind: 'email', address: 'a@example.com' }); // [that channel]
 * channelsWith([email], email); // undefined
 */
export function channelsWith(
  channels: readonly OrderChannel[] | undefined,
  channel: OrderChannel,
): OrderChannel[] | undefined {
  const current = channels ?? [];
  return current.some((existing) => sameChannel(existing, channel))
    ? undefined
    : [...current, channel];
}

function sameChannel(a: OrderChannel, b: OrderChannel): boolean {
  switch (a.kind) {
    case 'email':
      return b.kind === 'email' && a.address === b.address;
    case 'fax':
      return b.kind === 'fax' && a.number === b.number && a.national === b.national;
  }
}
