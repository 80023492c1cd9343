import type { Context, ScheduledEvent } from 'aws-lambda';
import type { SweepHandler } from './handler';
import { wireSweepFromEnv } from './wiring';

let wired: SweepHandler | undefined;

/** Lambda entry point; wiring happens on the first invocation and is reused while warm. */
export const handler = (event: ScheduledEvent, context: Context) => {
  wired ??= wireSweepFromEnv(process.env);
  return wired(event, context);
};
