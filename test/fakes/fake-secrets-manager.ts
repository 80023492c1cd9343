import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One GetSecretValue call as the fake received it. */
export interface SecretRequest {
  target: string;
  secretId: string;
}

/** A running fake Secrets Manager; see {@link startFakeSecretsManager}. */
export interface FakeSecretsManager {
  readonly secrets: Map<string, string>;
  readonly requests: SecretRequest[];
  /** Error codes (e.g. 'InternalServiceError') for the next calls, one per call. */
  readonly failures: string[];
  /** An SDK client pointed at the fake, with dummy credentials and no retries. */
  client(): SecretsManagerClient;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Secrets Manager's GetSecretValue over HTTP (the AWS JSON 1.1 protocol the SDK speaks), so the
 * real SDK client and Powertools' SecretsProvider run unchanged against it. Secrets are set by
 * the test; `failures` makes the next calls answer a service error.
 *
 * @example
 * const sm = await startFakeSecretsManager();
 * sm.secrets.set('bridge', '{"WEBHOOK_TOKEN_APP_12":"..."}');
 * const client = sm.client();
 */
export async function startFakeSecretsManager(): Promise<FakeSecretsManager> {
  const secrets = new Map<string, string>();
  const requests: SecretRequest[] = [];
  const failures: string[] = [];
  const clients: SecretsManagerClient[] = [];
  const server: Server = createServer((request, response) => {
    void readBody(request).then((text) => {
      const target = String(request.headers['x-amz-target'] ?? '');
      const body = JSON.parse(text || '{}') as { SecretId?: string };
      const secretId = body.SecretId ?? '';
      requests.push({ target, secretId });
      const reply = (status: number, payload: unknown) => {
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify(payload));
      };
      const failure = failures.shift();
      if (failure !== undefined) {
        reply(500, { __type: failure, message: `injected ${failure}` });
        return;
      }
      const value = secrets.get(secretId);
      if (target !== 'secretsmanager.GetSecretValue' || value === undefined) {
        reply(400, {
          __type: 'ResourceNotFoundException',
          message: "Secrets Manager can't find the specified secret.",
        });
        return;
      }
      reply(200, {
        ARN: `arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:${secretId}`,
        Name: secretId,
        SecretString: value,
        VersionId: `v-${requests.length}`,
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    secrets,
    requests,
    failures,
    client: () => {
      const client = new SecretsManagerClient({
        region: 'ap-northeast-1',
        endpoint: `http://127.0.0.1:${port}`,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        maxAttempts: 1,
      });
      clients.push(client);
      return client;
    },
    close: async () => {
      for (const client of clients) client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
