import { SQSClient } from '@aws-sdk/client-sqs';
import { parseArgs } from 'node:util';
import {
  formatParked,
  formatReplayed,
  handleParked,
  localParkedSender,
  replayAws,
  replayLocal,
  ReplayError,
  skipLocal,
  withFailures,
  type ParkedSender,
  type ReplayReport,
} from './lib/replay';
import {
  openAwsFailureLog,
  openLocalFailureLog,
  type OpenedFailureLog,
} from './lib/replay-failure-log';
import { regionOfQueueUrl, SqsClientReplayQueue } from './lib/replay-sqs';
import { errorText, fail } from './lib/cli';

const USAGE = `Moves dead-lettered notifications back to the queue, once the cause is fixed, or
skips one; lists and re-queues parked notifications. Each line says what happened to the
message and why it had failed (from the bridge's failure log).

Local stack (stop it first; the moved notifications run on the next npm start; while it runs,
http://127.0.0.1:3000/dead-letters does the same with a click):
  npm run replay -- --local [--data-dir .data] [--ids ID1,ID2 | --message-id ID | --notification-id ID] [--dry-run]
  npm run replay -- --local --skip ID                  (delete one dead letter: message or notification id)
  npm run replay -- --local --parked                   (list parked notifications)
  npm run replay -- --local --parked --notification-id ID | --all   (re-queue one, or all)
  npm run replay -- --local --parked --skip ID         (forget a parked notification)

AWS (credentials from the usual AWS CLI settings; the region is read from the URL):
  npm run replay -- --dlq-url URL --queue-url URL [--table NAME] [--max N] [--message-id ID | --notification-id ID] [--dry-run]
  npm run replay -- --dlq-url URL --queue-url URL [--table NAME] --skip ID
  npm run replay -- --queue-url URL --table NAME --parked [--notification-id ID | --all | --skip ID]

--table is the bridge table (TABLE_NAME of the dispatch function; also read from TABLE_NAME),
--dynamodb-endpoint (or DYNAMODB_ENDPOINT) another DynamoDB endpoint.
A replayed notification that the bridge already completed is skipped by the bridge.`;

function summarise(
  report: ReplayReport,
  printed: boolean,
  where: string,
  verb: 'moved' | 'skipped' = 'moved',
): void {
  if (!printed) {
    for (const message of report.messages) {
      process.stdout.write(`${formatReplayed(message, report.dryRun)}\n`);
    }
  }
  for (const id of report.notFound) {
    process.stdout.write(
      `not found  ${id}  (no dead letter with this message or notification id)\n`,
    );
  }
  const count = report.messages.length;
  process.stdout.write(
    report.dryRun
      ? `dry run: ${count} message(s) would be ${verb} from ${where}; nothing was changed\n`
      : `${count} message(s) ${verb} from ${where}\n`,
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      local: { type: 'boolean', default: false },
      'data-dir': { type: 'string', default: '.data' },
      ids: { type: 'string' },
      'message-id': { type: 'string' },
      'notification-id': { type: 'string' },
      skip: { type: 'string' },
      parked: { type: 'boolean', default: false },
      all: { type: 'boolean', default: false },
      'dlq-url': { type: 'string' },
      'queue-url': { type: 'string' },
      table: { type: 'string' },
      'dynamodb-endpoint': { type: 'string' },
      max: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const dryRun = values['dry-run'];
  const ids = [
    ...(values.ids
      ?.split(',')
      .map((id) => id.trim())
      .filter(Boolean) ?? []),
    ...(values['message-id'] ? [values['message-id']] : []),
    ...(values['notification-id'] ? [values['notification-id']] : []),
  ];
  const selection = ids.length > 0 ? { ids } : {};
  const skip = values.skip?.trim();
  if (values.skip !== undefined && !skip) fail('--skip needs a message or notification id', 2);
  if (skip && ids.length > 0) fail('--skip takes its id itself; leave out --ids/--message-id', 2);

  if (values.local) {
    const dataDir = values['data-dir'];
    const log = await openLocalFailureLog(dataDir);
    try {
      process.stdout.write(`${log.note}\n`);
      if (values.parked) {
        await parked(log, ids, skip, values.all, dryRun, () => localParkedSender(dataDir));
        return;
      }
      if (skip) {
        const report = await skipLocal({ dataDir, ids: [skip], dryRun }, log.failures);
        summarise(report, false, `${dataDir}/queue dead letters`, 'skipped');
        return;
      }
      const report = await withFailures(
        replayLocal({ dataDir, dryRun, ...selection }),
        log.failures,
      );
      summarise(report, false, `${dataDir}/queue dead letters`);
      if (!dryRun && report.messages.length > 0) {
        process.stdout.write('start the local stack (npm start) to deliver them\n');
      }
    } finally {
      await log.close();
    }
    return;
  }

  const dlqUrl = values['dlq-url'];
  const queueUrl = values['queue-url'];
  const region = queueUrl ? regionOfQueueUrl(queueUrl) : undefined;
  const tableName = values.table ?? process.env.TABLE_NAME;
  const endpoint = values['dynamodb-endpoint'] ?? process.env.DYNAMODB_ENDPOINT;
  if (values.parked) {
    if (!queueUrl || !tableName) {
      fail(`--parked needs --queue-url and --table (or TABLE_NAME)\n\n${USAGE}`, 2);
    }
    const log = openAwsFailureLog({ tableName, region, endpoint });
    const client = new SQSClient(region ? { region } : {});
    try {
      const sqs = new SqsClientReplayQueue(client);
      await parked(log, ids, skip, values.all, dryRun, () => async (message) => {
        const { messageId } = await sqs.send(queueUrl, message);
        return messageId;
      });
    } finally {
      client.destroy();
      await log.close();
    }
    return;
  }
  if (!dlqUrl || !queueUrl)
    fail(`--local, or both --dlq-url and --queue-url, are required\n\n${USAGE}`, 2);
  let max: number | undefined;
  if (values.max !== undefined) {
    max = Number(values.max);
    if (!Number.isInteger(max) || max < 1) fail('--max must be a positive whole number', 2);
  }
  const client = new SQSClient(region ? { region } : {});
  const log = openAwsFailureLog({ tableName, region, endpoint });
  try {
    process.stdout.write(`${log.note}\n`);
    const report = await replayAws({
      sqs: new SqsClientReplayQueue(client),
      dlqUrl,
      queueUrl,
      dryRun,
      ...(max !== undefined ? { max } : {}),
      ...(skip ? { ids: [skip], skip: true } : selection),
      ...(log.failures ? { failures: log.failures } : {}),
      onMessage: (message) => process.stdout.write(`${formatReplayed(message, dryRun)}\n`),
    });
    summarise(report, true, dlqUrl, skip ? 'skipped' : 'moved');
    if (report.messages.some((message) => message.attempts === undefined)) {
      process.stdout.write(
        'for a message without a recorded failure, search the dispatch function logs for correlation_id = the notification id\n',
      );
    }
  } finally {
    client.destroy();
    await log.close();
  }
}

/** `--parked`: lists, re-queues (`--notification-id`, `--all`) or skips (`--skip`) parked ones. */
async function parked(
  log: OpenedFailureLog,
  ids: string[],
  skip: string | undefined,
  all: boolean,
  dryRun: boolean,
  sender: () => ParkedSender,
): Promise<void> {
  const { failures } = log;
  if (!failures) fail('there is no failure log to read parked notifications from', 1);
  const action = skip ? 'skip' : ids.length > 0 || all ? 'requeue' : 'list';
  const wanted = skip ? [skip] : ids.length > 0 ? ids : undefined;
  const { results, notFound } = await handleParked({
    failures,
    action,
    dryRun,
    ...(wanted ? { ids: wanted } : {}),
    ...(action === 'requeue' && !dryRun ? { send: sender() } : {}),
    onResult: (result) => process.stdout.write(`${formatParked(result)}\n`),
  });
  for (const id of notFound) {
    process.stdout.write(`not found  ${id}  (no parked notification with this id)\n`);
  }
  const count = results.length;
  const summary = {
    list: `${count} parked notification(s); re-queue one with --notification-id ID, all with --all, forget one with --skip ID`,
    requeue: dryRun
      ? `dry run: ${count} parked notification(s) would be re-queued; nothing was sent`
      : `${results.filter((r) => r.outcome === 'requeued').length} parked notification(s) re-queued`,
    skip: dryRun
      ? `dry run: ${count} parked notification(s) would be skipped; nothing was deleted`
      : `${count} parked notification(s) skipped`,
  }[action];
  process.stdout.write(`${summary}\n`);
}

main().catch((error: unknown) => {
  fail(error instanceof ReplayError ? error.message : `replay failed: ${errorText(error)}`, 1);
});
