import type { ScheduledEvent } from 'aws-lambda';
import { createSendDueOrdersHandler } from '../../functions/send-due-orders/handler';
import {
  createPowertoolsMetrics,
  PowertoolsBridgeMetrics,
} from '../../shared/adapters/metrics/powertools-bridge-metrics';
import { processNotification } from '../../shared/use-cases/process-notification';
import { CapturingLogger } from '../fakes/capturing-logger';
import { lambdaContext } from '../support/api-gateway';
import { dispatchHarness, lowNotification } from '../support/dispatch-harness';

const FIRST = 'PO-20261128-0001';

/** EventBridge's scheduled event, as a rule with `rate(1 minute)` delivers it. */
function scheduled(time: string): ScheduledEvent {
  return {
    version: '0',
    id: 'a1b2c3d4-5678-90ab-cdef-000000000001',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '123456789012',
    time,
    region: 'ap-northeast-1',
    resources: ['arn:aws:events:ap-northeast-1:123456789012:rule/stock-alert-bridge-send-due'],
    detail: {},
  };
}

/** App 12 gathers for 30 minutes; two items fall due at 11:15 in Tokyo. */
async function gathered() {
  const h = dispatchHarness({
    configure: (raw) => {
      for (const app of raw.apps) app.gathering = { rule: 'window', minutes: 30 };
    },
  });
  for (const recordId of ['1', '2']) {
    await processNotification(
      lowNotification({ id: `drop-${recordId}`, recordId, values: { 品番: `A-10${recordId}` } }),
      h.deps,
    );
  }
  return h;
}

describe('send-due-orders handler', () => {
  it('sends the orders due at its clock, with the Lambda context in the logs', async () => {
    // Prepare
    const h = await gathered();
    const logger = new CapturingLogger({ serviceName: 'test', logLevel: 'INFO' });
    const handler = createSendDueOrdersHandler({ ...h.deps, logger });

    // Act: one run before the window ends, one after.
    const early = await handler(scheduled('2026-11-28T02:30:00Z'), lambdaContext);
    h.clock.now = new Date('2026-11-28T02:46:00Z');
    const due = await handler(scheduled('2026-11-28T02:46:00Z'), lambdaContext);

    // Assess
    expect(early.sent).toEqual([]);
    expect(due).toEqual({
      sent: [FIRST],
      settled: [FIRST],
      failed: [],
      parked: [],
      busy: [],
      more: false,
    });
    expect(h.mailer.sent.map((request) => request.lines.length)).toEqual([2]);
    const [summary] = logger.withMessage('due orders processed').slice(-1);
    expect(summary).toMatchObject({
      sent: [FIRST],
      function_name: lambdaContext.functionName,
      correlation_id: 'a1b2c3d4-5678-90ab-cdef-000000000001',
    });
  });

  it('succeeds when an order fails, leaving it due for the next run', async () => {
    // Prepare
    const h = await gathered();
    h.mailer.failures.push(new Error('SES throttled'));
    h.clock.now = new Date('2026-11-28T02:46:00Z');
    const logger = new CapturingLogger({ serviceName: 'test', logLevel: 'INFO' });
    const handler = createSendDueOrdersHandler({ ...h.deps, logger });

    // Act
    const failed = await handler(scheduled('2026-11-28T02:46:00Z'), lambdaContext);
    // The next run past the quiet period after the failed run's 送信待ち.
    h.clock.now = new Date('2026-11-28T02:49:00Z');
    const next = await handler(scheduled('2026-11-28T02:49:00Z'), lambdaContext);

    // Assess
    expect(failed.failed).toEqual([{ orderNumber: FIRST, error: 'Error: SES throttled' }]);
    expect(logger.withMessage('due order not completed; the next run retries it')).toHaveLength(1);
    expect(next.sent).toEqual([FIRST]);
    expect(h.mailer.sent).toHaveLength(1);
  });

  it('publishes one EMF line per run with the counts', async () => {
    // Prepare
    const h = await gathered();
    h.clock.now = new Date('2026-11-28T02:46:00Z');
    const written: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    const powertoolsMetrics = createPowertoolsMetrics({});
    const handler = createSendDueOrdersHandler({
      ...h.deps,
      logger: new CapturingLogger({ serviceName: 'test', logLevel: 'SILENT' }),
      metrics: new PowertoolsBridgeMetrics(powertoolsMetrics),
      powertoolsMetrics,
    });

    // Act
    try {
      await handler(scheduled('2026-11-28T02:46:00Z'), lambdaContext);
    } finally {
      write.mockRestore();
    }

    // Assess
    const emf = written
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({ EmailsSent: 1 });
  });
});
