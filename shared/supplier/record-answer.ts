import { commentOnOrder, writeOrderFields } from '../dispatch/order-record';
import { findApp } from '../config/load-config';
import type { BridgeConfig } from '../config/schema';
import type { BridgeStore, StoredOrder } from '../ports/bridge-store';
import type { FieldValues, KintoneRecordWriter } from '../ports/kintone-record-writer';
import type { BridgeLogger } from '../ports/logger';
import { answerComment, answerStatus, sameAnswer } from './answer-outcome';
import type { SupplierAnswer } from './supplier-answer';

/** Collaborators of {@link recordSupplierAnswer}. */
export interface RecordAnswerDeps {
  config: BridgeConfig;
  store: BridgeStore;
  kintone: KintoneRecordWriter;
  logger: BridgeLogger;
  now: () => Date;
}

/**
 * What became of an answer: `recorded` (kintone told, order updated), `unchanged` (the same
 * answer is on record already: a repeated submission changes nothing) or `closed` (the goods
 * were received or the order cancelled, so answers are no longer taken).
 */
export type RecordAnswerResult = 'recorded' | 'unchanged' | 'closed';

/**
 * Records a supplier's answer from the order page: the status (受注確認済 / 一部受注 / 辞退) and
 * the delivery date on the kintone record with a comment carrying the supplier's note, then the
 * answer on the order. kintone is written first, so a failure there leaves the order without
 * the answer and the supplier's retry writes both; once recorded, the same answer again is
 * `unchanged` and writes nothing. A different answer later is an update, and its comment says
 * what changed.
 *
 * A deleted record or an app no longer configured cannot be written (kintone answers 404): the
 * answer is then kept on the order only, and logged.
 *
 * @example
 * const result = await recordSupplierAnswer(order, { kind: 'declined', reason: '廃番' }, deps);
 */
export async function recordSupplierAnswer(
  order: StoredOrder,
  answer: SupplierAnswer,
  deps: RecordAnswerDeps,
): Promise<RecordAnswerResult> {
  const orderNumber = order.request.orderNumber;
  if (order.status === 'closed') return 'closed';
  const previous = order.steps.supplierAnswer;
  if (previous !== undefined && sameAnswer(previous, answer)) return 'unchanged';

  const key = { appId: order.appId, recordId: order.recordId };
  const app = findApp(deps.config, order.appId);
  const recordExists =
    app !== undefined && (await deps.store.loadItem(key)).item.deletedAt === undefined;
  if (app && recordExists) {
    const values: FieldValues = { [app.writeBack.status]: answerStatus(answer, app.statuses) };
    const dateField = app.writeBack.deliveryDate;
    if (dateField !== undefined) {
      // A decline after a confirmation must not leave the old promised date standing.
      if (answer.kind !== 'declined') values[dateField] = answer.deliveryDate;
      else if (previous !== undefined && previous.kind !== 'declined') values[dateField] = '';
    }
    await writeOrderFields(deps.kintone, order, values);
    await commentOnOrder(
      deps.kintone,
      order,
      // A partial quantity refers to the first line (the bridge orders one item per request).
      answerComment(
        orderNumber,
        order.request.supplier.name,
        answer,
        previous,
        order.request.lines[0]?.unit,
      ),
    );
  } else {
    deps.logger.warn('supplier answer kept on the order only: the kintone record is gone', {
      orderNumber,
      appId: key.appId,
      recordId: key.recordId,
      appConfigured: app !== undefined,
    });
  }
  await deps.store.recordOrderStep(key, order.cycle, {
    kind: 'supplier-answer',
    at: deps.now().toISOString(),
    answer,
  });
  deps.logger.info('supplier answer recorded', {
    orderNumber,
    answer: answer.kind,
    changed: previous !== undefined,
  });
  return 'recorded';
}
