import { findApp } from '../config/load-config';
import {
  changedFields,
  UNPROCESSED_REASON_PREFIX,
  unprocessedOutcome,
  unprocessedReason,
} from '../kintone/write-back';
import type { DispatchDeps } from './process-notification';
import { describeFailure } from './failure-kind';

/** What a queue message says about itself, read without trusting it. */
export interface MessageIdentity {
  notificationId?: string;
  appId?: string;
  recordId?: string;
  type?: string;
  /** The record's current write-back values, when the message carried the record. */
  recorded?: { status?: string; reason?: string };
}

const DECIMAL_ID = /^[1-9]\d{0,15}$/;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= 256 ? value : undefined;
}

function fieldValue(record: unknown, code: string | undefined): string | undefined {
  if (code === undefined || typeof record !== 'object' || record === null) return undefined;
  const field = (record as Record<string, unknown>)[code];
  if (typeof field !== 'object' || field === null) return undefined;
  const { value } = field as { value?: unknown };
  return typeof value === 'string' ? value : undefined;
}

/**
 * Reads the ids a queue message carries (a notification, or a claim-check reference), as far
 * as they can be read: a message that failed validation may still name its record, and the
 * record is where staff look. Ids that are not kintone's decimal ids are left out.
 */
export function identifyMessage(body: string, deps: Pick<DispatchDeps, 'config'>): MessageIdentity {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return {};
  }
  if (typeof raw !== 'object' || raw === null) return {};
  const message = raw as Record<string, unknown>;
  const app = message.app as { id?: unknown } | undefined;
  const record = message.record as Record<string, unknown> | undefined;
  const recordIdField = fieldValue(record, '$id');
  const appId = text(app?.id);
  const recordId = text(recordIdField) ?? text(message.recordId);
  const identity: MessageIdentity = {};
  const notificationId = text(message.id) ?? text(message.notificationId);
  if (notificationId) identity.notificationId = notificationId;
  if (appId && DECIMAL_ID.test(appId)) identity.appId = appId;
  if (recordId && DECIMAL_ID.test(recordId)) identity.recordId = recordId;
  const type = text(message.type);
  if (type) identity.type = type;
  const configured = identity.appId ? findApp(deps.config, identity.appId) : undefined;
  if (configured && record) {
    const status = fieldValue(record, configured.writeBack.status);
    const reason = fieldValue(record, configured.writeBack.reason);
    identity.recorded = {
      ...(status !== undefined ? { status } : {}),
      ...(reason !== undefined ? { reason } : {}),
    };
  }
  return identity;
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
  deps: Pick<DispatchDeps, 'config' | 'kintone' | 'logger' | 'store'>,
): Promise<boolean> {
  const { appId, recordId } = identity;
  const app = appId ? findApp(deps.config, appId) : undefined;
  if (!app || !recordId || identity.type === 'DELETE_RECORD') return false;
  // Short: staff read the reason; the whole error is on the operators' dead-letters page.
  const reason = unprocessedReason(describeFailure(error, 100), retried);
  try {
    const { item } = await deps.store.loadItem({ appId: app.appId, recordId });
    if (item.deletedAt !== undefined) return false;
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
