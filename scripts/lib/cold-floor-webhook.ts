import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { notificationSchema } from '../../shared/kintone/notification';

/**
 * A floor of `npm run bench:cold` (issue 13): the least a webhook function written with this
 * project's chosen parts must bundle. It validates the body with the bridge's notification
 * schema (validation at the edge) and queues it with the real SQS client; nothing else (no
 * tokens, no metrics, no claim checks). Whatever the webhook bundles above this is the bridge's.
 */
const logger = new Logger();
const sqs = new SQSClient({});

export const handler = middy(async (event: APIGatewayProxyEventV2) => {
  const parsed = notificationSchema.safeParse(JSON.parse(event.body ?? ''));
  if (!parsed.success) return { statusCode: 400, body: '' };
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: process.env.QUEUE_URL,
      MessageBody: JSON.stringify(parsed.data),
      MessageGroupId: parsed.data.app.id,
    }),
  );
  return { statusCode: 200, body: '' };
}).use(injectLambdaContext(logger));
