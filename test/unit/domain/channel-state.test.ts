import {
  answerLineOf,
  channelState,
  lineAnswerKind,
  orderStatus,
  type OrderEvent,
} from '../../../shared/domain/purchase-order';
import { orderLine, sealedOrder } from '../../support/purchase-orders';

const AT = '2026-11-28T03:00:00.000Z';
const EMAILED: OrderEvent = { kind: 'email-sent', at: AT, messageId: 'm-1' };
const delivery = (status: 'delivered' | 'bounced' | 'complained' | 'rejected'): OrderEvent => ({
  kind: 'delivery',
  at: AT,
  status,
  detail: status,
});

describe('channelState of an email SES reported on', () => {
  it.each([
    ['delivered', 'sent'],
    ['complained', 'sent'],
    ['bounced', 'failed'],
    ['rejected', 'failed'],
  ] as const)('%s: %s', (status, state) => {
    const order = sealedOrder({ log: [EMAILED, delivery(status)] });
    expect(channelState(order, 'email').state).toBe(state);
  });

  it('keeps an order whose email arrived but was reported as spam sent, not needing attention', () => {
    const order = sealedOrder({ log: [EMAILED, delivery('complained')] });
    expect(orderStatus(order)).toBe('sent');
  });
});

describe('answerLineOf', () => {
  const lines = [
    orderLine({ recordId: '7', quantity: 10 }),
    orderLine({ recordId: '8', quantity: 10 }),
  ];
  const order = sealedOrder({ lines });

  it('finds a line’s entry by its id, whatever the order of the entries', () => {
    const entries = [
      { lineId: '8', sku: 'A-100', quantity: 4 },
      { lineId: '7', sku: 'A-100', quantity: 10 },
    ];
    expect(answerLineOf(order, lines[0]!, entries)?.quantity).toBe(10);
    expect(answerLineOf(order, lines[1]!, entries)?.quantity).toBe(4);
    expect(
      lineAnswerKind(order, lines[1]!, {
        kind: 'partial',
        deliveryDate: '2026-12-01',
        lines: entries,
        note: '',
      }),
    ).toBe('partial');
  });

  it('falls back to the position when no entry names a line or a row', () => {
    const entries = [
      { sku: 'A-100', quantity: 0 },
      { sku: 'A-100', quantity: 3 },
    ];
    expect(answerLineOf(order, lines[1]!, entries)?.quantity).toBe(3);
  });

  it('finds nothing for a line the entries do not name when others do', () => {
    expect(answerLineOf(order, lines[1]!, [{ lineId: '7', sku: 'A-100', quantity: 1 }])).toBe(
      undefined,
    );
  });
});
