import {
  deliveryDetail,
  MAX_DELIVERY_DETAIL_LENGTH,
  parseSesEvent,
} from '../../shared/edge/ses-event';
import {
  bounceEvent,
  complaintEvent,
  deliveryEvent,
  FIXTURE_SES_MESSAGE_ID,
  FIXTURE_SUPPLIER,
  rejectEvent,
  sendEvent,
} from './fixtures/ses-events';

const ORDER = 'PO-20261128-0001';

describe('parseSesEvent', () => {
  it.each([
    [
      'a bounce',
      bounceEvent(ORDER),
      'bounced',
      '2026-11-28T02:15:03.000Z',
      'Permanent/General: smtp; 550 5.1.1 user unknown',
    ],
    ['a complaint', complaintEvent(ORDER), 'complained', '2026-11-28T05:00:00.000Z', 'abuse'],
    [
      'a delivery',
      deliveryEvent(ORDER),
      'delivered',
      '2026-11-28T02:15:02.000Z',
      '250 2.6.0 Message received',
    ],
    ['a reject', rejectEvent(ORDER), 'rejected', '2026-11-28T02:15:01.000Z', 'Bad content'],
  ])('reads %s with the order number tag', (_what, event, status, at, reason) => {
    // Act
    const parsed = parseSesEvent(JSON.stringify(event));

    // Assess
    expect(parsed).toEqual({
      kind: 'report',
      report: {
        orderNumber: ORDER,
        messageId: FIXTURE_SES_MESSAGE_ID,
        eventType: event.eventType,
        status,
        at,
        reason,
        recipients: [FIXTURE_SUPPLIER],
      },
    });
  });

  it('reads identity feedback notifications (notificationType), which carry no tags', () => {
    // Prepare
    const { eventType: _eventType, ...rest } = bounceEvent(ORDER);
    const notification = { ...rest, notificationType: 'Bounce', mail: { ...rest.mail, tags: {} } };

    // Act
    const parsed = parseSesEvent(JSON.stringify(notification));

    // Assess
    expect(parsed).toMatchObject({
      kind: 'report',
      report: { status: 'bounced', orderNumber: undefined },
    });
  });

  it.each([
    ['Send', sendEvent(ORDER)],
    ['DeliveryDelay', { eventType: 'DeliveryDelay', mail: {}, deliveryDelay: {} }],
    ['Open', { eventType: 'Open', mail: { tags: { orderNumber: [ORDER] } }, open: {} }],
  ])('ignores %s events', (eventType, event) => {
    expect(parseSesEvent(JSON.stringify(event))).toMatchObject({ kind: 'ignored', eventType });
  });

  it.each([
    ['text', 'hello', 'not JSON'],
    ['an object without mail', '{"eventType":"Bounce"}', 'mail'],
    ['an event without a type', '{"mail":{}}', 'neither eventType nor notificationType'],
  ])('calls %s invalid, saying why', (_what, message, problem) => {
    const parsed = parseSesEvent(message);
    expect(parsed.kind).toBe('invalid');
    expect(parsed.kind === 'invalid' && parsed.problem).toContain(problem);
  });

  it('tolerates fields SES adds and missing optional objects', () => {
    // Act
    const parsed = parseSesEvent(
      JSON.stringify({ eventType: 'Bounce', mail: { destination: ['a@example.jp'] }, extra: 1 }),
    );

    // Assess
    expect(parsed).toMatchObject({
      kind: 'report',
      report: { status: 'bounced', reason: 'Bounce', recipients: ['a@example.jp'], at: undefined },
    });
  });
});

describe('deliveryDetail', () => {
  it('joins the reason and recipients on one line and caps the length', () => {
    // Prepare
    const base = {
      orderNumber: ORDER,
      messageId: 'm',
      eventType: 'Bounce',
      status: 'bounced' as const,
      at: undefined,
      recipients: ['a@example.jp'],
    };

    // Act
    const short = deliveryDetail({ ...base, reason: 'Permanent:\n  smtp; 550' });
    const long = deliveryDetail({ ...base, reason: 'x'.repeat(2_000) });

    // Assess
    expect(short).toBe('Permanent: smtp; 550 (a@example.jp)');
    expect(long).toHaveLength(MAX_DELIVERY_DETAIL_LENGTH);
    expect(long.endsWith('…')).toBe(true);
  });
});
