import { KintoneSupplierScorecards } from '../../shared/adapters/kintone/kintone-supplier-scorecards';
import { supplierMasterClient } from '../../shared/adapters/kintone/kintone-supplier-directory';
import type { KintoneCallBudget } from '../../shared/adapters/kintone/kintone-call-budget';
import type { BridgeConfig } from '../../shared/config/schema';
import type { SecretSource } from '../../shared/ports/secret-source';
import { calendarFromConfig } from '../../shared/adapters/calendar/calendar-from-config';
import type { Env } from '../../shared/config/env';
import { ConfigError } from '../../shared/config/load-config';
import { MAX_LIST_DUE_LIMIT } from '../../shared/adapters/dynamodb/order-rules';
import { clockOf, wireCommon, type WiringOverrides } from '../common-wiring';
import { orderCompletionFromEnv } from '../order-sending-wiring';
import { wireStores } from '../store-wiring';
import { createSendDueOrdersHandler, type SendDueOrdersHandler } from './handler';

/**
 * The Lambda wiring of the scheduled send: the bridge table's order store, SES, the fax queue,
 * the order link signer and kintone (API tokens from the Secrets Manager secret `SECRETS_ARN`,
 * or the environment without it). The local stack calls it too, with an environment pointing at
 * its emulators; `overrides.now` is the clock of tests (a gathered order falls due when it says).
 *
 * Environment: as `wireCommon`, plus `SES_CONFIGURATION_SET`, `SUPPLIER_PAGE_BASE_URL`,
 * `FAX_QUEUE_URL`, `AWS_ENDPOINT_URL_SES` and `DUE_BATCH_SIZE` (orders per run).
 */
export function wireSendDueOrdersFromEnv(
  env: Env,
  overrides: WiringOverrides = {},
): SendDueOrdersHandler {
  const now = clockOf(overrides);
  const {
    logger,
    config,
    table,
    secrets,
    kintone,
    metrics,
    powertoolsMetrics,
    kintoneBaseUrl,
    budget,
  } = wireCommon(env, { now });
  const { orders, stockHistory } = wireStores(table, now, config);
  const calendars = calendarFromConfig(config);
  return createSendDueOrdersHandler({
    config,
    // Business hours of the follow-up (reminders, staff flags): holidays and closed days skipped.
    calendars,
    orders,
    ...orderCompletionFromEnv(env, { config, secrets, kintoneBaseUrl, budget }, overrides),
    kintone,
    logger,
    now,
    metrics,
    ...(powertoolsMetrics ? { powertoolsMetrics } : {}),
    ...batchSizeFromEnv(env),
    // The daily learning (issue 14), when an app learns; scorecards to the supplier master.
    ...(stockHistory
      ? {
          learning: {
            config,
            stockHistory,
            orders,
            kintone,
            calendars,
            logger,
            ...scorecardWriterOf(config, secrets, kintoneBaseUrl, budget),
          },
        }
      : {}),
  });
}

/** The supplier master's scorecard writer, with `learning.supplierFields` and a master. */
function scorecardWriterOf(
  config: BridgeConfig,
  secrets: SecretSource,
  baseUrl: string,
  budget: KintoneCallBudget,
): { scorecards?: KintoneSupplierScorecards } {
  const fields = config.learning?.supplierFields;
  const master = config.supplierMaster;
  if (!fields || !master) return {};
  const client = supplierMasterClient(master, secrets, baseUrl);
  return { scorecards: new KintoneSupplierScorecards(master, fields, client, budget) };
}

/** `DUE_BATCH_SIZE`: orders one run completes at most; absent: the use case's default. */
function batchSizeFromEnv(env: Env): { batchSize?: number } {
  const raw = env.DUE_BATCH_SIZE?.trim();
  if (!raw) return {};
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > MAX_LIST_DUE_LIMIT) {
    throw new ConfigError(
      `DUE_BATCH_SIZE must be an integer 1-${MAX_LIST_DUE_LIMIT} (orders per run), not "${raw}"`,
    );
  }
  return { batchSize: value };
}
