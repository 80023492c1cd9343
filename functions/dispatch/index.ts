import type { Context, SQSEvent } from 'aws-lambda';
import type { DispatchHandler } from './handler';
import { wireDispatchFromEnv } from './wiring';

let wired: DispatchHandler | undefined;

/** Lambda entry point; wiring happens on the first invocation and is reused while warm. */
export const handler = (event: SQSEvent, context: Context) => {
  wired ??= wireDispatchFromEnv(process.env);
  return wired(event, context);
};
