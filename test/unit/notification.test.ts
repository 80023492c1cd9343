import { describeIssues } from '../../shared/config/load-config';
import {
  deleteNotificationSchema,
  isRecordNotification,
  NOTIFICATION_TYPES,
  notificationGroupId,
  notificationRecordId,
  notificationSchema,
  recordRevision,
  recordNotificationSchema,
  type KintoneNotification,
} from '../../shared/kintone/notification';
import { loadWebhookFixture, WEBHOOK_FIXTURES } from '../fixtures/kintone-webhooks';

/** The error lines a rejected notification produces, as the webhook answers them. */
function rejectionOf(raw: unknown): string {
  const result = notificationSchema.safeParse(raw);
  if (result.success) throw new Error('expected the notification to be rejected');
  return describeIssues(result.error.issues);
}

function parsed(raw: unknown): KintoneNotification {
  return notificationSchema.parse(raw);
}

/** The update fixture's record, typed loosely for tests that break it. */
function lowRecord(raw: Record<string, unknown>): Record<string, unknown> {
  return raw.record as Record<string, unknown>;
}

describe('notificationSchema', () => {
  it.each(WEBHOOK_FIXTURES)('parses the fixture %s', (name) => {
    // Prepare
    const raw = loadWebhookFixture(name);

    // Act
    const result = notificationSchema.safeParse(raw);

    // Assess
    expect(result.success).toBe(true);
    expect(result.data?.type).toBe(raw.type);
    expect(result.data?.id).toBe(raw.id);
  });

  it('covers all five notification types with the fixtures', () => {
    // Act
    const types = new Set(WEBHOOK_FIXTURES.map((name) => parsed(loadWebhookFixture(name)).type));

    // Assess
    expect([...types].sort()).toEqual([...NOTIFICATION_TYPES].sort());
  });

  it('keeps the record of an update as kintone sent it', () => {
    // Prepare
    const raw = loadWebhookFixture('update-record-low.json');

    // Act
    const notification = parsed(raw);

    // Assess
    expect(notification).toEqual(raw);
    expect(isRecordNotification(notification)).toBe(true);
  });

  it('keeps a delete notification written with deletedBy / deletedAt', () => {
    // Act
    const notification = parsed(loadWebhookFixture('delete-record.json'));

    // Assess
    expect(notification).toEqual({
      id: '6f1c2e1a-0d7b-4a51-9b43-1f0e5a7c0005',
      type: 'DELETE_RECORD',
      app: { id: '12', name: '在庫管理' },
      recordId: '7',
      deletedBy: { code: 'sato', name: '佐藤 升' },
      deletedAt: '2026-12-02T09:38:09Z',
    });
  });

  it('normalises the older deleteBy / deleteAt spelling to deletedBy / deletedAt', () => {
    // Prepare
    const { deletedBy, deletedAt, ...rest } = loadWebhookFixture('delete-record.json');
    const older = { ...rest, deleteBy: deletedBy, deleteAt: deletedAt };

    // Act
    const notification = parsed(older);

    // Assess
    expect(notification).toStrictEqual({
      id: '6f1c2e1a-0d7b-4a51-9b43-1f0e5a7c0005',
      type: 'DELETE_RECORD',
      app: { id: '12', name: '在庫管理' },
      recordId: '7',
      deletedBy: { code: 'sato', name: '佐藤 升' },
      deletedAt: '2026-12-02T09:38:09Z',
    });
    expect(Object.keys(notification)).not.toContain('deleteBy');
    expect(Object.keys(notification)).not.toContain('deleteAt');
  });

  it('prefers deletedBy / deletedAt when both spellings are present', () => {
    // Prepare
    const raw = {
      ...loadWebhookFixture('delete-record.json'),
      deleteBy: { code: 'old', name: '旧' },
      deleteAt: '2000-01-01T00:00:00Z',
    };

    // Act
    const notification = deleteNotificationSchema.parse(raw);

    // Assess
    expect(notification.deletedBy).toEqual({ code: 'sato', name: '佐藤 升' });
    expect(notification.deletedAt).toBe('2026-12-02T09:38:09Z');
  });

  it('rejects a record without $revision, naming the field', () => {
    // Prepare
    const raw = loadWebhookFixture('update-record-low.json');
    delete lowRecord(raw).$revision;

    // Act
    const message = rejectionOf(raw);

    // Assess
    expect(message).toBe(
      'record.$revision: record.$revision must be present with a value that is a decimal string from 1 to 9007199254740991 without leading zeros',
    );
  });

  it.each([
    ['a number', 5],
    ['a non-numeric string', 'five'],
    ['an empty string', ''],
  ])('rejects a $revision value that is %s', (_case, value) => {
    // Prepare
    const raw = loadWebhookFixture('update-record-low.json');
    lowRecord(raw).$revision = { type: '__REVISION__', value };

    // Act
    const message = rejectionOf(raw);

    // Assess
    expect(message).toContain('record.$revision: record.$revision must be present');
  });

  it('rejects a record without $id', () => {
    // Prepare
    const raw = loadWebhookFixture('add-record.json');
    delete lowRecord(raw).$id;

    // Act
    const message = rejectionOf(raw);

    // Assess
    expect(message).toBe(
      'record.$id: record.$id must be present with a value that is a decimal string from 1 to 9007199254740991 without leading zeros',
    );
  });

  it('rejects a field that is not {type, value}, naming its field code', () => {
    // Prepare
    const raw = loadWebhookFixture('update-record-low.json');
    lowRecord(raw)['在庫数'] = '18';

    // Act
    const message = rejectionOf(raw);

    // Assess
    expect(message).toBe('record.在庫数: Invalid input: expected object, received string');
  });

  it.each([
    ['update-record-low.json', 'twelve'],
    ['delete-record.json', '12a'],
    ['add-record-comment.json', ''],
  ] as const)('rejects the non-numeric app id of %s', (name, appId) => {
    // Prepare
    const raw = loadWebhookFixture(name);
    raw.app = { id: appId, name: '在庫管理' };

    // Act
    const message = rejectionOf(raw);

    // Assess
    expect(message).toBe(
      'app.id: expected a decimal string from 1 to 9007199254740991 without leading zeros',
    );
  });

  const ID_FORMAT = 'a decimal string from 1 to 9007199254740991 without leading zeros';

  it.each([
    '0',
    '007',
    '9007199254740992',
    '9999999999999999999999999',
    '-1',
    '1e3',
    ' 12',
    '１２',
  ])(
    'rejects the id %j wherever kintone puts an id (record.$id, record.$revision, app.id, recordId)',
    (bad) => {
      // Prepare
      const update = loadWebhookFixture('update-record-low.json');
      const revision = structuredClone(update);
      lowRecord(revision).$revision = { type: '__REVISION__', value: bad };
      const id = structuredClone(update);
      lowRecord(id).$id = { type: '__ID__', value: bad };
      const app = structuredClone(update);
      app.app = { id: bad, name: '在庫管理' };
      const deleted = { ...loadWebhookFixture('delete-record.json'), recordId: bad };
      const comment = { ...loadWebhookFixture('add-record-comment.json'), recordId: bad };

      // Act, Assess
      expect(rejectionOf(revision)).toBe(
        `record.$revision: record.$revision must be present with a value that is ${ID_FORMAT}`,
      );
      expect(rejectionOf(id)).toBe(
        `record.$id: record.$id must be present with a value that is ${ID_FORMAT}`,
      );
      expect(rejectionOf(app)).toBe(`app.id: expected ${ID_FORMAT}`);
      expect(rejectionOf(deleted)).toBe(`recordId: expected ${ID_FORMAT}`);
      expect(rejectionOf(comment)).toBe(`recordId: expected ${ID_FORMAT}`);
    },
  );

  it('accepts ids from 1 to Number.MAX_SAFE_INTEGER', () => {
    for (const good of ['1', '9007199254740991']) {
      const raw = loadWebhookFixture('update-record-low.json');
      lowRecord(raw).$revision = { type: '__REVISION__', value: good };
      expect(notificationSchema.safeParse(raw).success).toBe(true);
    }
  });

  it('rejects an app id sent as a number rather than a string', () => {
    // Prepare
    const raw = loadWebhookFixture('update-record-low.json');
    raw.app = { id: 12, name: '在庫管理' };

    // Act
    const message = rejectionOf(raw);

    // Assess
    expect(message).toBe('app.id: Invalid input: expected string, received number');
  });

  it.each(['UPDATE_RECORDS', 'update_record', '', undefined])(
    'rejects the unknown type %j, naming the type field',
    (type) => {
      // Prepare
      const raw = { ...loadWebhookFixture('update-record-low.json'), type };

      // Act
      const message = rejectionOf(raw);

      // Assess
      expect(message).toMatch(/^type: /);
      expect(message).toContain('ADD_RECORD_COMMENT');
    },
  );

  it.each([null, [], 'UPDATE_RECORD', 42])('rejects the non-object body %j', (raw) => {
    // Act
    const message = rejectionOf(raw);

    // Assess
    expect(message).toMatch(/^\(top level\): /);
  });

  it('rejects a delete without recordId and a comment without comment', () => {
    // Prepare
    const deletion = loadWebhookFixture('delete-record.json');
    delete deletion.recordId;
    const comment = loadWebhookFixture('add-record-comment.json');
    delete comment.comment;

    // Act
    const deletionMessage = rejectionOf(deletion);
    const commentMessage = rejectionOf(comment);

    // Assess
    expect(deletionMessage).toBe('recordId: Invalid input: expected string, received undefined');
    expect(commentMessage).toBe('comment: Invalid input: expected object, received undefined');
  });

  it('keeps keys it does not know, at every level and in every type', () => {
    // Prepare
    const update = loadWebhookFixture('update-record-low.json');
    update.futureKey = { nested: true };
    update.app = { id: '12', name: '在庫管理', code: 'INVENTORY' };
    lowRecord(update)['在庫数'] = { type: 'NUMBER', value: '18', disabled: false };
    const deletion = { ...loadWebhookFixture('delete-record.json'), futureKey: 1 };
    const comment = { ...loadWebhookFixture('add-record-comment.json'), futureKey: 'x' };

    // Act
    const parsedUpdate = parsed(update);
    const parsedDeletion = parsed(deletion);
    const parsedComment = parsed(comment);

    // Assess
    expect(parsedUpdate).toMatchObject({
      futureKey: { nested: true },
      app: { id: '12', name: '在庫管理', code: 'INVENTORY' },
      record: { 在庫数: { type: 'NUMBER', value: '18', disabled: false } },
    });
    expect(parsedDeletion).toMatchObject({ futureKey: 1 });
    expect(parsedComment).toMatchObject({
      futureKey: 'x',
      comment: { id: '3', text: '入荷予定を確認中です。', mentions: [] },
    });
  });
});

describe('notification helpers', () => {
  it.each([
    'add-record.json',
    'update-record-low.json',
    'update-status.json',
    'delete-record.json',
    'add-record-comment.json',
  ] as const)('groups %s of record 7 in app 12 as "12:7"', (name) => {
    // Act
    const notification = parsed(loadWebhookFixture(name));

    // Assess
    expect(notificationRecordId(notification)).toBe('7');
    expect(notificationGroupId(notification)).toBe('12:7');
  });

  it('groups another app and record apart', () => {
    // Act
    const groupId = notificationGroupId(parsed(loadWebhookFixture('update-record-subtable.json')));

    // Assess
    expect(groupId).toBe('15:3');
  });

  it('reads $revision as a number', () => {
    // Prepare
    const notification = recordNotificationSchema.parse(
      loadWebhookFixture('update-record-recovered.json'),
    );

    // Act
    const revision = recordRevision(notification.record);

    // Assess
    expect(revision).toBe(8);
  });

  it('tells record notifications from delete and comment notifications', () => {
    // Act
    const kinds = WEBHOOK_FIXTURES.map((name) => [
      name,
      isRecordNotification(parsed(loadWebhookFixture(name))),
    ]);

    // Assess
    expect(Object.fromEntries(kinds)).toEqual({
      'add-record.json': true,
      'update-record-low.json': true,
      'update-record-recovered.json': true,
      'update-status.json': true,
      'delete-record.json': false,
      'add-record-comment.json': false,
      'update-record-subtable.json': true,
    });
  });
});
