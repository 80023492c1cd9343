/**
 * What a record notification's record shows once its items are decided and placed: each item's
 * outcome written in one kintone call (the record, or one write of its table's rows), and one
 * comment for what staff must read beyond the fields. `processNotification` calls it after the
 * orders due now are sent, and logs on each order which of its lines' records were written and
 * commented, so that a retry does neither twice.
 *
 * @module
 */
import { lineStatus, orderStatus, remainingSteps } from '../domain/purchase-order';
import {
  droppedComment,
  droppedOutcome,
  droppedReason,
  waitingOutcome,
} from '../kintone/line-write-back';
import {
  changedFields,
  decisionOutcome,
  writableFields,
  type WriteBackOutcome,
} from '../kintone/write-back';
import type { FieldValues, RowValues } from '../ports/kintone-record-writer';
import { orderedLineOutcome, recordCommentOf } from './complete-order';
import type { DispatchRun, ItemWork } from './dispatch-run';
import { partialReceiptOutcome } from './receipt';

/** Orders of this run with the lines a step (write-back, comment) is still to do, by number. */
export type OrderSteps = Map<string, string[]>;

/** The record of one run: its items' outcomes written back and commented. */
export class RecordWriteBack {
  private writtenRevision: number | undefined;

  constructor(
    private readonly run: DispatchRun,
    /** The record's revision the run judged. */
    private readonly revision: number,
  ) {}

  /**
   * The revision of this run's table write, when made on top of exactly `revision`: its webhook
   * is then only the bridge's own outcome (see `ItemState.ownWriteRevision`).
   */
  get ownWriteRevision(): number | undefined {
    return this.writtenRevision;
  }

  /**
   * The orders sent in this run whose lines' records are still to be written, with those lines
   * (open ones: a line staff closed keeps what they set).
   */
  ordersToWrite(): OrderSteps {
    return this.stepsOf('write-back');
  }

  /** The orders sent in this run whose lines' records are still to be commented. */
  ordersToComment(): OrderSteps {
    return this.stepsOf('comment');
  }

  private stepsOf(kind: 'write-back' | 'comment'): OrderSteps {
    const steps: OrderSteps = new Map();
    for (const orderNumber of this.run.toComplete) {
      const order = this.run.orders.get(orderNumber);
      if (!order || orderStatus(order) === 'needs-attention') continue;
      const step = remainingSteps(order, {
        now: this.run.deps.now(),
        commentOnOrder: this.run.app.commentOnOrder,
      }).find((candidate) => candidate.step === kind);
      if (step && 'lineIds' in step) steps.set(orderNumber, step.lineIds);
    }
    return steps;
  }

  /** Appends that the record was written (or commented) for these orders' lines. */
  async logSteps(steps: OrderSteps, kind: 'written-back' | 'commented'): Promise<void> {
    // Each order's own log entry, so the orders' entries go at once.
    const at = this.run.deps.now().toISOString();
    const logged = await Promise.all(
      [...steps].map(([orderNumber, lineIds]) =>
        this.run.deps.orders.append(orderNumber, { kind, at, lineIds }),
      ),
    );
    for (const order of logged) this.run.orders.set(order.orderNumber, order);
  }

  /**
   * Writes every item's outcome in one call (the record, or one table write): 待機中 for a
   * waiting line, the notice of a dropped one, 要確認 (or its clearing) for the others. Lines of
   * orders completed in this run were written by the order. Values the record already shows are
   * left out, so a notification that changes nothing costs no kintone call at all.
   */
  async writeBack(items: ItemWork[], writing: OrderSteps): Promise<string[]> {
    const changesOf = (item: ItemWork): FieldValues => {
      const desired = this.desiredOutcome(item, writing);
      if (!desired) return {};
      const changes = changedFields(this.run.app, desired, item.recorded);
      const cells = item.cells;
      // A row lacking a write-back field can take the others: naming it would fail the write.
      return cells ? writableFields(changes, (code) => cells.has(code)) : changes;
    };
    if (!this.run.app.subtable) {
      const [item] = items;
      const changes = item ? changesOf(item) : {};
      if (Object.keys(changes).length === 0) return [];
      await this.run.deps.kintone.updateFields(this.run.app.appId, this.run.recordId, changes);
      return Object.keys(changes);
    }
    const rows: RowValues = {};
    for (const item of items) {
      const changes = changesOf(item);
      if (item.rowId !== undefined && Object.keys(changes).length > 0) rows[item.rowId] = changes;
    }
    if (Object.keys(rows).length === 0) return [];
    const result = await this.run.deps.kintone.updateRows(
      this.run.app.appId,
      this.run.recordId,
      this.run.app.subtable.field,
      rows,
    );
    // Written on top of exactly the revision judged here: its webhook is only the bridge's own
    // outcome, and can be recognised by its revision (see `ownWriteRevision`).
    if (result.written && result.written.fromRevision === this.revision) {
      this.writtenRevision = result.written.revision;
    }
    if (result.missingRows.length > 0) {
      this.run.deps.logger.warn(
        'rows deleted from the table meanwhile: their outcome was not written',
        {
          recordId: this.run.recordId,
          rows: result.missingRows,
        },
      );
    }
    return [...new Set(result.updatedRows.flatMap((rowId) => Object.keys(rows[rowId] ?? {})))];
  }

  /** What the item's record should show; undefined when its order writes it, or nothing may. */
  private desiredOutcome(item: ItemWork, writing: OrderSteps): WriteBackOutcome | undefined {
    const { timeZone } = this.run.deps.config;
    const current = this.run.lineOf(item);
    if (current && this.run.toComplete.has(current.order.orderNumber)) {
      // The order sent now: 発注依頼済 with the line's own quantity and reason. Even for a stale
      // revision (a replay after the record was marked 要対応): the order's outcome is not read
      // from the record, and the record must stop saying the order failed.
      const lineIds = writing.get(current.order.orderNumber);
      return lineIds?.includes(current.line.lineId)
        ? orderedLineOutcome(this.run.app, current.order, current.line)
        : undefined;
    }
    // An old revision shows old values: comparing with them would write what is already there.
    if (item.decision.kind === 'stale' || item.decision.kind === 'replay') return undefined;
    if (item.dropped) {
      return droppedOutcome(this.run.app, droppedReason(item.dropped.why), item.dropped.byStaff);
    }
    if (current && item.partialReceipt !== undefined) {
      return partialReceiptOutcome(this.run.app, current.order, current.line);
    }
    if (current) {
      if (lineStatus(current.order, current.line.lineId) === 'waiting') {
        return waitingOutcome(this.run.app, current.order, current.line, timeZone);
      }
      const failedOrderNumber =
        orderStatus(current.order) === 'needs-attention' ? current.order.orderNumber : undefined;
      return decisionOutcome(
        this.run.app,
        item.decision,
        item.recorded,
        failedOrderNumber ? { failedOrderNumber } : {},
      );
    }
    return decisionOutcome(this.run.app, item.decision, item.recorded);
  }

  /**
   * One comment for what staff must read beyond the fields: lines taken off their orders, and
   * due rows that lack a write-back field (the row may not even show a status).
   */
  async comment(items: ItemWork[], commenting: OrderSteps): Promise<boolean> {
    const sections: string[] = [];
    for (const [orderNumber, lineIds] of commenting) {
      const order = this.run.orders.get(orderNumber);
      const lines =
        order?.lines.filter(
          (line) => lineIds.includes(line.lineId) && lineStatus(order, line.lineId) !== 'closed',
        ) ?? [];
      if (order && lines.length > 0) {
        sections.push(recordCommentOf(order, lines, this.run.deps.config));
      }
    }
    const drops = items.flatMap((item) =>
      item.dropped
        ? [
            {
              orderNumber: item.dropped.orderNumber,
              sku: item.mapped.ok ? item.mapped.item.sku : (item.rowId ?? item.key.recordId),
              name: item.mapped.ok ? item.mapped.item.name : '',
              why: item.dropped.why,
            },
          ]
        : [],
    );
    if (drops.length > 0) sections.push(droppedComment(drops));
    const blocked = items.filter((item) => item.writeBackMissing !== undefined);
    if (blocked.length > 0 && this.run.app.subtable) {
      this.run.deps.logger.error('rows due for an order lack write-back fields: nothing was sent', {
        appId: this.run.app.appId,
        recordId: this.run.recordId,
        rows: blocked.map((item) => ({ rowId: item.rowId, missing: item.writeBackMissing })),
      });
      sections.push(
        [
          `【要確認】テーブル「${this.run.app.subtable.field}」に発注が必要な行がありますが、発注していません:`,
          ...blocked.map(
            (item) =>
              `・${item.mapped.ok ? item.mapped.item.sku : item.rowId}: ${item.decision.reason}`,
          ),
        ].join('\n'),
      );
    }
    if (sections.length === 0) return false;
    await this.run.deps.kintone.addComment(
      this.run.app.appId,
      this.run.recordId,
      sections.join('\n\n'),
    );
    return true;
  }
}
