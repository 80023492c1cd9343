import type { Context, SQSEvent } from 'aws-lambda';
import type { SendFaxHandler } from './handler';
import { wireSendFaxFromEnv } from './wiring';

let wired: SendFaxHandler | undefined;

/** Lambda entry point; wiring happens on the first invocation and is reused while warm. */
export const handler = (event: SQSEvent, context: Context) => {
  wired ??= wireSendFaxFromEnv(process.env);
  return wired(event, context);
};
