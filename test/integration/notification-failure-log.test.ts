import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { BridgeStoreInputError } from '../../shared/adapters/dynamodb/table-rules';
import {
  DynamoDbNotificationFailureLog,
  FAILURE_TTL_DAYS,
  MAX_FAILURE_ERROR_LENGTH,
} from '../../shared/adapters/dynamodb/dynamodb-notification-failure-log';
import type {
  FailedAttempt,
  NotificationFailureLog,
} from '../../shared/ports/notification-failures';
import { InMemoryNotificationFailureLog } from '../fakes/in-memory-notification-failure-log';
import { useBridgeTables } from '../support/dynalite';

const BODY = '{"id":"n-1","type":"UPDATE_RECORD","app":{"id":"12"}}';

function attempt(overrides: Partial<FailedAttempt> = {}): FailedAttempt {
  return {
    notificationId: 'n-1',
    messageId: 'm-1',
    appId: '12',
    recordId: '7',
    type: 'UPDATE_RECORD',
    error: 'kintone 503 Service Unavailable',
    disposition: 'retrying',
    attempt: 1,
    at: '2026-11-29T06:00:00.000Z',
    ...overrides,
  };
}

const tables = useBridgeTables('failure-log-test');

async function newDynamoLog(): Promise<{ log: DynamoDbNotificationFailureLog; tableName: string }> {
  const tableName = await tables.newTable();
  return {
    log: new DynamoDbNotificationFailureLog({ client: tables.documentClient, tableName }),
    tableName,
  };
}

const implementations: { name: string; create: () => Promise<NotificationFailureLog> }[] = [
  {
    name: 'DynamoDbNotificationFailureLog on dynalite',
    create: async () => (await newDynamoLog()).log,
  },
  {
    name: 'InMemoryNotificationFailureLog',
    create: async () => new InMemoryNotificationFailureLog(),
  },
];

describe.each(implementations)('NotificationFailureLog contract: $name', ({ create }) => {
  let log: NotificationFailureLog;

  beforeEach(async () => {
    log = await create();
  });

  it('knows nothing about a notification that never failed', async () => {
    await expect(log.findFailure('never')).resolves.toBeUndefined();
    await expect(log.listParked()).resolves.toEqual([]);
  });

  it('accumulates attempts, keeps the first failure and takes the rest from the last', async () => {
    // Act
    await log.recordFailure(attempt());
    await log.recordFailure(
      attempt({
        messageId: 'm-1b',
        error: 'SES Throttling: Maximum sending rate exceeded',
        attempt: 2,
        at: '2026-11-29T06:00:05.000Z',
      }),
    );
    await log.recordFailure(
      attempt({
        error: 'SES Throttling again',
        disposition: 'dead-lettered',
        attempt: 3,
        at: '2026-11-29T06:00:10.000Z',
      }),
    );

    // Assess
    await expect(log.findFailure('n-1')).resolves.toEqual({
      notificationId: 'n-1',
      messageId: 'm-1',
      appId: '12',
      recordId: '7',
      type: 'UPDATE_RECORD',
      lastError: 'SES Throttling again',
      disposition: 'dead-lettered',
      attempts: 3,
      firstFailedAt: '2026-11-29T06:00:00.000Z',
      lastFailedAt: '2026-11-29T06:00:10.000Z',
    });
    await expect(log.listParked()).resolves.toEqual([]);
  });

  it('counts every one of concurrent attempts', async () => {
    // Act
    await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        log.recordFailure(attempt({ attempt: index + 1, messageId: `m-${index}` })),
      ),
    );

    // Assess
    await expect(log.findFailure('n-1')).resolves.toMatchObject({ attempts: 8 });
  });

  it('keeps app, record and type an earlier attempt knew when a later one cannot read them', async () => {
    // Act
    await log.recordFailure(attempt());
    await log.recordFailure({
      notificationId: 'n-1',
      messageId: 'm-1',
      error: 'message is not JSON',
      disposition: 'retrying',
      attempt: 2,
      at: '2026-11-29T06:01:00.000Z',
    });

    // Assess
    await expect(log.findFailure('n-1')).resolves.toMatchObject({
      appId: '12',
      recordId: '7',
      type: 'UPDATE_RECORD',
      lastError: 'message is not JSON',
    });
  });

  it('stores the error as one line of bounded length', async () => {
    // Act
    await log.recordFailure(attempt({ error: 'first line\n   at frame (x.ts:1)\n' }));
    await log.recordFailure(attempt({ notificationId: 'n-long', error: 'x'.repeat(10_000) }));
    await log.recordFailure(attempt({ notificationId: 'n-empty', error: '  ' }));

    // Assess
    await expect(log.findFailure('n-1')).resolves.toMatchObject({
      lastError: 'first line at frame (x.ts:1)',
    });
    const long = await log.findFailure('n-long');
    expect(long?.lastError).toHaveLength(MAX_FAILURE_ERROR_LENGTH);
    expect(long?.lastError.endsWith('…')).toBe(true);
    await expect(log.findFailure('n-empty')).resolves.toMatchObject({
      lastError: '(no error text)',
    });
  });

  it('lists parked notifications oldest first, with their bodies', async () => {
    // Act
    await log.recordFailure(
      attempt({
        notificationId: 'n-late',
        disposition: 'parked',
        body: '{"late":true}',
        at: '2026-11-29T08:00:00.000Z',
      }),
    );
    await log.recordFailure(
      attempt({ notificationId: 'n-early', disposition: 'parked', body: BODY }),
    );
    await log.recordFailure(attempt({ notificationId: 'n-retrying' }));

    // Assess
    const parked = await log.listParked();
    expect(parked.map((failure) => [failure.notificationId, failure.body])).toEqual([
      ['n-early', BODY],
      ['n-late', '{"late":true}'],
    ]);
    expect(parked[0]).toMatchObject({ disposition: 'parked', attempts: 1 });
  });

  it('drops the body and the parked listing once a parked notification fails otherwise', async () => {
    // Prepare
    await log.recordFailure(attempt({ disposition: 'parked', body: BODY }));

    // Act: replayed after a fix, it now fails transiently.
    await log.recordFailure(attempt({ attempt: 1, at: '2026-11-29T09:00:00.000Z' }));

    // Assess
    const failure = await log.findFailure('n-1');
    expect(failure).toMatchObject({ disposition: 'retrying', attempts: 2 });
    expect(failure).not.toHaveProperty('body');
    await expect(log.listParked()).resolves.toEqual([]);
  });

  it('forgets a cleared notification, parked or not', async () => {
    // Prepare
    await log.recordFailure(attempt({ disposition: 'parked', body: BODY }));
    await log.recordFailure(attempt({ notificationId: 'n-2' }));

    // Act
    await log.clearFailure('n-1');
    await log.clearFailure('n-never');

    // Assess
    await expect(log.findFailure('n-1')).resolves.toBeUndefined();
    await expect(log.listParked()).resolves.toEqual([]);
    await expect(log.findFailure('n-2')).resolves.toMatchObject({ attempts: 1 });
  });

  it('rejects an attempt without notification id or with a time that is not ISO', async () => {
    await expect(log.recordFailure(attempt({ notificationId: '' }))).rejects.toThrow(
      BridgeStoreInputError,
    );
    await expect(log.recordFailure(attempt({ at: 'yesterday' }))).rejects.toThrow(
      'is not an ISO timestamp',
    );
    await expect(log.findFailure('n-1')).resolves.toBeUndefined();
  });
});

describe('DynamoDbNotificationFailureLog items', () => {
  it('expire after the TTL, counted from the last failure, and carry the bridge key layout', async () => {
    // Prepare
    const { log, tableName } = await newDynamoLog();

    // Act
    await log.recordFailure(attempt());
    await log.recordFailure(attempt({ disposition: 'parked', at: '2026-11-30T06:00:00.000Z' }));

    // Assess
    const { Item } = await tables.documentClient.send(
      new GetCommand({ TableName: tableName, Key: { pk: 'FAILURE#n-1', sk: 'FAILURE' } }),
    );
    expect(Item).toMatchObject({
      expiresAt: Date.parse('2026-11-30T06:00:00.000Z') / 1000 + FAILURE_TTL_DAYS * 86_400,
      gsi1pk: 'PARKED',
      gsi1sk: 'PARKED#2026-11-30T06:00:00.000Z#n-1',
    });
  });

  it('names a stored item of the wrong shape', async () => {
    // Prepare
    const { log, tableName } = await newDynamoLog();
    await log.recordFailure(attempt());
    await tables.documentClient.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: 'FAILURE#n-1', sk: 'FAILURE' },
        UpdateExpression: 'SET disposition = :bad',
        ExpressionAttributeValues: { ':bad': 'lost' },
      }),
    );

    // Act + Assess
    await expect(log.findFailure('n-1')).rejects.toThrow('pk="FAILURE#n-1" sk="FAILURE"');
  });
});
