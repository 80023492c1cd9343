import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { localLambdaContext } from './lambda-context';

/** A route of the local HTTP API: the same Lambda handler API Gateway would invoke. */
export interface LocalRoute {
  method: string;
  path: string;
  handler: (
    event: APIGatewayProxyEventV2,
    context: Context,
  ) => Promise<APIGatewayProxyStructuredResultV2>;
  functionName: string;
}

/**
 * API Gateway's own payload limit is 10 MB; reading more than that would only let a client
 * exhaust memory. The handler enforces kintone's 1 MB itself.
 */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).byteLength;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Builds an HTTP API payload 2.0 event, as API Gateway does for a Lambda proxy route. */
export function toHttpApiEvent(
  request: IncomingMessage,
  body: Buffer,
  routeKey: string,
): APIGatewayProxyEventV2 {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const queryStringParameters: Record<string, string> = {};
  url.searchParams.forEach((value, key) => {
    queryStringParameters[key] =
      key in queryStringParameters ? `${queryStringParameters[key]},${value}` : value;
  });
  const contentType = headers['content-type'] ?? '';
  const isText = /json|text|xml|x-www-form-urlencoded/.test(contentType) || contentType === '';
  const now = new Date();
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    ...(url.search ? { queryStringParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.byteLength > 0
      ? { body: isText ? body.toString('utf8') : body.toString('base64') }
      : {}),
    isBase64Encoded: body.byteLength > 0 && !isText,
  };
}

function send(response: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const headers = Object.fromEntries(
    Object.entries(result.headers ?? {}).map(([key, value]) => [key, String(value)]),
  );
  response.writeHead(result.statusCode ?? 200, headers);
  response.end(
    result.isBase64Encoded && result.body
      ? Buffer.from(result.body, 'base64')
      : (result.body ?? ''),
  );
}

/**
 * A local stand-in for API Gateway's HTTP API: routes requests to the same handlers the
 * Lambda functions export, with the same event and response shapes.
 */
export async function startHttpBridge(options: {
  port: number;
  routes: LocalRoute[];
  /** Extra read-only pages of the local stack (status, dead letters), answered as JSON. */
  pages?: Record<string, () => unknown>;
  log?: (line: string) => void;
}): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const route = options.routes.find((candidate) => candidate.path === url.pathname);
      if (!route) {
        const page = request.method === 'GET' ? options.pages?.[url.pathname] : undefined;
        const found = page !== undefined;
        response.writeHead(found ? 200 : 404, {
          'content-type': 'application/json; charset=utf-8',
        });
        response.end(
          JSON.stringify(
            found
              ? page()
              : { error: { code: 'not_found', message: `No route for ${url.pathname}` } },
            null,
            2,
          ),
        );
        return;
      }
      if (request.method !== route.method) {
        send(response, { statusCode: 405, headers: { allow: route.method }, body: '' });
        return;
      }
      const body = await readBody(request);
      if (body === undefined) {
        send(response, { statusCode: 413, body: '' });
        return;
      }
      const event = toHttpApiEvent(request, body, `${route.method} ${route.path}`);
      const result = await route.handler(event, localLambdaContext(route.functionName));
      options.log?.(`${route.method} ${route.path} -> ${result.statusCode ?? 200}`);
      send(response, result);
    })().catch((error: unknown) => {
      options.log?.(
        `local HTTP bridge failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
