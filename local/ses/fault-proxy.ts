import { randomUUID } from 'node:crypto';
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { z } from 'zod';
import { listenOn } from '../listen';

/** Failures the proxy can play: SES throttling (`Throttling`, 400) or an outage (503). */
export type SesFaultKind = 'throttle' | 'unavailable';

/** Where to listen and what to forward to. */
export interface SesFaultProxyOptions {
  /** Base URL of aws-ses-v2-local, e.g. `http://127.0.0.1:8005`. */
  target: string;
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
}

/** A running fault proxy. */
export interface SesFaultProxy {
  /** SES API endpoint to give the SES client instead of the emulator's. */
  endpoint: string;
  /** Makes the next `n` SES API calls fail with `kind` (default `throttle`); 0 cancels. */
  failNext(n: number, kind?: SesFaultKind): void;
  /** Stops the proxy and drops its connections. */
  close(): Promise<void>;
}

/** Route for injecting failures over HTTP: `POST {"failNext": 1, "kind": "unavailable"}`. */
export const FAULTS_ROUTE = '/__faults';

/** The control route takes a tiny JSON object; anything bigger is a mistake. */
const MAX_CONTROL_BODY_BYTES = 4096;

const SES_V1_NAMESPACE = 'http://ses.amazonaws.com/doc/2010-12-01/';

const faultRequestSchema = z.object({
  failNext: z.number().int().min(0),
  kind: z.enum(['throttle', 'unavailable']).optional(),
});

interface FaultAnswer {
  status: number;
  /** v1 (Query/XML) error type and code. */
  type: 'Sender' | 'Receiver';
  code: string;
  /** SES v2 (REST/JSON) error code for the same failure. */
  v2Code: string;
  v2Status: number;
  message: string;
}

const FAULT_ANSWERS: Record<SesFaultKind, FaultAnswer> = {
  throttle: {
    status: 400,
    type: 'Sender',
    code: 'Throttling',
    v2Code: 'TooManyRequestsException',
    v2Status: 429,
    message: 'Maximum sending rate exceeded.',
  },
  unavailable: {
    status: 503,
    type: 'Receiver',
    code: 'ServiceUnavailable',
    v2Code: 'ServiceUnavailable',
    v2Status: 503,
    message: 'Service is unavailable. Please try again later.',
  },
};

/**
 * Starts an HTTP proxy in front of aws-ses-v2-local that forwards every request unchanged,
 * except that while failures are pending it answers SES API calls with the error SES itself
 * would send (XML for the v1 API, JSON for v2). The local stack puts it between the bridge and
 * the emulator so end-to-end tests can make the first send fail and watch the retry.
 *
 * Only SES API calls (requests with an `Authorization` header) consume failures; the
 * emulator's own unauthenticated routes (`/store`, `/clear-store`, the inbox page) pass.
 * Failures can be injected with {@link SesFaultProxy.failNext} or over HTTP on
 * {@link FAULTS_ROUTE} (`GET` shows what is pending).
 *
 * @example
 * ```ts
 * const proxy = await startSesFaultProxy({ target: ses.endpoint });
 * proxy.failNext(1, 'unavailable');
 * // or: curl -X POST -d '{"failNext":1,"kind":"throttle"}' http://127.0.0.1:PORT/__faults
 * ```
 */
export async function startSesFaultProxy(options: SesFaultProxyOptions): Promise<SesFaultProxy> {
  const target = new URL(options.target);
  // A private agent, so closing the proxy also closes its keep-alive sockets to the emulator.
  const agent = new Agent({ keepAlive: true });
  const pending: { count: number; kind: SesFaultKind } = { count: 0, kind: 'throttle' };

  const failNext = (n: number, kind: SesFaultKind = 'throttle'): void => {
    if (!Number.isInteger(n) || n < 0) {
      throw new RangeError(`failNext needs a whole number of failures >= 0, got ${n}`);
    }
    pending.count = n;
    pending.kind = kind;
  };

  const server = createServer((req, res) => {
    if (req.url?.split('?')[0] === FAULTS_ROUTE) {
      handleControl(req, res, pending, failNext);
      return;
    }
    if (pending.count > 0 && req.headers.authorization !== undefined) {
      pending.count -= 1;
      const fault = FAULT_ANSWERS[pending.kind];
      // Drain the request so the client sees a clean answer rather than a reset socket.
      req.resume();
      req.on('end', () => answerFault(req, res, fault));
      return;
    }
    forward(req, res, target, agent);
  });

  const port = await listenOn(server, {
    port: options.port ?? 0,
    host: '127.0.0.1',
    service: 'SES fault proxy',
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    failNext,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        agent.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function forward(req: IncomingMessage, res: ServerResponse, target: URL, agent: Agent): void {
  const upstream = httpRequest(
    {
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      // Headers go through untouched (including Host): the emulator ignores signatures, and a
      // faithful copy keeps the proxy invisible.
      headers: req.headers,
      agent,
    },
    (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
      upstreamRes.pipe(res);
    },
  );
  upstream.on('error', (error) => {
    if (res.headersSent) {
      res.destroy(error);
      return;
    }
    res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`SES fault proxy could not reach ${target.origin}: ${error.message}\n`);
  });
  req.pipe(upstream);
}

function answerFault(req: IncomingMessage, res: ServerResponse, fault: FaultAnswer): void {
  const requestId = randomUUID();
  if (req.url?.startsWith('/v2/')) {
    // SES v2 is a REST/JSON API: the SDK reads the error code from x-amzn-ErrorType.
    res.writeHead(fault.v2Status, {
      'content-type': 'application/json',
      'x-amzn-errortype': fault.v2Code,
      'x-amzn-requestid': requestId,
    });
    res.end(JSON.stringify({ message: fault.message }));
    return;
  }
  res.writeHead(fault.status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
  res.end(
    `<ErrorResponse xmlns="${SES_V1_NAMESPACE}"><Error><Type>${fault.type}</Type>` +
      `<Code>${fault.code}</Code><Message>${fault.message}</Message></Error>` +
      `<RequestId>${requestId}</RequestId></ErrorResponse>`,
  );
}

function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  pending: { count: number; kind: SesFaultKind },
  failNext: (n: number, kind?: SesFaultKind) => void,
): void {
  const answer = (status: number, body: object): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.method === 'GET') {
    answer(200, { failNext: pending.count, kind: pending.kind });
    return;
  }
  if (req.method !== 'POST') {
    answer(405, { message: `Use GET or POST on ${FAULTS_ROUTE}` });
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_CONTROL_BODY_BYTES) chunks.push(chunk);
  });
  req.on('end', () => {
    if (size > MAX_CONTROL_BODY_BYTES) {
      answer(413, { message: `Body over ${MAX_CONTROL_BODY_BYTES} bytes` });
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      answer(400, { message: 'Body must be JSON like {"failNext": 1, "kind": "throttle"}' });
      return;
    }
    const parsed = faultRequestSchema.safeParse(json);
    if (!parsed.success) {
      answer(400, {
        message: 'Expected {"failNext": <whole number >= 0>, "kind"?: "throttle" | "unavailable"}',
      });
      return;
    }
    failNext(parsed.data.failNext, parsed.data.kind);
    answer(200, { failNext: pending.count, kind: pending.kind });
  });
}
