import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { FaxStatusHandler } from './handler';
import { wireFaxStatusFromEnv } from './wiring';

let wired: FaxStatusHandler | undefined;

/** Lambda entry point; wiring happens on the first invocation and is reused while warm. */
export const handler = (event: APIGatewayProxyEventV2, context: Context) => {
  wired ??= wireFaxStatusFromEnv(process.env);
  return wired(event, context);
};
