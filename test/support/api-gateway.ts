import type { Context } from 'aws-lambda';
import { webhookLambdaContext } from '../../scripts/lib/http-api-event';

// The HTTP API events the handler tests invoke with are built in scripts/lib/http-api-event.ts,
// which scripts/bench-webhook.ts shares: the benchmark times the requests the tests check.
export { httpApiEvent, type HttpApiEventOptions } from '../../scripts/lib/http-api-event';

/** A Lambda context with every field filled in, for handlers that are invoked in-process. */
export const lambdaContext: Context = webhookLambdaContext();
