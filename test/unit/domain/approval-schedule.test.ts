import { nextApprovalCheckAt } from '../../../shared/domain/approval';
import {
  remainingSteps,
  type ApprovalStepOptions,
  type OrderEvent,
  type PurchaseOrder,
} from '../../../shared/domain/purchase-order';
import { lineFor, orderFixture } from '../../support/purchase-order-fixtures';

const HOUR = 3_600_000;
const REQUESTED_AT = '2026-11-28T06:00:01.000Z';
const RULES = { remindAfterMs: 4 * HOUR, flagAfterMs: 8 * HOUR };

const REQUESTED: OrderEvent = {
  kind: 'approval-requested',
  at: REQUESTED_AT,
  via: 'link',
  reason: 'アプリ 12 の発注は承認が必要です',
};
const REMINDED: OrderEvent = { kind: 'approval-reminded', at: '2026-11-28T10:00:05.000Z' };
const FLAGGED: OrderEvent = {
  kind: 'approval-overdue',
  at: '2026-11-28T14:00:05.000Z',
  reason: '承認が期限を過ぎても得られていません',
};

function awaiting(...events: OrderEvent[]): PurchaseOrder {
  const order = orderFixture('PO-20261128-0001', [lineFor('345')], { sealed: true });
  return { ...order, log: [...order.log, REQUESTED, ...events] };
}

function hoursAfterRequest(hours: number): Date {
  return new Date(Date.parse(REQUESTED_AT) + hours * HOUR);
}

describe('nextApprovalCheckAt', () => {
  it('is the reminder first, then the flag, then nothing', () => {
    expect(nextApprovalCheckAt(awaiting(), RULES)).toEqual(hoursAfterRequest(4));
    expect(nextApprovalCheckAt(awaiting(REMINDED), RULES)).toEqual(hoursAfterRequest(8));
    expect(nextApprovalCheckAt(awaiting(REMINDED, FLAGGED), RULES)).toBeUndefined();
  });

  it('takes the sooner step when the flag comes before the reminder, and skips steps not configured', () => {
    const early = { remindAfterMs: 8 * HOUR, flagAfterMs: 2 * HOUR };
    expect(nextApprovalCheckAt(awaiting(), early)).toEqual(hoursAfterRequest(2));
    expect(nextApprovalCheckAt(awaiting(FLAGGED), early)).toEqual(hoursAfterRequest(8));
    expect(nextApprovalCheckAt(awaiting(), { flagAfterMs: 8 * HOUR })).toEqual(
      hoursAfterRequest(8),
    );
    expect(nextApprovalCheckAt(awaiting(), {})).toBeUndefined();
  });

  it('is undefined for an order not awaiting approval', () => {
    const sealed = orderFixture('PO-20261128-0001', [lineFor('345')], { sealed: true });
    const approved = awaiting({ kind: 'approved', at: '2026-11-28T07:00:00.000Z', by: '部長' });
    const rejected = awaiting({
      kind: 'rejected',
      at: '2026-11-28T07:00:00.000Z',
      by: '部長',
      action: '却下',
      reason: '',
    });
    expect(nextApprovalCheckAt(sealed, RULES)).toBeUndefined();
    expect(nextApprovalCheckAt(approved, RULES)).toBeUndefined();
    expect(nextApprovalCheckAt(rejected, RULES)).toBeUndefined();
  });

  it.each([
    ['not reminded', awaiting(), RULES],
    ['reminded', awaiting(REMINDED), RULES],
    ['flag before reminder', awaiting(), { remindAfterMs: 8 * HOUR, flagAfterMs: 2 * HOUR }],
  ])(
    'agrees with remainingSteps (%s): no step just before the time, a step at it',
    (_case, order, rules: Pick<ApprovalStepOptions, 'remindAfterMs' | 'flagAfterMs'>) => {
      const at = nextApprovalCheckAt(order, rules);
      if (!at) throw new Error('no next check');
      const steps = (now: Date) =>
        remainingSteps(order, {
          now,
          commentOnOrder: false,
          approval: { needed: true, ...rules },
        });
      expect(steps(new Date(at.getTime() - 1))).toEqual([]);
      expect(steps(at)).toHaveLength(1);
    },
  );
});
