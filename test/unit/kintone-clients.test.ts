import { kintoneClients } from '../../shared/adapters/kintone/kintone-clients';
import { loadConfigFile } from '../../shared/config/load-config';
import { MutableSecretSource } from '../fakes/mutable-secret-source';
import { DEMO_CONFIG_PATH } from '../fixtures/kintone-webhooks';
import { UnknownAppError } from '../../shared/config/load-config';

const BASE_URL = 'https://example.cybozu.com';

describe('kintoneClients', () => {
  it('reuses the client until the API token changes in the secret source', async () => {
    // Prepare
    const secrets = new MutableSecretSource({ KINTONE_API_TOKEN_APP_12: 'token-1', OTHER: 'a' });
    const clients = kintoneClients(loadConfigFile(DEMO_CONFIG_PATH), secrets, BASE_URL);

    // Act
    const first = await clients('12');
    secrets.values = { ...secrets.values, OTHER: 'b' };
    const afterUnrelated = await clients('12');
    secrets.values = { ...secrets.values, KINTONE_API_TOKEN_APP_12: 'token-2' };
    const afterRotation = await clients('12');

    // Assess
    expect(afterUnrelated).toBe(first);
    expect(afterRotation).not.toBe(first);
    expect(secrets.reads).toBe(3);
  });

  it('names an unconfigured app, and a missing token by its key', async () => {
    // Prepare
    const secrets = new MutableSecretSource({});
    const clients = kintoneClients(loadConfigFile(DEMO_CONFIG_PATH), secrets, BASE_URL);

    // Act
    const unknown = clients('99');
    const missing = clients('12');

    // Assess
    await expect(unknown).rejects.toBeInstanceOf(UnknownAppError);
    await expect(missing).rejects.toThrow(
      'apps[app 12].apiToken: key KINTONE_API_TOKEN_APP_12 of the test secret is not set',
    );
  });
});
