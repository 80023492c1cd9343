import diagnostics from 'node:diagnostics_channel';
import { ClientRequest } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

/** One outgoing HTTP request of this process, timed from start to the end of its response. */
export interface HttpCall {
  /** The Host header, e.g. `127.0.0.1:43127`; a proxy may pass on its client's header. */
  host: string;
  /** The port actually connected to, once the socket is connected. */
  remotePort?: number;
  method: string;
  path: string;
  startedAt: number;
  finishedAt?: number;
}

const REQUEST_START = 'http.client.request.start';
const RESPONSE_FINISH = 'http.client.response.finish';

function requestOf(message: unknown): ClientRequest | undefined {
  if (typeof message !== 'object' || message === null || !('request' in message)) return undefined;
  return message.request instanceof ClientRequest ? message.request : undefined;
}

/**
 * Records every request made through `node:http` in this process (the AWS SDK's handler, axios
 * under the kintone client) via Node's diagnostics channels, so a benchmark can say where time
 * went without touching the code it measures. `fetch` runs on undici and is not recorded.
 *
 * @example
 * const recorder = new HttpCallRecorder();
 * recorder.start();
 * await work();
 * recorder.stop();
 * const dynamoCalls = recorder.calls().filter((call) => call.remotePort === dynamoPort);
 */
export class HttpCallRecorder {
  private readonly recorded: HttpCall[] = [];
  private readonly pending = new WeakMap<ClientRequest, HttpCall>();

  private readonly onStart = (message: unknown): void => {
    const request = requestOf(message);
    if (!request) return;
    const call: HttpCall = {
      host: String(request.getHeader('host') ?? request.host),
      method: request.method,
      path: request.path,
      startedAt: performance.now(),
    };
    this.pending.set(request, call);
    this.recorded.push(call);
    // The Host header cannot tell a proxy's forward from the original: read the port connected to.
    const readPort = (socket: Socket): void => {
      if (socket.remotePort !== undefined) call.remotePort = socket.remotePort;
      else socket.once('connect', () => readPort(socket));
    };
    // Node assigns a free or new socket before publishing the start; a request queued behind an
    // agent's socket limit gets one later.
    if (request.socket) readPort(request.socket);
    else request.once('socket', readPort);
  };

  private readonly onFinish = (message: unknown): void => {
    const request = requestOf(message);
    const call = request ? this.pending.get(request) : undefined;
    if (call) call.finishedAt = performance.now();
  };

  start(): void {
    diagnostics.subscribe(REQUEST_START, this.onStart);
    diagnostics.subscribe(RESPONSE_FINISH, this.onFinish);
  }

  stop(): void {
    diagnostics.unsubscribe(REQUEST_START, this.onStart);
    diagnostics.unsubscribe(RESPONSE_FINISH, this.onFinish);
  }

  /** Calls recorded so far, oldest first; `calls().length` marks a point to slice from. */
  calls(): HttpCall[] {
    return [...this.recorded];
  }
}
