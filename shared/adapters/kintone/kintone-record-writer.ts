import { KintoneRestAPIClient } from '@kintone/rest-api-client';
import type { FieldValues, KintoneRecordWriter } from '../../ports/kintone-record-writer';

/** Builds the official client for one app's API token. */
export function createKintoneClient(baseUrl: string, apiToken: string): KintoneRestAPIClient {
  return new KintoneRestAPIClient({ baseUrl, auth: { apiToken } });
}

/**
 * Writes the bridge's outcome through kintone's REST API, one client per app (each app has its
 * own API token, which may come from a cached secret: hence the asynchronous lookup). Errors
 * propagate: the dispatcher's queue retries the step that failed.
 */
export class RestKintoneRecordWriter implements KintoneRecordWriter {
  constructor(private readonly clientForApp: (appId: string) => Promise<KintoneRestAPIClient>) {}

  async updateFields(appId: string, recordId: string, values: FieldValues): Promise<void> {
    const record = Object.fromEntries(
      Object.entries(values).map(([code, value]) => [code, { value }]),
    );
    // No revision: the bridge only touches its own fields, so a staff edit in between is kept.
    const client = await this.clientForApp(appId);
    await client.record.updateRecord({ app: appId, id: recordId, record });
  }

  async addComment(appId: string, recordId: string, text: string): Promise<void> {
    const client = await this.clientForApp(appId);
    await client.record.addRecordComment({
      app: appId,
      record: recordId,
      comment: { text },
    });
  }
}
