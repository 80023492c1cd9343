import type { Server } from 'node:http';
import * as sesLocalModule from 'aws-ses-v2-local';
import { explainNotListening } from '../listen';
import { fetchSesStore, type StoredEmail } from './ses-store';

export type { StoredEmail } from './ses-store';

/** A running aws-ses-v2-local, as tests see it. */
export interface SesLocal {
  /** SES API endpoint for `new SESClient({ endpoint })`. */
  endpoint: string;
  /** The emulator's `GET /store` URL. */
  storeUrl: string;
  /** Stops the emulator and drops open keep-alive connections so jest can exit. */
  close(): Promise<void>;
  /** Forgets every received email (`POST /clear-store`). */
  clear(): Promise<void>;
  /** Emails received so far, oldest first. */
  emails(): Promise<StoredEmail[]>;
}

type StartServer = (config: { host: string; port: number }) => Promise<Server>;

/**
 * Starts aws-ses-v2-local in this process on a free port of 127.0.0.1.
 *
 * The emulator keeps its store in module state, so two instances in one jest worker would
 * share emails; start one per test file and `clear()` between tests that count emails.
 *
 * @example
 * ```ts
 * const ses = await startSesLocal();
 * const client = new SESClient({ endpoint: ses.endpoint, region: 'ap-northeast-1', credentials });
 * afterAll(() => ses.close());
 * ```
 */
export async function startSesLocal(options: { port?: number } = {}): Promise<SesLocal> {
  const target = { host: '127.0.0.1', port: options.port ?? 0, service: 'SES emulator' };
  const server = await sesServerFunction()(target);
  // Express hands back a server that failed to listen without its error: find out why.
  if (!server.listening) await explainNotListening(target);
  const port = listeningPort(server);
  const endpoint = `http://127.0.0.1:${port}`;
  const storeUrl = `${endpoint}/store`;

  return {
    endpoint,
    storeUrl,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
    clear: async () => {
      const response = await fetch(`${endpoint}/clear-store`, { method: 'POST' });
      if (!response.ok) throw new Error(`POST /clear-store answered HTTP ${response.status}`);
    },
    emails: async () => (await fetchSesStore(storeUrl)).emails,
  };
}

/**
 * The package is CommonJS with an ES-module-style default export. swc (tests) hands us that
 * function as `default`; Node's ESM loader (tsx, the local stack) hands us `module.exports`,
 * whose `default` holds it. Accept both.
 */
function sesServerFunction(): StartServer {
  const mod: unknown = sesLocalModule;
  const candidates = [
    (mod as { default?: unknown }).default,
    ((mod as { default?: { default?: unknown } }).default ?? {}).default,
  ];
  const start = candidates.find((candidate) => typeof candidate === 'function');
  if (!start)
    throw new Error('aws-ses-v2-local exports no server function; is version 2.10.x installed?');
  return start as StartServer;
}

function listeningPort(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('aws-ses-v2-local is not listening on a TCP port');
  }
  return address.port;
}
