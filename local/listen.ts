import { createServer, type Server } from 'node:net';

/**
 * One way for every server of the local stack to take its port, so a busy port reads the same
 * whichever service hit it: the port, the service, and what to do. Node's own error
 * ("listen EADDRINUSE: address already in use 127.0.0.1:3001") names neither the service nor a
 * way out, and some servers (aws-ses-v2-local) swallow it altogether.
 */

/** The hint every port error ends with: how to move the whole stack to other ports. */
export const CHOOSE_OTHER_PORTS = 'npm start -- --port-base 4000';

/** A port of the local stack could not be taken; `code` is Node's (EADDRINUSE, EACCES, …). */
export class LocalPortError extends Error {
  override readonly name = 'LocalPortError';

  constructor(
    readonly port: number,
    readonly service: string,
    readonly code: string,
    cause: unknown,
  ) {
    super(LocalPortError.messageFor(port, service, code, cause), { cause });
  }

  private static messageFor(port: number, service: string, code: string, cause: unknown): string {
    const where = `port ${port} (${service})`;
    switch (code) {
      case 'EADDRINUSE':
        return `${where} is in use by another program; stop it or choose other ports: ${CHOOSE_OTHER_PORTS}`;
      case 'EACCES':
        return `${where} needs privileges this user does not have (ports below 1024 do); choose other ports: ${CHOOSE_OTHER_PORTS}`;
      default:
        return `${where} could not be opened (${code}: ${cause instanceof Error ? cause.message : String(cause)}); choose other ports: ${CHOOSE_OTHER_PORTS}`;
    }
  }
}

/** Where a service listens, and its name in error messages ("local kintone"). */
export interface ListenTarget {
  port: number;
  host: string;
  service: string;
}

/**
 * The error to throw for a failed `listen`: a {@link LocalPortError} naming the port and the
 * service for Node's socket errors, the error itself otherwise.
 */
export function listenError(error: unknown, target: ListenTarget): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string' || !code.startsWith('E')) return error;
  return new LocalPortError(target.port, target.service, code, error);
}

/**
 * Starts `server` listening and resolves with its port (the one chosen when `port` is 0).
 *
 * @throws LocalPortError naming the port and the service when the port cannot be taken.
 * @example
 * const port = await listenOn(server, { port: 3001, host: '127.0.0.1', service: 'local kintone' });
 */
export function listenOn(server: Server, target: ListenTarget): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: unknown) => reject(listenError(error, target));
    server.once('error', onError);
    server.listen(target.port, target.host, () => {
      server.off('error', onError);
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error(`${target.service} is not listening on a TCP port`));
        return;
      }
      resolve(address.port);
    });
  });
}

/**
 * Checks that a fixed port can be taken, with a throwaway server, before a service that opens
 * something it cannot close after a failed listen (dynalite opens its LevelDB store when it is
 * created, and closes it only through a server that listened). Port 0 is always free.
 *
 * @throws LocalPortError naming the port and the service when it cannot be taken.
 */
export async function assertPortFree(target: ListenTarget): Promise<void> {
  if (target.port === 0) return;
  const probe = createServer();
  await listenOn(probe, target);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}

/**
 * For servers that hide their listen error (they hand back a server that is not listening):
 * tries the port with a throwaway server to learn why, and throws that as a
 * {@link LocalPortError}. If the port turns out free (it was released meanwhile), throws a
 * plain error saying the service did not start.
 */
export async function explainNotListening(target: ListenTarget): Promise<never> {
  await assertPortFree(target);
  throw new Error(
    `${target.service} did not start on port ${target.port} (the port is free now); try again`,
  );
}
