import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';

/**
 * The reference of `npm run bench:cold` (issue 13): the smallest handler written the way the
 * bridge's functions are, middy with the Powertools Logger and its Lambda-context middleware.
 * Its bundle and cold import say what any function costs before its own code and packages.
 */
const logger = new Logger();

export const handler = middy(async () => ({ statusCode: 200, body: '' })).use(
  injectLambdaContext(logger),
);
