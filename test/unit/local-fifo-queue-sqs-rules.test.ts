import { InvalidQueueMessageError, LocalFifoQueue } from '../../local/queue/local-fifo-queue';
import { encodeForQueue, SQS_MAX_MESSAGE_BYTES } from '../../shared/edge/queued-notification';

/** The local queue refuses what SQS refuses, so the local stack fails where AWS would. */
describe('LocalFifoQueue: SQS body rules', () => {
  let queue: LocalFifoQueue;

  beforeEach(() => {
    queue = new LocalFifoQueue();
  });

  afterEach(async () => {
    await queue.stop();
  });

  const send = (body: string, notificationId = 'n-1') =>
    queue.enqueue({ notificationId, groupId: '12:7', body });

  it.each([
    ['U+FFFF', '{"v":"ボールペン\uFFFF黒"}', 'U+FFFF at index 11'],
    ['U+FFFE', '{"v":"\uFFFE"}', 'U+FFFE at index 6'],
    ['NUL', '{"v":"\u0000"}', 'U+0000 at index 6'],
    ['a lone surrogate', '{"v":"\uD800"}', 'U+D800 at index 6'],
  ])('refuses a body holding %s, naming it', async (_, body, where) => {
    await expect(send(body)).rejects.toThrow(InvalidQueueMessageError);
    await expect(send(body)).rejects.toThrow(where);
    expect(queue.stats().visible).toBe(0);
  });

  it('accepts the same text once encodeForQueue escaped it', async () => {
    await expect(
      send(encodeForQueue({ v: 'ボールペン\uFFFF黒\uFFFE\u0000\uD800𠮷' })),
    ).resolves.toBeUndefined();
    expect(queue.stats().visible).toBe(1);
  });

  it('accepts 1 MiB and refuses one byte more', async () => {
    expect(SQS_MAX_MESSAGE_BYTES).toBe(1_048_576);
    await expect(send('x'.repeat(SQS_MAX_MESSAGE_BYTES), 'n-1')).resolves.toBeUndefined();
    await expect(send('x'.repeat(SQS_MAX_MESSAGE_BYTES + 1), 'n-2')).rejects.toThrow(
      /exceeds the SQS limit of 1048576 bytes/,
    );
  });
});
