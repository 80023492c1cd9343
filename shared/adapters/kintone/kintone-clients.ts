import type { KintoneRestAPIClient } from '@kintone/rest-api-client';
import { findApp, resolveSecret } from '../../config/load-config';
import type { BridgeConfig } from '../../config/schema';
import { memoizeBySecrets } from '../../config/secret-memo';
import type { SecretSource } from '../../ports/secret-source';
import { createKintoneClient } from './kintone-record-writer';
import { UnknownAppError } from '../../config/load-config';

/**
 * One kintone client per app, each with the app's API token from the secret source. A client
 * is built on the app's first use (a notification for an app that needs no write-back never
 * resolves its token) and rebuilt when the token changes in the source, so a rotated API
 * token is used without a redeploy.
 *
 * @example
 * const writer = new RestKintoneRecordWriter(
 *   kintoneClients(config, secrets, 'https://example.cybozu.com'),
 * );
 */
export function kintoneClients(
  config: BridgeConfig,
  secrets: SecretSource,
  baseUrl: string,
): (appId: string) => Promise<KintoneRestAPIClient> {
  const clients = new Map<string, () => Promise<KintoneRestAPIClient>>();
  return async (appId) => {
    let client = clients.get(appId);
    if (!client) {
      const app = findApp(config, appId);
      if (!app) throw new UnknownAppError(appId);
      client = memoizeBySecrets(
        secrets,
        (env) =>
          resolveSecret(app.apiToken, env, `apps[app ${appId}].apiToken`, (name) =>
            secrets.describe(name),
          ),
        (apiToken) => createKintoneClient(baseUrl, apiToken),
      );
      clients.set(appId, client);
    }
    return client();
  };
}
