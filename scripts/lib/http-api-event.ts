import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

/**
 * What a test or benchmark varies in an HTTP API request; everything else is a realistic
 * default.
 */
export interface HttpApiEventOptions {
  body?: string;
  /** The `token` query string parameter; left out of the URL when undefined. */
  token?: string;
  method?: string;
  path?: string;
  isBase64Encoded?: boolean;
}

/**
 * An API Gateway HTTP API (payload format 2.0) event as the webhook function receives it from
 * kintone: `POST /webhooks/kintone?token=...` with a JSON body. The tests (through
 * test/support/api-gateway.ts) and scripts/bench-webhook.ts invoke handlers with it.
 *
 * @example
 * const event = httpApiEvent({ body: JSON.stringify(notification), token: 'secret' });
 */
export function httpApiEvent(options: HttpApiEventOptions): APIGatewayProxyEventV2 {
  const method = options.method ?? 'POST';
  const path = options.path ?? '/webhooks/kintone';
  const rawQueryString =
    options.token === undefined ? '' : `token=${encodeURIComponent(options.token)}`;
  const bodyLength =
    options.body === undefined
      ? 0
      : Buffer.byteLength(options.body, options.isBase64Encoded ? 'base64' : 'utf8');
  return {
    version: '2.0',
    routeKey: `${method} /webhooks/kintone`,
    rawPath: path,
    rawQueryString,
    headers: {
      accept: '*/*',
      'content-length': String(bodyLength),
      'content-type': 'application/json; charset=utf-8',
      host: 'abc123def4.execute-api.ap-northeast-1.amazonaws.com',
      'user-agent': 'kintone-webhook',
      'x-amzn-trace-id': 'Root=1-6752a1b0-0123456789abcdef01234567',
      'x-forwarded-for': '203.0.113.10',
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
    },
    ...(options.token === undefined ? {} : { queryStringParameters: { token: options.token } }),
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123def4',
      domainName: 'abc123def4.execute-api.ap-northeast-1.amazonaws.com',
      domainPrefix: 'abc123def4',
      http: {
        method,
        path,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.10',
        userAgent: 'kintone-webhook',
      },
      requestId: 'Cj3kTgXYtjMEJ2g=',
      routeKey: `${method} /webhooks/kintone`,
      stage: '$default',
      time: '28/Nov/2026:02:15:01 +0000',
      timeEpoch: 1795832101000,
    },
    ...(options.body === undefined ? {} : { body: options.body }),
    isBase64Encoded: options.isBase64Encoded ?? false,
  };
}

/** The request id of {@link webhookLambdaContext} when the caller gives none. */
export const DEFAULT_AWS_REQUEST_ID = 'c6af9ac6-7b61-11e6-9a41-93e812345678';

/**
 * A Lambda context of the webhook function with every field filled in, for handlers that are
 * invoked in-process; a benchmark gives each invocation its own `awsRequestId`.
 */
export function webhookLambdaContext(awsRequestId = DEFAULT_AWS_REQUEST_ID): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'stock-alert-bridge-webhook',
    functionVersion: '$LATEST',
    invokedFunctionArn:
      'arn:aws:lambda:ap-northeast-1:123456789012:function:stock-alert-bridge-webhook',
    memoryLimitInMB: '256',
    awsRequestId,
    logGroupName: '/aws/lambda/stock-alert-bridge-webhook',
    logStreamName: '2026/11/28/[$LATEST]abcdef0123456789abcdef0123456789',
    getRemainingTimeInMillis: () => 29_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
