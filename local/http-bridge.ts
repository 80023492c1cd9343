import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { localLambdaContext } from './lambda-context';
import { listenOn } from './listen';

/** A route of the local HTTP API: the same Lambda handler API Gateway would invoke. */
export interface LocalRoute {
  method: string;
  /**
   * The route's path as API Gateway writes it: exact (`/webhooks/kintone`), or with `{name}`
   * segments (`/o/{token}`) that match one non-empty segment each and are passed to the
   * handler as `pathParameters.name`.
   */
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

const PATH_PARAMETER = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/**
 * Matches a request path against a route path; the path parameters when it matches (empty for
 * an exact route), undefined when it does not.
 *
 * @example
 * matchRoutePath('/o/{token}', '/o/PO-1.abc.def'); // { token: 'PO-1.abc.def' }
 * matchRoutePath('/o/{token}', '/o/a/b'); // undefined
 */
export function matchRoutePath(
  routePath: string,
  requestPath: string,
): Record<string, string> | undefined {
  const routeSegments = routePath.split('/');
  const requestSegments = requestPath.split('/');
  if (routeSegments.length !== requestSegments.length) return undefined;
  const parameters: Record<string, string> = {};
  for (const [index, routeSegment] of routeSegments.entries()) {
    const requestSegment = requestSegments[index] ?? '';
    const parameter = PATH_PARAMETER.exec(routeSegment)?.[1];
    if (parameter === undefined) {
      if (routeSegment !== requestSegment) return undefined;
      continue;
    }
    if (requestSegment === '') return undefined;
    try {
      parameters[parameter] = decodeURIComponent(requestSegment);
    } catch {
      return undefined;
    }
  }
  return parameters;
}

/** Builds an HTTP API payload 2.0 event, as API Gateway does for a Lambda proxy route. */
export function toHttpApiEvent(
  request: IncomingMessage,
  body: Buffer,
  routeKey: string,
  pathParameters: Record<string, string> = {},
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
    ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
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
      const matching = options.routes.flatMap((candidate) => {
        const parameters = matchRoutePath(candidate.path, url.pathname);
        return parameters ? [{ route: candidate, parameters }] : [];
      });
      if (matching.length === 0) {
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
      const matched = matching.find((candidate) => candidate.route.method === request.method);
      if (!matched) {
        const allow = matching.map((candidate) => candidate.route.method).join(', ');
        send(response, { statusCode: 405, headers: { allow }, body: '' });
        return;
      }
      const { route, parameters } = matched;
      const body = await readBody(request);
      if (body === undefined) {
        send(response, { statusCode: 413, body: '' });
        return;
      }
      const event = toHttpApiEvent(request, body, `${route.method} ${route.path}`, parameters);
      const result = await route.handler(event, localLambdaContext(route.functionName));
      // The route path, not the request's: a page's path carries its signed token.
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
  const port = await listenOn(server, {
    port: options.port,
    host: '127.0.0.1',
    service: 'bridge HTTP API',
  });
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
