import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { makeSendFaxHandler } from '../../functions/send-fax/handler';
import { QueueFaxHandoff } from '../../shared/adapters/sqs/queue-fax-handoff';
import { channelState, orderStatus } from '../../shared/domain/purchase-order';
import {
  faxJobMessage,
  MalformedFaxJobError,
  parseFaxJob,
} from '../../shared/edge/fax-job-message';
import type { FaxHandoff, FaxJob } from '../../shared/ports/fax-gateway';
import type { QueuedNotification } from '../../shared/ports/notification-queue';
import { processNotification } from '../../shared/use-cases/process-notification';
import { sendDueOrders } from '../../shared/use-cases/send-due-orders';
import { sendFaxJob, type SendFaxJobDeps } from '../../shared/use-cases/send-fax-job';
import { recordingFaxSending, sendFailure } from '../fakes/recording-fax-gateway';
import { dispatchHarness, lowNotification, type Harness } from '../support/dispatch-harness';
import { lineFor, orderFixture, sealEvent } from '../support/purchase-order-fixtures';

/**
 * Faxes are rendered and sent by the fax function alone (issue 13): the dispatcher, the
 * scheduled send and the SES events function hand a pending fax over as a job, and the fax
 * function sends it and finishes the order from its log.
 */

/** A {@link FaxHandoff} that records the jobs it is given. */
class RecordingFaxHandoff implements FaxHandoff {
  readonly region = 'JP';
  readonly jobs: FaxJob[] = [];
  async requestFax(job: FaxJob): Promise<void> {
    this.jobs.push(job);
  }
}

/** A supplier reached by fax only: no address, 発注方法 FAX. */
const FAX_ONLY = { 仕入先メール: '', 仕入先FAX: '03-1234-5678', 発注方法: 'FAX' };
const FAX_SUPPLIER = { code: 'S-FAX', name: 'ファクス商会', fax: '03-1234-5678' };
const FAX_CHANNEL = { kind: 'fax', number: '+81312345678', national: '0312345678' } as const;

/** The dispatcher as deployed (a handoff, no fax path), and the fax function's deps beside it. */
function harness(): Harness & { handoff: RecordingFaxHandoff; faxDeps: SendFaxJobDeps } {
  const h = dispatchHarness();
  const handoff = new RecordingFaxHandoff();
  h.deps.faxHandoff = handoff;
  const { faxHandoff: _handoff, fax: _fax, ...rest } = h.deps;
  const faxDeps: SendFaxJobDeps = { ...rest, fax: recordingFaxSending(h.gateway) };
  return Object.assign(h, { handoff, faxDeps });
}

/** A fax-only order sealed at 02:00, a quarter of an hour before the harness's clock. */
async function sealedFaxOrder(h: Harness, orderNumber: string): Promise<string> {
  const at = '2026-11-28T02:00:00.000Z';
  const created = await h.state.create(
    orderFixture(orderNumber, [lineFor('7')], {
      supplier: FAX_SUPPLIER,
      channels: [FAX_CHANNEL],
      createdAt: at,
      dueAt: at,
      log: [{ kind: 'created', at, by: 'notif-1' }, sealEvent(at)],
    }),
  );
  if (!created.created) throw new Error('fixture order not created');
  return orderNumber;
}

function sqsRecord(body: string, messageId: string): SQSRecord {
  return {
    messageId,
    receiptHandle: messageId,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: '0',
      MessageGroupId: 'g',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:ap-northeast-1:123456789012:fax.fifo',
    awsRegion: 'ap-northeast-1',
  } as SQSRecord;
}

describe('the dispatcher hands a fax to the fax function', () => {
  it('queues one job for a fax-only order and neither renders nor writes 発注依頼済 itself', async () => {
    // Prepare
    const h = harness();

    // Act
    const outcome = await processNotification(lowNotification({ values: FAX_ONLY }), h.deps);

    // Assess: one job, no fax sent here, the order still sending.
    const orderNumber = outcome.orderNumber ?? '';
    expect(h.handoff.jobs).toEqual([{ kind: 'order', orderNumber }]);
    expect(h.gateway.sent).toEqual([]);
    const order = await h.state.get(orderNumber);
    expect(order && orderStatus(order)).toBe('sending');
    const written = h.kintone.updates.flatMap((update) => Object.values(update.values));
    expect(written).not.toContain('発注依頼済');

    // Act: the fax function takes the job.
    const done = await sendFaxJob(h.handoff.jobs[0] as FaxJob, h.faxDeps);

    // Assess: one fax to the supplier's number, the record says 発注依頼済, the order settled.
    expect(done).toMatchObject({ orderNumber, kind: 'order', result: 'faxed', settled: true });
    expect(h.gateway.sent.map((fax) => fax.to)).toEqual(['+81312345678']);
    const after = h.kintone.updates.flatMap((update) => Object.values(update.values));
    expect(after).toContain('発注依頼済');
    expect(h.kintone.comments.length).toBeGreaterThan(0);
    expect(await h.state.listDue(new Date('2030-01-01T00:00:00Z'), 10)).not.toContain(orderNumber);
  });

  it('emails an email-and-fax order at once and hands only the fax over, once', async () => {
    // Prepare
    const h = harness();

    // Act
    const outcome = await processNotification(
      lowNotification({ values: { 仕入先FAX: '03-1234-5678', 発注方法: 'メールとFAX' } }),
      h.deps,
    );

    // Assess
    const orderNumber = outcome.orderNumber ?? '';
    expect(h.mailer.sent).toHaveLength(1);
    expect(h.handoff.jobs).toEqual([{ kind: 'order', orderNumber }]);
    expect(h.gateway.sent).toEqual([]);

    // Act: the job twice (SQS delivers at least once).
    const first = await sendFaxJob({ kind: 'order', orderNumber }, h.faxDeps);
    const second = await sendFaxJob({ kind: 'order', orderNumber }, h.faxDeps);

    // Assess: one fax, one email; the second job finds nothing to send.
    expect(first.result).toBe('faxed');
    expect(second.result).toBe('nothing-to-send');
    expect(h.gateway.sent).toHaveLength(1);
    expect(h.mailer.sent).toHaveLength(1);
    const order = await h.state.get(orderNumber);
    expect(order && channelState(order, 'email').state).toBe('sent');
    expect(order && channelState(order, 'fax').state).toBe('sent');
  });

  it('the scheduled send hands a due fax order over and leaves it due until the fax function finishes it', async () => {
    // Prepare
    const h = harness();
    const orderNumber = await sealedFaxOrder(h, 'PO-20261128-0301');

    // Act
    const run = await sendDueOrders(h.deps, h.clock.now);

    // Assess
    expect(h.handoff.jobs).toEqual([{ kind: 'order', orderNumber }]);
    expect(run.sent).toEqual([]);
    expect(run.settled).toEqual([]);
    expect(await h.state.listDue(h.clock.now, 10)).toContain(orderNumber);

    // Act
    await sendFaxJob({ kind: 'order', orderNumber }, h.faxDeps);

    // Assess
    expect(h.gateway.sent).toHaveLength(1);
    expect(await h.state.listDue(h.clock.now, 10)).not.toContain(orderNumber);
  });

  it('a fax refused for good is recorded by the fax function and the records show 要対応', async () => {
    // Prepare
    const h = harness();
    const orderNumber = await sealedFaxOrder(h, 'PO-20261128-0302');
    h.gateway.failures.push(sendFailure('number not in service', { retryable: false }));

    // Act
    const done = await sendFaxJob({ kind: 'order', orderNumber }, h.faxDeps);

    // Assess
    expect(done.result).toBe('nothing-to-send');
    const order = await h.state.get(orderNumber);
    expect(order && orderStatus(order)).toBe('needs-attention');
    const written = h.kintone.updates.flatMap((update) => Object.values(update.values));
    expect(written).toContain('要対応');
  });

  it('a temporary gateway failure throws, so the queue retries the job, and the retry faxes once', async () => {
    // Prepare
    const h = harness();
    const orderNumber = await sealedFaxOrder(h, 'PO-20261128-0303');
    h.gateway.failures.push(sendFailure('Phaxio answered 503', { retryable: true }));

    // Act / Assess
    await expect(sendFaxJob({ kind: 'order', orderNumber }, h.faxDeps)).rejects.toThrow('503');
    expect(h.gateway.sent).toEqual([]);
    const retry = await sendFaxJob({ kind: 'order', orderNumber }, h.faxDeps);
    expect(retry.result).toBe('faxed');
    expect(h.gateway.sent).toHaveLength(1);
  });

  it('an unknown order is logged and sends nothing', async () => {
    const h = harness();
    const done = await sendFaxJob({ kind: 'order', orderNumber: 'PO-20991231-9999' }, h.faxDeps);
    expect(done.result).toBe('unknown-order');
    expect(h.gateway.sent).toEqual([]);
  });
});

describe('reminders by fax', () => {
  it('sends a handed-off reminder once: a repeated job finds the reminder in the log', async () => {
    // Prepare
    const h = harness();
    const orderNumber = await sealedFaxOrder(h, 'PO-20261128-0304');
    await h.state.append(orderNumber, {
      kind: 'fax-sent',
      at: '2026-11-28T02:00:01.000Z',
      faxId: 'fax-0',
      gateway: 'recording',
    });

    // Act
    const job: FaxJob = { kind: 'reminder', orderNumber, remindersBefore: 0 };
    const first = await sendFaxJob(job, h.faxDeps);
    const again = await sendFaxJob(job, h.faxDeps);

    // Assess
    expect(first.result).toBe('faxed');
    expect(again.result).toBe('nothing-to-send');
    expect(h.gateway.sent.map((fax) => fax.fileName)).toEqual([`${orderNumber}-reminder.pdf`]);
    const order = await h.state.get(orderNumber);
    expect(order?.log.filter((event) => event.kind === 'reminder-sent')).toHaveLength(1);
  });
});

describe('fax jobs on the queue', () => {
  it('round-trips every job through its message, deduplicated per job', () => {
    const jobs: FaxJob[] = [
      { kind: 'order', orderNumber: 'PO-20261128-0001' },
      { kind: 'reminder', orderNumber: 'PO-20261128-0001', remindersBefore: 2 },
    ];
    const messages = jobs.map(faxJobMessage);
    expect(messages.map((message) => parseFaxJob(message.body))).toEqual(jobs);
    expect(new Set(messages.map((message) => message.notificationId)).size).toBe(2);
    expect(messages.map((message) => message.groupId)).toEqual([
      'PO-20261128-0001',
      'PO-20261128-0001',
    ]);
  });

  it.each([
    ['not JSON', '{', 'not JSON'],
    ['an unknown kind', '{"kind":"letter","orderNumber":"PO-1"}', 'not a fax job'],
    ['a number with a newline', '{"kind":"order","orderNumber":"PO-1\\nBcc: x"}', 'orderNumber'],
    ['an extra key', '{"kind":"order","orderNumber":"PO-1","to":"+8131"}', 'not a fax job'],
    [
      'a negative count',
      '{"kind":"reminder","orderNumber":"PO-1","remindersBefore":-1}',
      'remindersBefore',
    ],
  ])('refuses %s', (_name, body, message) => {
    expect(() => parseFaxJob(body)).toThrow(MalformedFaxJobError);
    expect(() => parseFaxJob(body)).toThrow(message);
  });

  it('QueueFaxHandoff puts the job on its queue', async () => {
    const queued: QueuedNotification[] = [];
    const handoff = new QueueFaxHandoff(
      { enqueue: async (message) => void queued.push(message) },
      'JP',
    );
    await handoff.requestFax({ kind: 'order', orderNumber: 'PO-20261128-0001' });
    expect(queued).toEqual([faxJobMessage({ kind: 'order', orderNumber: 'PO-20261128-0001' })]);
    expect(handoff.region).toBe('JP');
  });

  it('the fax function reports a failed job back to SQS alone and sends the others', async () => {
    // Prepare
    const h = harness();
    const good = await sealedFaxOrder(h, 'PO-20261128-0305');
    const handler = makeSendFaxHandler({ ...h.faxDeps, logger: h.logger as never });
    const event: SQSEvent = {
      Records: [
        sqsRecord('not a job', 'm-1'),
        sqsRecord(faxJobMessage({ kind: 'order', orderNumber: good }).body, 'm-2'),
      ],
    };

    // Act
    const response = await handler(event, {} as Context);

    // Assess: the malformed one failed (to the dead letters after its retries); the other was
    // sent (another message group in SQS; here the processor goes on after a failure).
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toContain('m-1');
    expect(h.metrics.total('FaxJobFailures')).toBe(1);
  });
});
