import type { Context, ScheduledEvent } from 'aws-lambda';
import type { SendDueOrdersHandler } from './handler';
import { wireSendDueOrdersFromEnv } from './wiring';

let wired: SendDueOrdersHandler | undefined;

/** Lambda entry point; wiring happens on the first invocation and is reused while warm. */
export const handler = (event: ScheduledEvent, context: Context) => {
  wired ??= wireSendDueOrdersFromEnv(process.env);
  return wired(event, context);
};
