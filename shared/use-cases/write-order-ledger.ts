import { findApp } from '../config/load-config';
import type { BridgeConfig } from '../config/schema';
import { isSealed, type PurchaseOrder } from '../domain/purchase-order';
import { ledgerRecordOf } from '../kintone/order-ledger-record';
import { NO_METRICS, type BridgeMetrics } from '../ports/bridge-metrics';
import type { BridgeLogger } from '../ports/logger';
import type { LedgerRecordValues, OrderLedger } from '../ports/order-ledger';
import type { OrderStore } from '../ports/order-store';
import { describeFailure } from './failure-kind';

/**
 * The order ledger: each order is one record of the order app (発注管理), kept up to date as the
 * order moves (sealed, awaiting approval, sent, answered, closed, rejected, and what SES, the fax
 * gateway and the follow-up report: 不達, 送信失敗, 再送済, 要対応, 納期遅延, 一部入荷).
 *
 * kintone calls per order: the first write is one GET (is a record with this order number
 * already there?) and one POST; `ledger-written` with the record id is then appended, so every
 * later write is a single PUT of the whole record, made only when the record would change: the
 * values as the log shows them now are compared with the values as of the last write, so an
 * event the record does not show (a delivered email or fax, a repeated callback) costs no
 * call. The GET before the first add is what makes a crash between the add and the append
 * harmless: the retry finds the record by its order number and updates it instead of adding a second one
 * (the order number field should also prohibit duplicates in kintone, as the doctor advises).
 *
 * A failure is logged and counted (LedgerWriteFailures), never thrown: the ledger must not hold
 * back sending the order. The next run of the order (the scheduled send, the next event)
 * writes it again, as the log still shows it unwritten.
 */

/** Collaborators of {@link writeOrderLedger}. */
export interface LedgerDeps {
  config: BridgeConfig;
  orders: Pick<OrderStore, 'append'>;
  logger: BridgeLogger;
  now: () => Date;
  metrics?: BridgeMetrics;
  /** The order app; without it nothing is written. */
  ledger?: OrderLedger;
}

/** Log events that change nothing the order's record shows. */
const BOOKKEEPING: ReadonlySet<string> = new Set(['ledger-written', 'written-back', 'commented']);

/** The order app record id of the order, once written. */
export function ledgerRecordId(order: PurchaseOrder): string | undefined {
  const written = order.log.filter((event) => event.kind === 'ledger-written');
  const last = written[written.length - 1];
  return last?.kind === 'ledger-written' ? last.recordId : undefined;
}

/**
 * True when the order's record is missing or behind its log. Without `config`: any event since
 * the last write other than the bridge's bookkeeping. With it: only when the record as the log
 * shows it now differs from the record as it was written (a delivered email or fax the record
 * already reads as 送信済, a repeated callback, a change of a field not mapped cost no kintone
 * call).
 */
export function ledgerOutdated(order: PurchaseOrder, config?: BridgeConfig): boolean {
  let index = -1;
  order.log.forEach((event, at) => {
    if (event.kind === 'ledger-written') index = at;
  });
  if (index < 0) return true;
  if (!order.log.slice(index + 1).some((event) => !BOOKKEEPING.has(event.kind))) return false;
  if (!config?.orderApp) return true;
  const written: PurchaseOrder = { ...order, log: order.log.slice(0, index + 1) };
  // Lines join only while an order gathers: a record written then may show fewer lines.
  if (!isSealed(written)) return true;
  return !sameValues(recordOf(written, config), recordOf(order, config));
}

function recordOf(order: PurchaseOrder, config: BridgeConfig): LedgerRecordValues {
  const orderApp = config.orderApp;
  if (!orderApp) return {};
  return ledgerRecordOf(order, orderApp, findApp(config, order.appId), config.tax);
}

function sameValues(a: LedgerRecordValues, b: LedgerRecordValues): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Writes the order to the order app when its record is missing or would change, and appends
 * `ledger-written`. Returns the order as stored afterwards (unchanged when nothing was written
 * or the write failed).
 */
export async function writeOrderLedger(
  order: PurchaseOrder,
  deps: LedgerDeps,
): Promise<PurchaseOrder> {
  const { ledger, config } = deps;
  if (!ledger || !config.orderApp || !ledgerOutdated(order, config)) return order;
  const values = recordOf(order, config);
  try {
    let recordId = ledgerRecordId(order);
    if (recordId !== undefined) {
      await ledger.update(recordId, values);
    } else {
      recordId = await ledger.findByOrderNumber(order.orderNumber);
      if (recordId !== undefined) await ledger.update(recordId, values);
      else recordId = await ledger.add(values);
    }
    return await deps.orders.append(order.orderNumber, {
      kind: 'ledger-written',
      at: deps.now().toISOString(),
      recordId,
    });
  } catch (error) {
    (deps.metrics ?? NO_METRICS).count('LedgerWriteFailures');
    deps.logger.warn('order not written to the order app; the next run of the order retries', {
      orderNumber: order.orderNumber,
      error: describeFailure(error),
    });
    return order;
  }
}
