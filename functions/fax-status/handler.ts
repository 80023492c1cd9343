import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import {
  recordFaxStatus,
  type FaxStatusRecordDeps,
} from '../../shared/use-cases/record-fax-status';
import {
  parsePhaxioCallback,
  PhaxioCallbackError,
  PHAXIO_SIGNATURE_HEADER,
  readPhaxioCallbackForm,
  verifyPhaxioSignature,
} from '../../shared/edge/phaxio-callback';
import { BadRequestError, HttpError, PayloadTooLargeError } from '../../shared/edge/http-errors';
import { httpErrorHandler, jsonResponse } from '../../shared/edge/http-error-handler';
import { requestBody, requestHeader } from '../../shared/edge/request';

/** Phaxio's send-status callbacks carry JSON fields and no files; 1 MB is plenty. */
export const MAX_CALLBACK_BYTES = 1024 * 1024;

export interface FaxStatusDeps extends FaxStatusRecordDeps {
  logger: Logger;
  /** The callback URL exactly as submitted with each fax, and the token that signs callbacks. */
  callback: () => Promise<{ callbackUrl: string; callbackToken: string }>;
  powertoolsMetrics?: Metrics;
}

export type FaxStatusHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

class ForbiddenError extends HttpError {
  override readonly name = 'ForbiddenError';
  constructor() {
    super(403, 'forbidden', 'The X-Phaxio-Signature does not match this callback.');
  }
}

/**
 * `POST /webhooks/fax`: Phaxio's status callback. The signature (HMAC over the URL, the form
 * fields and files, with the callback token) is verified before anything is read from the body
 * or stored; then the fax's final status is recorded on its order.
 */
export function makeFaxStatusHandler(deps: FaxStatusDeps) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const body = requestBody(event);
    if (body.byteLength > MAX_CALLBACK_BYTES) throw new PayloadTooLargeError(MAX_CALLBACK_BYTES);
    let form;
    try {
      form = await readPhaxioCallbackForm(body, requestHeader(event, 'content-type') ?? '');
    } catch (error) {
      if (error instanceof PhaxioCallbackError) throw new BadRequestError(error.message);
      throw error;
    }
    const { callbackUrl, callbackToken } = await deps.callback();
    const valid = verifyPhaxioSignature({
      url: callbackUrl,
      fields: form.fields,
      files: form.files,
      token: callbackToken,
      signature: requestHeader(event, PHAXIO_SIGNATURE_HEADER),
    });
    if (!valid) throw new ForbiddenError();
    let update;
    try {
      update = parsePhaxioCallback(form.fields, { receivedAt: deps.now() });
    } catch (error) {
      if (error instanceof PhaxioCallbackError) throw new BadRequestError(error.message);
      throw error;
    }
    deps.logger.appendKeys({ correlation_id: update.orderNumber ?? update.faxId });
    const outcome = await recordFaxStatus(update, deps);
    return jsonResponse(200, { status: outcome.result, orderNumber: outcome.orderNumber });
  };
}

export function createFaxStatusHandler(deps: FaxStatusDeps): FaxStatusHandler {
  const handler = middy(makeFaxStatusHandler(deps))
    .use(injectLambdaContext(deps.logger, { resetKeys: true }))
    .use(httpErrorHandler({ logger: deps.logger }));
  if (deps.powertoolsMetrics) handler.use(logMetrics(deps.powertoolsMetrics));
  return handler as FaxStatusHandler;
}
