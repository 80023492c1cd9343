import { UnknownAppError } from '../config/load-config';
import type { AppConfig, BridgeConfig } from '../config/schema';
import { findApp } from '../config/load-config';
import type { Decision } from '../domain/decision';
import { evaluateReorder } from '../domain/evaluate-reorder';
import type { OpenOrderRef, RecordedOutcome } from '../domain/item';
import {
  isRecordNotification,
  recordRevision,
  type KintoneNotification,
} from '../kintone/notification';
import { mapRecord } from '../kintone/record-mapper';
import { changedFields, decisionOutcome, orderComment, orderOutcome } from '../kintone/write-back';
import type { BridgeMetrics } from '../ports/bridge-metrics';
import type { BridgeStore, ItemKey, StoredOrder } from '../ports/bridge-store';
import type { KintoneRecordWriter } from '../ports/kintone-record-writer';
import type { BridgeLogger } from '../ports/logger';
import type { OrderMailer } from '../ports/order-mailer';
import type { SupplierDirectory } from '../ports/supplier-directory';
import { buildOrderRequest } from './build-order-request';
import { supplierReach } from './order-supplier';
import { placeOrder } from './place-order';
import { processTableRecord } from './process-table-record';
import { reportIfAllChannelsFailed } from './needs-attention';
import { allChannelsFailed, channelsOf, describeChannels } from './order-channels';
import { sendOrReportSending, since } from './send-or-report';
import type { OrderLinkSigner } from '../ports/order-links';
import type { FaxSending } from '../ports/fax-gateway';

/** Collaborators of the dispatcher, built once in the function's wiring. */
export interface DispatchDeps {
  config: BridgeConfig;
  store: BridgeStore;
  mailer: OrderMailer;
  kintone: KintoneRecordWriter;
  logger: BridgeLogger;
  /** Injected so tests and replays control time. */
  now: () => Date;
  /** Counts OrdersCreated and EmailsSent; counts nothing when left out. */
  metrics?: BridgeMetrics;
  /** The fax gateway and order form; without it, suppliers that need a fax get 要確認. */
  fax?: FaxSending;
  /** Signs the link to each new order's page; without it, requests carry no page link. */
  orderLinks?: OrderLinkSigner;
  /**
   * The supplier master (config `supplierMaster`), asked only when an order is due; without
   * it the record's own supplier fields are used.
   */
  suppliers?: SupplierDirectory;
}

/** What happened to one notification; logged, and returned for tests. */
export interface DispatchOutcome {
  notificationId: string;
  decision: { kind: Decision['kind'] | 'deleted' | 'ignored' | 'duplicate'; reason: string };
  orderNumber?: string;
  /** Steps performed by this run (not by earlier attempts). */
  emailed: boolean;
  faxed: boolean;
  wroteFields: string[];
  commented: boolean;
  closedOrderNumber?: string;
  /** For an app that keeps items in a table: what happened to each row. */
  rows?: RowOutcome[];
  /** For a table: every order the notification created or completed. */
  orderNumbers?: string[];
}

/** What happened to one row of a table. */
export interface RowOutcome {
  rowId: string;
  sku: string;
  decision: { kind: Decision['kind']; reason: string };
  orderNumber?: string;
}

/**
 * Processes one queued notification end to end: decide, create the order (conditional write),
 * send, write back, comment, and record each step as it completes. Running it again for the
 * same notification, after a failure at any point, performs only the steps not yet recorded,
 * under the same order number.
 */
export async function processNotification(
  notification: KintoneNotification,
  deps: DispatchDeps,
): Promise<DispatchOutcome> {
  const { store, logger } = deps;
  const base = {
    notificationId: notification.id,
    emailed: false,
    faxed: false,
    wroteFields: [],
    commented: false,
  };

  if (notification.type === 'ADD_RECORD_COMMENT') {
    return { ...base, decision: { kind: 'ignored', reason: 'コメントは在庫に影響しません' } };
  }
  if (await store.hasProcessed(notification.id)) {
    return {
      ...base,
      decision: { kind: 'duplicate', reason: `通知 ${notification.id} は処理済み` },
    };
  }
  const app = findApp(deps.config, notification.app.id);
  if (!app) throw new UnknownAppError(notification.app.id);

  const now = deps.now();
  const at = now.toISOString();

  if (!isRecordNotification(notification)) {
    const key = { appId: app.appId, recordId: notification.recordId };
    await store.markDeleted(key, at);
    const decision = { kind: 'deleted' as const, reason: 'kintone でレコードが削除されました' };
    await store.completeNotification({ notificationId: notification.id, key, decision, at });
    return { ...base, decision };
  }

  if (app.subtable) {
    return processTableRecord(notification, { ...app, subtable: app.subtable }, deps, base, now);
  }

  const mapped = mapRecord(notification.record, app, { supplierFromMaster: !!deps.suppliers });
  const key: ItemKey = {
    appId: app.appId,
    recordId: mapped.ok ? mapped.item.recordId : mapped.recordId,
  };
  const revision = recordRevision(notification.record);
  const recorded = mapped.ok ? mapped.item.recorded : mapped.recorded;

  const { item: itemState, currentOrder } = await store.loadItem(key);
  const openOrder = currentOrder?.status === 'open' ? currentOrder : undefined;
  const evaluated = evaluateReorder({
    mapped,
    state: {
      ...(itemState.lastRevision !== undefined ? { lastRevision: itemState.lastRevision } : {}),
      ...(openOrder ? { openOrder: openOrderRef(openOrder) } : {}),
    },
    notification: { id: notification.id, revision },
    policy: { closedStatuses: app.statuses.closed, timeZone: deps.config.timeZone },
    now,
  });
  // Only an order reads the supplier master: a notification that needs none costs no call.
  // An order that cannot reach the supplier is not created: staff fix the contact first.
  const reach =
    evaluated.kind === 'order' && mapped.ok
      ? await supplierReach(mapped.item.supplier, app, deps)
      : undefined;
  const item = mapped.ok && reach?.ok ? { ...mapped.item, supplier: reach.contact } : undefined;
  const channels = reach?.ok ? reach.channels : undefined;
  const decision: Decision =
    reach && !reach.ok
      ? {
          kind: 'cannot-evaluate',
          reason: `${evaluated.reason} → 送信できません: ${reach.reason}`,
          ...(evaluated.closedOrderNumber !== undefined
            ? { closedOrderNumber: evaluated.closedOrderNumber }
            : {}),
        }
      : evaluated;
  logger.info('decided', {
    decision: { kind: decision.kind, reason: decision.reason },
    appId: key.appId,
    recordId: key.recordId,
    revision,
  });

  let cycle = itemState.cycle;
  if (decision.closedOrderNumber !== undefined && openOrder) {
    await store.closeOrder(key, openOrder.cycle, at, recorded.status);
    cycle = openOrder.cycle + 1;
    logger.info('order closed by kintone', {
      orderNumber: decision.closedOrderNumber,
      status: recorded.status,
    });
  }

  let order: StoredOrder | undefined;
  if (decision.kind === 'order' && item && channels) {
    order = await placeOrder(
      {
        key,
        cycle,
        supplier: item.supplier,
        channels,
        request: (orderNumber, supplierPageUrl) =>
          buildOrderRequest(item, decision, orderNumber, deps.config, now, supplierPageUrl),
        notificationId: notification.id,
      },
      app,
      deps,
      now,
    );
  } else if (decision.kind === 'order-open' && openOrder) {
    // The order exists; an earlier attempt may have stopped before finishing its steps.
    order = openOrder;
  }

  // A retry of the notification that created the order reports it as that order, not as
  // "an order is already open".
  const resumedOwnOrder =
    decision.kind === 'order-open' && order?.createdByNotificationId === notification.id;
  const outcome: DispatchOutcome = {
    ...base,
    decision:
      resumedOwnOrder && order
        ? { kind: 'order', reason: order.request.reason }
        : { kind: decision.kind, reason: decision.reason },
    ...(decision.closedOrderNumber !== undefined
      ? { closedOrderNumber: decision.closedOrderNumber }
      : {}),
  };
  if (order) {
    Object.assign(outcome, await completeOrderSteps(order, app, recorded, deps), {
      orderNumber: order.request.orderNumber,
    });
  } else {
    const failedOrderNumber = currentOrder?.steps.attentionAt
      ? currentOrder.request.orderNumber
      : undefined;
    const changes = changedFields(
      app,
      decisionOutcome(app, decision, recorded, failedOrderNumber ? { failedOrderNumber } : {}),
      recorded,
    );
    if (Object.keys(changes).length > 0) {
      await deps.kintone.updateFields(key.appId, key.recordId, changes);
      outcome.wroteFields = Object.keys(changes);
    }
  }

  await store.completeNotification({
    notificationId: notification.id,
    key,
    revision,
    decision: { kind: decision.kind, reason: decision.reason },
    at,
  });
  logger.info('notification processed', { outcome });
  return outcome;
}

function openOrderRef(order: StoredOrder): OpenOrderRef {
  const quantity = order.request.lines.reduce((sum, line) => sum + line.quantity, 0);
  return {
    orderNumber: order.request.orderNumber,
    quantity,
    reflectedInKintone: order.reflectedInKintone,
  };
}

async function completeOrderSteps(
  order: StoredOrder,
  app: AppConfig,
  recorded: RecordedOutcome,
  deps: DispatchDeps,
): Promise<Pick<DispatchOutcome, 'emailed' | 'faxed' | 'wroteFields' | 'commented'>> {
  const { store } = deps;
  const key = { appId: order.appId, recordId: order.recordId };
  const sent = await sendOrReportSending(order, deps, (changes) =>
    deps.kintone.updateFields(key.appId, key.recordId, changedFields(app, changes, recorded)),
  );
  const done = {
    emailed: sent.emailed,
    faxed: sent.faxed,
    wroteFields: [] as string[],
    commented: false,
  };
  let current = sent.order;

  if (allChannelsFailed(current)) {
    // Nobody has the order: 要対応 on the record instead of 発注依頼済.
    const attention = await reportIfAllChannelsFailed(current, deps, recorded);
    current = attention.order;
    done.wroteFields = attention.wroteFields;
    done.commented = attention.reported;
    if (!current.steps.writtenBackAt) {
      current = await store.recordOrderStep(key, current.cycle, {
        kind: 'written-back',
        at: deps.now().toISOString(),
      });
    }
    return done;
  }
  if (!current.steps.writtenBackAt) {
    const changes = changedFields(
      app,
      orderOutcome(app, current.request, since(current)),
      recorded,
    );
    if (Object.keys(changes).length > 0) {
      await deps.kintone.updateFields(key.appId, key.recordId, changes);
      done.wroteFields = Object.keys(changes);
    }
    current = await store.recordOrderStep(key, current.cycle, {
      kind: 'written-back',
      at: deps.now().toISOString(),
    });
  }
  if (app.commentOnOrder && !current.steps.commentedAt) {
    await deps.kintone.addComment(
      key.appId,
      key.recordId,
      orderComment(current.request, describeChannels(channelsOf(current))),
    );
    current = await store.recordOrderStep(key, current.cycle, {
      kind: 'commented',
      at: deps.now().toISOString(),
    });
    done.commented = true;
  }
  return done;
}
