import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { BridgeLogger } from '../ports/logger';
import { HttpError } from './http-errors';

export const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

/** A JSON response in API Gateway's payload 2.0 shape. */
export function jsonResponse(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { ...JSON_HEADERS }, body: JSON.stringify(body) };
}

/**
 * Maps {@link HttpError}s to their status and message; anything else becomes a 500 whose body
 * says nothing about the internals (they are logged instead).
 */
export function httpErrorHandler(options: {
  logger: BridgeLogger;
}): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  const onError: NonNullable<
    MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>['onError']
  > = async (request) => {
    const { error } = request;
    if (error instanceof HttpError) {
      options.logger.warn('request rejected', {
        statusCode: error.statusCode,
        code: error.code,
        reason: error.message,
      });
      request.response = jsonResponse(error.statusCode, {
        error: { code: error.code, message: error.message },
      });
      return;
    }
    options.logger.error('request failed', {
      error:
        error instanceof Error
          ? { name: error.name, message: error.message, stack: error.stack }
          : String(error),
    });
    request.response = jsonResponse(500, {
      error: {
        code: 'internal_error',
        message:
          'The bridge could not accept the notification; it was not queued. kintone may be told to resend it.',
      },
    });
  };
  return { onError };
}
