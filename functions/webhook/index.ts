import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { WebhookHandler } from './handler';
import { wireWebhookFromEnv } from './wiring';

let wired: WebhookHandler | undefined;

/** Lambda entry point; wiring happens on the first invocation and is reused while warm. */
export const handler = (event: APIGatewayProxyEventV2, context: Context) => {
  wired ??= wireWebhookFromEnv(process.env);
  return wired(event, context);
};
