import type { ScheduledEvent } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { readFileSync } from 'node:fs';
import { createSweepHandler } from '../../functions/sweep/handler';
import { parseConfig } from '../../shared/config/load-config';
import type { InventoryReader } from '../../shared/ports/inventory-reader';
import { lambdaContext } from '../support/api-gateway';
import { RecordingNotificationQueue } from '../fakes/recording-queue';

function scheduled(): ScheduledEvent {
  return {
    version: '0',
    id: 'sweep-run-1',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '123456789012',
    time: '2026-12-01T01:00:00Z',
    region: 'ap-northeast-1',
    resources: ['arn:aws:events:ap-northeast-1:123456789012:rule/stock-alert-bridge-sweep'],
    detail: {},
  };
}

function handlerWith(sweep: Record<string, unknown>) {
  const raw = JSON.parse(readFileSync('config/demo.json', 'utf8')) as Record<string, unknown>;
  const config = parseConfig({ ...raw, sweep });
  const read: string[] = [];
  const reader: InventoryReader = {
    read: (appId) => {
      read.push(appId);
      return {
        calls: 2,
        restarts: 0,
        async *[Symbol.asyncIterator]() {
          yield { records: [] };
        },
      };
    },
  };
  const handler = createSweepHandler({
    config,
    reader,
    items: { load: async (keys) => keys.map((key) => ({ key, cycle: 1 })) },
    queue: new RecordingNotificationQueue(),
    logger: new Logger({ logLevel: 'SILENT' }),
    now: () => new Date('2026-12-01T01:00:00Z'),
  });
  return { handler, read };
}

describe('the sweep handler', () => {
  it('reads every configured app once per run', async () => {
    const { handler, read } = handlerWith({});

    const result = await handler(scheduled(), lambdaContext);

    expect(read).toEqual(['12', '15']);
    expect(result).toMatchObject({ records: 0, queued: 0, calls: 4, stoppedEarly: false });
  });

  it('reads nothing when the configuration switches the sweep off', async () => {
    const { handler, read } = handlerWith({ enabled: false });

    const result = await handler(scheduled(), lambdaContext);

    expect(result).toEqual({ disabled: true });
    expect(read).toEqual([]);
  });
});
