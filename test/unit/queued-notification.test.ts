import { ClaimCheckNotFoundError } from '../../shared/ports/claim-checks';
import {
  encodeForQueue,
  fitsInQueue,
  hasOnlySqsCharacters,
  MAX_QUEUED_BODY_BYTES,
  queueBodyFor,
  SQS_MAX_MESSAGE_BYTES,
  resolveQueuedNotification,
  UnreadableQueueMessageError,
  describeQueuedMessage,
} from '../../shared/edge/queued-notification';
import { InMemoryClaimCheckStore } from '../fakes/in-memory-claim-check-store';

const NOW = new Date('2026-11-28T02:15:00Z');
const SUMMARY = {
  notificationId: 'n-1',
  type: 'UPDATE_RECORD',
  app: { id: '12' },
  recordId: '7',
};

describe('encodeForQueue', () => {
  it.each([
    ['U+FFFF in a value', { name: 'ボールペン\uFFFF黒' }],
    ['U+FFFE in a key', { '\uFFFE': 'x' }],
    ['NUL and C0 controls', { v: '\u0000\u0001\u001f' }],
    ['a lone high surrogate', { v: 'a\uD800b' }],
    ['a lone low surrogate', { v: '\uDC00' }],
    ['astral characters', { v: '𠮷😀' }],
    ['tab, newline, CR', { v: '\t\n\r' }],
  ])('%s: SQS accepts the text and JSON.parse gives back the value', (_, value) => {
    // Act
    const encoded = encodeForQueue(value);

    // Assess
    expect(hasOnlySqsCharacters(encoded)).toBe(true);
    expect(JSON.parse(encoded)).toEqual(value);
  });

  it('escapes U+FFFF as \\uffff and leaves other text as JSON.stringify writes it', () => {
    expect(encodeForQueue({ name: 'ボールペン\uFFFF黒' })).toBe('{"name":"ボールペン\\uffff黒"}');
  });

  it('rejects what SQS rejects', () => {
    expect(hasOnlySqsCharacters('a\uFFFFb')).toBe(false);
    expect(hasOnlySqsCharacters('\uD800')).toBe(false);
    expect(hasOnlySqsCharacters('\u0000')).toBe(false);
    expect(hasOnlySqsCharacters('ok 𠮷\t')).toBe(true);
  });
});

describe('queueBodyFor and resolveQueuedNotification', () => {
  it('queues a body within the limit as is, without the store', async () => {
    // Prepare
    const store = new InMemoryClaimCheckStore();
    const encoded = encodeForQueue({ id: 'n-1', type: 'UPDATE_RECORD' });

    // Act
    const queued = await queueBodyFor(encoded, SUMMARY, store, NOW);

    // Assess
    expect(queued).toEqual({ body: encoded });
    expect(store.payloads.size).toBe(0);
    await expect(resolveQueuedNotification(queued.body, store)).resolves.toEqual(
      JSON.parse(encoded),
    );
  });

  it("takes SQS's 1 MiB, less 4 KiB for message attributes", () => {
    expect(SQS_MAX_MESSAGE_BYTES).toBe(1_048_576);
    expect(MAX_QUEUED_BODY_BYTES).toBe(1_048_576 - 4_096);
  });

  it('queues a body over 256 KiB (the old limit) and under 1 MiB as is, without the store', async () => {
    // Prepare
    const store = new InMemoryClaimCheckStore();
    const encoded = encodeForQueue({
      id: 'n-1',
      type: 'UPDATE_RECORD',
      note: 'あ'.repeat(300_000),
    });
    expect(Buffer.byteLength(encoded)).toBeGreaterThan(900_000);

    // Act
    const queued = await queueBodyFor(encoded, SUMMARY, store, NOW);

    // Assess
    expect(queued).toEqual({ body: encoded });
    expect(store.payloads.size).toBe(0);
  });

  it('puts a body over the limit (about 1 MiB) in the store and queues a reference that resolves to it', async () => {
    // Prepare: just over the limit in UTF-8 bytes, a third of it in code units
    const store = new InMemoryClaimCheckStore();
    const notification = {
      id: 'n-1',
      type: 'UPDATE_RECORD',
      note: 'あ'.repeat(MAX_QUEUED_BODY_BYTES / 3),
    };
    const encoded = encodeForQueue(notification);

    // Act
    const queued = await queueBodyFor(encoded, SUMMARY, store, NOW);

    // Assess
    expect(JSON.parse(queued.body)).toEqual({
      claimCheck: { id: queued.claimCheckId },
      ...SUMMARY,
    });
    expect(Buffer.byteLength(queued.body)).toBeLessThan(1_000);
    expect(store.payloads.get(queued.claimCheckId ?? '')).toEqual({ payload: encoded, at: NOW });
    await expect(resolveQueuedNotification(queued.body, store)).resolves.toEqual(notification);
  });

  it('a body exactly at the limit is queued as is', async () => {
    const store = new InMemoryClaimCheckStore();
    const base = encodeForQueue({ id: 'n-1', v: '' });
    const encoded = encodeForQueue({
      id: 'n-1',
      v: 'x'.repeat(MAX_QUEUED_BODY_BYTES - base.length),
    });
    expect(Buffer.byteLength(encoded)).toBe(MAX_QUEUED_BODY_BYTES);
    await expect(queueBodyFor(encoded, SUMMARY, store, NOW)).resolves.toEqual({ body: encoded });
  });

  it('fitsInQueue agrees with queueBodyFor on both sides of the limit, counting UTF-8 bytes', () => {
    const base = encodeForQueue({ id: 'n-1', v: '' });
    const atLimit = encodeForQueue({
      id: 'n-1',
      v: 'x'.repeat(MAX_QUEUED_BODY_BYTES - base.length),
    });
    const overByOne = encodeForQueue({
      id: 'n-1',
      v: 'x'.repeat(MAX_QUEUED_BODY_BYTES - base.length + 1),
    });
    // Fewer code units than the limit, but three UTF-8 bytes each.
    const wide = encodeForQueue({ id: 'n-1', v: 'あ'.repeat(MAX_QUEUED_BODY_BYTES / 3) });

    expect(fitsInQueue(atLimit)).toBe(true);
    expect(fitsInQueue(overByOne)).toBe(false);
    expect(wide.length).toBeLessThan(MAX_QUEUED_BODY_BYTES);
    expect(fitsInQueue(wide)).toBe(false);
    expect(fitsInQueue(base)).toBe(true);
  });

  it('says which claim check is gone', async () => {
    const body = JSON.stringify({ claimCheck: { id: 'c-404' }, ...SUMMARY });
    await expect(resolveQueuedNotification(body, new InMemoryClaimCheckStore())).rejects.toThrow(
      new ClaimCheckNotFoundError('c-404'),
    );
  });

  it('refuses a reference without a store, a half reference, a stored copy of another notification, and non-JSON', async () => {
    // Prepare
    const store = new InMemoryClaimCheckStore();
    const otherId = await store.put(JSON.stringify({ id: 'n-2' }), NOW);

    // Act, Assess
    const reference = JSON.stringify({ claimCheck: { id: otherId }, ...SUMMARY });
    await expect(resolveQueuedNotification(reference, undefined)).rejects.toThrow(
      /no claim-check store/,
    );
    await expect(resolveQueuedNotification(reference, store)).rejects.toThrow(
      /holds notification "n-2", not n-1/,
    );
    await expect(
      resolveQueuedNotification(JSON.stringify({ claimCheck: { id: 'x' } }), store),
    ).rejects.toThrow(UnreadableQueueMessageError);
    await expect(resolveQueuedNotification('{', store)).rejects.toThrow(
      new UnreadableQueueMessageError('the message body is not JSON'),
    );
  });
});

describe('describeQueuedMessage', () => {
  it('reads the ids of a notification and of a claim-check reference alike', () => {
    // Act
    const notification = describeQueuedMessage(
      JSON.stringify({
        id: 'n-1',
        type: 'UPDATE_RECORD',
        app: { id: '12' },
        record: { $id: { type: '__ID__', value: '7' } },
      }),
    );
    const reference = describeQueuedMessage(
      JSON.stringify({ claimCheck: { id: 'c-1' }, ...SUMMARY }),
    );

    // Assess
    expect(notification).toEqual({
      notificationId: 'n-1',
      appId: '12',
      recordId: '7',
      type: 'UPDATE_RECORD',
      record: { $id: { type: '__ID__', value: '7' } },
    });
    expect(reference).toEqual({
      notificationId: SUMMARY.notificationId,
      appId: SUMMARY.app.id,
      recordId: SUMMARY.recordId,
      type: SUMMARY.type,
    });
  });

  it('leaves out what is not JSON, not an object, or not a kintone id', () => {
    expect(describeQueuedMessage('{')).toEqual({});
    expect(describeQueuedMessage('[1]')).toEqual({});
    expect(
      describeQueuedMessage(
        JSON.stringify({ id: 'n-1', app: { id: '012' }, recordId: '9999999999999999999' }),
      ),
    ).toEqual({ notificationId: 'n-1' });
  });
});
