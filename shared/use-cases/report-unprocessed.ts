import { findApp } from '../config/load-config';
import {
  changedFields,
  UNPROCESSED_REASON_PREFIX,
  unprocessedOutcome,
  unprocessedReason,
} from '../kintone/write-back';
import type { DispatchDeps } from './process-notification';
import { describeQueuedMessage, type QueuedMessageIdentity } from '../edge/queued-notification';
import { describeFailure } from './failure-kind';

/** What a queue message says about itself, and what its record shows now. */
export interface MessageIdentity extends Omit<QueuedMessageIdentity, 'record'> {
  /** The record's current write-back values, when the message carried the record. */
  recorded?: { status?: string; reason?: string };
}

function fieldValue(record: Record<string, unknown>, code: string): string | undefined {
  const field = record[code];
  if (typeof field !== 'object' || field === null) return undefined;
  const { value } = field as { value?: unknown };
  return typeof value === 'string' ? value : undefined;
}

/**
 * The message's ids ({@link describeQueuedMessage}) and, for a configured app, the status and
 * reason its record shows: the report below writes only what would change.
 */
export function identifyMessage(body: string, deps: Pick<DispatchDeps, 'config'>): MessageIdentity {
  const { record, ...identity } = describeQueuedMessage(body);
  const configured = identity.appId ? findApp(deps.config, identity.appId) : undefined;
  if (!configured || !record) return identity;
  const status = fieldValue(record, configured.writeBack.status);
  const reason = fieldValue(record, configured.writeBack.reason);
  return {
    ...identity,
    recorded: {
      ...(status !== undefined ? { status } : {}),
      ...(reason !== undefined ? { reason } : {}),
    },
  };
}

/**
 * Tells staff on the record that one of its notifications could not be processed (status
 * 要対応 with the reason and what to do; for an app whose items are table rows, a comment,
 * since the status fields are in the rows). Best effort: kintone may be what is failing, and
 * the caller's handling of the message (park, retry, dead-letter) must not depend on it.
 *
 * @returns true when the record was told.
 */
export async function reportUnprocessed(
  identity: MessageIdentity,
  error: unknown,
  retried: boolean,
  deps: Pick<DispatchDeps, 'config' | 'kintone' | 'logger' | 'items'>,
): Promise<boolean> {
  const { appId, recordId } = identity;
  const app = appId ? findApp(deps.config, appId) : undefined;
  if (!app || !recordId || identity.type === 'DELETE_RECORD') return false;
  // Short: staff read the reason; the whole error is on the operators' dead-letters page.
  const reason = unprocessedReason(describeFailure(error, 100), retried);
  try {
    const [item] = await deps.items.load([{ appId: app.appId, recordId }]);
    if (item?.deletedAt !== undefined) return false;
    if (app.subtable) {
      await deps.kintone.addComment(app.appId, recordId, `【${app.statuses.failed}】${reason}`);
      return true;
    }
    // Once per record: if the notification our own write fires fails the same way, its error
    // text (kintone's carries a request id) differs, and writing again would loop.
    if (
      identity.recorded?.status === app.statuses.failed &&
      identity.recorded.reason?.startsWith(UNPROCESSED_REASON_PREFIX)
    ) {
      return true;
    }
    const changes = changedFields(app, unprocessedOutcome(app, reason), {
      status: identity.recorded?.status ?? '',
      reason: identity.recorded?.reason ?? '',
      orderNumber: '',
      orderedAt: '',
    });
    if (Object.keys(changes).length > 0)
      await deps.kintone.updateFields(app.appId, recordId, changes);
    return true;
  } catch (reportError) {
    deps.logger.warn('could not mark the record of an unprocessed notification', {
      appId: app.appId,
      recordId,
      error: describeFailure(reportError),
    });
    return false;
  }
}
