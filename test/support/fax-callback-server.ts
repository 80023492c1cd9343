import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readPhaxioCallbackForm, type PhaxioCallbackFile } from '../../shared/edge/phaxio-callback';

/** One callback request as the receiver saw it. */
export interface ReceivedCallback {
  /** Path and query, e.g. `/webhooks/fax?token=t`. */
  path: string;
  headers: IncomingHttpHeaders;
  fields: Record<string, string>;
  files: PhaxioCallbackFile[];
}

/** A tiny HTTP server standing in for the bridge's fax callback route. */
export interface FaxCallbackServer {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** Callbacks received so far, oldest first. */
  received: ReceivedCallback[];
  /** Resolves with the next callback not yet taken by an earlier call. */
  next(): Promise<ReceivedCallback>;
  /** The status code the next callbacks are answered with (default 200). */
  answerWith(status: number): void;
  close(): Promise<void>;
}

/**
 * Starts a receiver on 127.0.0.1 that records every POST as form fields and files, parsed with
 * the same reader the bridge uses.
 *
 * @example
 * ```ts
 * const receiver = await startFaxCallbackServer();
 * const callback = await receiver.next();
 * ```
 */
export async function startFaxCallbackServer(): Promise<FaxCallbackServer> {
  const received: ReceivedCallback[] = [];
  const waiting: Array<(callback: ReceivedCallback) => void> = [];
  let taken = 0;
  let status = 200;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      readPhaxioCallbackForm(Buffer.concat(chunks), req.headers['content-type'] ?? '')
        .then(({ fields, files }) => {
          const callback = { path: req.url ?? '/', headers: req.headers, fields, files };
          received.push(callback);
          res.writeHead(status).end();
          const resolve = waiting.shift();
          if (resolve) {
            taken += 1;
            resolve(callback);
          }
        })
        .catch(() => res.writeHead(400).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    next: () => {
      const ready = received[taken];
      if (ready !== undefined) {
        taken += 1;
        return Promise.resolve(ready);
      }
      return new Promise((resolve) => waiting.push(resolve));
    },
    answerWith: (code) => {
      status = code;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
