import type { KintoneRestAPIClient } from '@kintone/rest-api-client';
import { resolveSecret } from '../../config/load-config';
import type { BridgeConfig, OrderAppConfig } from '../../config/schema';
import { memoizeBySecrets } from '../../config/secret-memo';
import type { LedgerRecordValues, OrderLedger } from '../../ports/order-ledger';
import type { SecretSource } from '../../ports/secret-source';
import type { KintoneCallBudget } from './kintone-call-budget';
import { createKintoneClient } from './kintone-record-writer';
import { withKintoneRetry, type KintoneRetryOptions } from './kintone-retry';
import { escapeQueryValue } from '../../kintone/query';

/** Options of {@link KintoneOrderLedger}. */
export interface KintoneOrderLedgerOptions {
  retry?: KintoneRetryOptions;
  /** Counts each attempt against the order app's daily request limit. */
  budget?: Pick<KintoneCallBudget, 'call'>;
}

/**
 * The order app (発注管理) through the official client, with the order app's own API token:
 * one request per method (retried on 429, 503 and dropped connections, each attempt counted).
 */
export class KintoneOrderLedger implements OrderLedger {
  constructor(
    private readonly orderApp: OrderAppConfig,
    private readonly client: () => Promise<KintoneRestAPIClient>,
    private readonly options: KintoneOrderLedgerOptions = {},
  ) {}

  async findByOrderNumber(orderNumber: string): Promise<string | undefined> {
    const client = await this.client();
    const { records } = await this.call(() =>
      client.record.getRecords({
        app: this.orderApp.appId,
        query: `${this.orderApp.fields.orderNumber} = "${escapeQueryValue(orderNumber)}" limit 1`,
        fields: ['$id'],
        totalCount: false,
      }),
    );
    const id = records[0]?.$id?.value;
    return id === undefined ? undefined : String(id);
  }

  async add(values: LedgerRecordValues): Promise<string> {
    const client = await this.client();
    const { id } = await this.call(() =>
      client.record.addRecord({ app: this.orderApp.appId, record: values as never }),
    );
    return String(id);
  }

  async update(recordId: string, values: LedgerRecordValues): Promise<void> {
    const client = await this.client();
    await this.call(() =>
      client.record.updateRecord({
        app: this.orderApp.appId,
        id: recordId,
        record: values as never,
      }),
    );
  }

  async addComment(recordId: string, text: string): Promise<void> {
    const client = await this.client();
    await this.call(() =>
      client.record.addRecordComment({
        app: this.orderApp.appId,
        record: recordId,
        comment: { text },
      }),
    );
  }

  private call<T>(request: () => Promise<T>): Promise<T> {
    const { budget } = this.options;
    return withKintoneRetry(
      () => (budget ? budget.call(this.orderApp.appId, request) : request()),
      this.options.retry,
    );
  }
}

/**
 * The order ledger the configuration asks for, or undefined without `orderApp`. Its client is
 * rebuilt when the order app's token is rotated.
 */
export function buildOrderLedger(
  config: BridgeConfig,
  secrets: SecretSource,
  baseUrl: string,
  options: KintoneOrderLedgerOptions = {},
): OrderLedger | undefined {
  const orderApp = config.orderApp;
  if (!orderApp) return undefined;
  const client = memoizeBySecrets(
    secrets,
    (env) =>
      resolveSecret(orderApp.apiToken, env, 'orderApp.apiToken', (name) => secrets.describe(name)),
    (apiToken) => createKintoneClient(baseUrl, apiToken),
  );
  return new KintoneOrderLedger(orderApp, client, options);
}
