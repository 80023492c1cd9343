import type { DecisionKind } from '../domain/decision';
import type { ItemKey } from './item-states';

export interface CompletedNotification {
  notificationId: string;
  /** The record (or for a table, the record holding the rows). */
  key: ItemKey;
  /** Revision the notification carried; the item's lastRevision only ever grows. */
  revision?: number;
  decision: { kind: DecisionKind | 'deleted'; reason: string };
  at: string;
  /**
   * The revision of the table write this notification made on top of exactly `revision` (see
   * `ItemState.ownWriteRevision`): stored with the record's state, so its echo is recognised.
   */
  ownWriteRevision?: number;
  /** Items whose decision this notification also settled (a table's rows). */
  items?: { key: ItemKey; decision: { kind: DecisionKind; reason: string } }[];
}

/** Which notifications were completed, so a replay does nothing. */
export interface ProcessedNotifications {
  /** True when the notification id was completed before (a replay). */
  hasProcessed(notificationId: string): Promise<boolean>;

  /** Marks a notification done and raises its items' lastRevision. Idempotent. */
  complete(done: CompletedNotification): Promise<void>;
}
