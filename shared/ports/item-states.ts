import type { DecisionKind } from '../domain/decision';

/** Identifies one inventory item: a kintone record, or `record:row` for a SUBTABLE row. */
export interface ItemKey {
  appId: string;
  /** The item id: the record id, or `record:row` (see `kintone/subtable-rows` `rowItemId`). */
  recordId: string;
}

/** What the bridge remembers about one item between notifications. */
export interface ItemState {
  key: ItemKey;
  /** The item's current order cycle; starts at 1 and advances when its line is closed. */
  cycle: number;
  /** Highest `$revision` fully processed (for a row: its record's revision). */
  lastRevision?: number;
  /**
   * A table record's own: the revision of the bridge's last table write that was made on top of
   * exactly the revision it had processed (no staff edit in between). kintone gives every save
   * a new revision, so the notification carrying this revision is the webhook of that write
   * (the echo): the revision it was processed at plus the bridge's own fields, nothing else.
   */
  ownWriteRevision?: number;
  /**
   * The item's last decision off order. While the item is on an order line (`orderNumber`), the
   * line is its decision (reason, quantity, when and by which notification it was added) and
   * this is not rewritten for it; leaving the line (closed, dropped) writes it again.
   */
  lastDecision?: { kind: DecisionKind | 'deleted'; reason: string; at: string };
  deletedAt?: string;
  /**
   * The order holding the current cycle's line, when the item is on order: only a line that
   * joined its order and was not dropped (a claim left by a crashed write is not reported).
   */
  orderNumber?: string;
}

/** Items' state. The cycle's claim itself is written by the order store, with the line. */
export interface ItemStateStore {
  /** Loads items' state in one go; a never-seen item comes back as cycle 1 with nothing else. */
  load(keys: readonly ItemKey[]): Promise<ItemState[]>;

  /** Remembers that the record was deleted in kintone. */
  markDeleted(key: ItemKey, at: string): Promise<void>;
}
