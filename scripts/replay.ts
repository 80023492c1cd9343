import { SQSClient } from '@aws-sdk/client-sqs';
import { parseArgs } from 'node:util';
import {
  formatReplayed,
  replayAws,
  replayLocal,
  ReplayError,
  type ReplayReport,
} from './lib/replay';
import { regionOfQueueUrl, SqsClientReplayQueue } from './lib/replay-sqs';

const USAGE = `Moves dead-lettered notifications back to the queue, once the cause is fixed.

Local stack (stop it first; the moved notifications run on the next npm start):
  npm run replay -- --local [--data-dir .data] [--ids ID1,ID2] [--dry-run]

AWS (credentials from the usual AWS CLI settings; the region is read from the URL):
  npm run replay -- --dlq-url URL --queue-url URL [--max N] [--dry-run]

A replayed notification that the bridge already completed is skipped by the bridge.`;

function fail(message: string, code = 1): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function summarise(report: ReplayReport, printed: boolean, where: string): void {
  if (!printed) {
    for (const message of report.messages) {
      process.stdout.write(`${formatReplayed(message, report.dryRun)}\n`);
    }
  }
  for (const id of report.notFound) {
    process.stdout.write(`not found  ${id}  (no dead letter with this message id)\n`);
  }
  const count = report.messages.length;
  process.stdout.write(
    report.dryRun
      ? `dry run: ${count} message(s) would move from ${where}; nothing was moved\n`
      : `${count} message(s) moved from ${where}\n`,
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      local: { type: 'boolean', default: false },
      'data-dir': { type: 'string', default: '.data' },
      ids: { type: 'string' },
      'dlq-url': { type: 'string' },
      'queue-url': { type: 'string' },
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

  if (values.local) {
    const ids = values.ids
      ?.split(',')
      .map((id) => id.trim())
      .filter(Boolean);
    const report = replayLocal({ dataDir: values['data-dir'], dryRun, ...(ids ? { ids } : {}) });
    summarise(report, false, `${values['data-dir']}/queue dead letters`);
    if (!dryRun && report.messages.length > 0) {
      process.stdout.write('start the local stack (npm start) to deliver them\n');
    }
    return;
  }

  const dlqUrl = values['dlq-url'];
  const queueUrl = values['queue-url'];
  if (!dlqUrl || !queueUrl)
    fail(`--local, or both --dlq-url and --queue-url, are required\n\n${USAGE}`, 2);
  let max: number | undefined;
  if (values.max !== undefined) {
    max = Number(values.max);
    if (!Number.isInteger(max) || max < 1) fail('--max must be a positive whole number', 2);
  }
  const region = regionOfQueueUrl(queueUrl);
  const client = new SQSClient(region ? { region } : {});
  try {
    const report = await replayAws({
      sqs: new SqsClientReplayQueue(client),
      dlqUrl,
      queueUrl,
      dryRun,
      ...(max !== undefined ? { max } : {}),
      onMessage: (message) => process.stdout.write(`${formatReplayed(message, dryRun)}\n`),
    });
    summarise(report, true, dlqUrl);
    if (report.messages.length > 0) {
      process.stdout.write(
        'SQS keeps no error text: search the dispatch function logs for correlation_id = the notification id\n',
      );
    }
  } finally {
    client.destroy();
  }
}

main().catch((error: unknown) => {
  fail(
    error instanceof ReplayError
      ? error.message
      : `replay failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
});
