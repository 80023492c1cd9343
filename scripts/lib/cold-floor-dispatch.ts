import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { KintoneRestAPIClient } from '@kintone/rest-api-client';
import middy from '@middy/core';
import type { SQSEvent } from 'aws-lambda';

/**
 * A floor of `npm run bench:cold` (issue 13): the least a dispatch function written with this
 * project's chosen parts must bundle: the official kintone REST client, the DynamoDB document
 * client, SES and SQS (the fax hand-over), with middy and the Powertools Logger. It reads a
 * record, reads a state, sends a mail and queues a message, and has none of the bridge's own
 * code (no configuration, schemas, calendar, fax numbers or metrics).
 */
const logger = new Logger();
const table = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const ses = new SESClient({});
const sqs = new SQSClient({});

export const handler = middy(async (event: SQSEvent) => {
  const kintone = new KintoneRestAPIClient({
    baseUrl: process.env.KINTONE_BASE_URL,
    auth: { apiToken: process.env.KINTONE_API_TOKEN ?? '' },
  });
  for (const message of event.Records) {
    const { record } = await kintone.record.getRecord({ app: '1', id: message.body });
    await table.send(
      new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: message.body } }),
    );
    await ses.send(
      new SendEmailCommand({
        Source: 'bridge@example.com',
        Destination: { ToAddresses: ['supplier@example.com'] },
        Message: { Subject: { Data: 'order' }, Body: { Text: { Data: JSON.stringify(record) } } },
      }),
    );
    await sqs.send(new SendMessageCommand({ QueueUrl: process.env.QUEUE_URL, MessageBody: '{}' }));
  }
}).use(injectLambdaContext(logger));
