import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { SupplierPageHandler } from './handler';
import { wireSupplierPageFromEnv } from './wiring';

let wired: SupplierPageHandler | undefined;

/** Lambda entry point; wiring happens on the first invocation and is reused while warm. */
export const handler = (event: APIGatewayProxyEventV2, context: Context) => {
  wired ??= wireSupplierPageFromEnv(process.env);
  return wired(event, context);
};
