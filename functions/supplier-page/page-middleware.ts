import type { MiddlewareObj, Request } from '@middy/core';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { HttpError } from '../../shared/edge/http-errors';
import type { BridgeLogger } from '../../shared/ports/logger';
import { invalidLinkPage, renderMessagePage } from '../../shared/documents/order-page';
import { newNonce, pageSecurityHeaders } from '../../shared/edge/page-security';
import { langFrom, pageText, type PageLang } from '../../shared/documents/page-text';
import {
  FormTooLargeError,
  InvalidOrderLinkError,
  NotAFormError,
  TooManyAnswersError,
} from './page-errors';
import { refusalText } from './page-messages';

/** The Lambda context of an order page request, with the nonce of this response's CSP. */
export interface SupplierPageContext extends Context {
  cspNonce: string;
}

type PageMiddleware = MiddlewareObj<
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Error,
  SupplierPageContext
>;
type PageRequest = Request<
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Error,
  SupplierPageContext
>;

/**
 * Gives every response the order page's security headers (CSP, no referrer, no framing, no
 * caching, HTML): pages, redirects and error pages alike. Before the handler it draws the CSP
 * nonce for this response and puts it on the context as `cspNonce`, where the handler and the
 * error middleware find it. Use it first, so that its `after` and `onError` run last.
 *
 * @example
 * middy(handler).use(pageSecurity()).use(pageErrorHandler({ logger }));
 */
export function pageSecurity(options: { newNonce?: () => string } = {}): PageMiddleware {
  const draw = options.newNonce ?? newNonce;
  const before = (request: PageRequest): void => {
    request.context.cspNonce = draw();
  };
  const addHeaders = (request: PageRequest): void => {
    const { response } = request;
    if (!response) return;
    request.response = {
      ...response,
      headers: { ...response.headers, ...pageSecurityHeaders(request.context.cspNonce) },
    };
  };
  return { before, after: addHeaders, onError: addHeaders };
}

/**
 * Turns refusals into pages in the supplier's language: an invalid link into the one
 * invalid-link page (404), the rate limit into 429 with Retry-After, anything unexpected into
 * a 500 page that says to try again, with the details in the log only.
 */
export function pageErrorHandler(options: { logger: BridgeLogger }): PageMiddleware {
  const { logger } = options;
  const onError = (request: PageRequest): void => {
    const { error } = request;
    const lang = langFrom(request.event.queryStringParameters?.lang);
    const cspNonce = request.context.cspNonce;
    if (error instanceof InvalidOrderLinkError) {
      // Expired links are everyday traffic; the problem says which kind, never the token.
      logger.info('order page link refused', { problem: error.problem });
      request.response = { statusCode: 404, body: invalidLinkPage(lang, cspNonce) };
      return;
    }
    if (error instanceof HttpError) {
      logger.warn('order page request refused', {
        statusCode: error.statusCode,
        code: error.code,
        reason: error.message,
      });
      request.response = {
        statusCode: error.statusCode,
        ...(error instanceof TooManyAnswersError
          ? { headers: { 'retry-after': String(error.retryAfterSeconds) } }
          : {}),
        body: refusalPage(error, lang, cspNonce),
      };
      return;
    }
    logger.error('order page request failed', {
      error:
        error instanceof Error
          ? { name: error.name, message: error.message, stack: error.stack }
          : String(error),
    });
    const t = pageText(lang);
    request.response = {
      statusCode: 500,
      body: renderMessagePage({
        lang,
        title: t.failureTitle,
        message: t.failureMessage,
        cspNonce,
        status: 'error',
      }),
    };
  };
  return { onError };
}

function refusalPage(error: HttpError, lang: PageLang, cspNonce: string): string {
  const refusal = refusalText(lang);
  const t = pageText(lang);
  const [title, message] =
    error instanceof TooManyAnswersError
      ? [refusal.tooManyTitle, refusal.tooManyMessage]
      : error instanceof FormTooLargeError
        ? [refusal.tooLargeTitle, refusal.tooLargeMessage]
        : error instanceof NotAFormError
          ? [refusal.notAFormTitle, refusal.notAFormMessage]
          : [t.failureTitle, t.failureMessage];
  return renderMessagePage({ lang, title, message, cspNonce, status: 'error' });
}
