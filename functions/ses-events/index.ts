import type { Context, SNSEvent } from 'aws-lambda';
import type { SesEventsHandler } from './handler';
import { wireSesEventsFromEnv } from './wiring';

let wired: SesEventsHandler | undefined;

/** Lambda entry point; wiring happens on the first invocation and is reused while warm. */
export const handler = (event: SNSEvent, context: Context) => {
  wired ??= wireSesEventsFromEnv(process.env);
  return wired(event, context);
};
