import {
  activeLines,
  groupKeyOf,
  isSettled,
  lineStatus,
  orderStatus,
  quantityOnOrder,
  remainingSteps,
  type OrderEvent,
  type PurchaseOrder,
  type PurchaseOrderLine,
} from '../../../shared/domain/purchase-order';
import type { OrderChannel } from '../../../shared/domain/channels';

const AT = '2026-12-02T02:00:00.000Z';
const NOW = new Date('2026-12-02T03:00:00.000Z');
const EMAIL = { kind: 'email', address: 'order@sample-bungu.example.jp' } as const;
const FAX = { kind: 'fax', number: '+81312345678', national: '0312345678' } as const;

function line(id: string, quantity = 12, rowId?: string): PurchaseOrderLine {
  return {
    lineId: id,
    item: { appId: '12', recordId: id, itemId: id, cycle: 1, ...(rowId ? { rowId } : {}) },
    sku: `A-${id}`,
    name: `品目${id}`,
    quantity,
    unit: '本',
    reason: `在庫数 1 ≤ 発注点 5: ${quantity}本を発注`,
    leadTimeDays: 3,
    addedAt: AT,
    addedBy: `n-${id}`,
  };
}

function order(
  log: OrderEvent[],
  lines = [line('1'), line('2')],
  channels: OrderChannel[] = [EMAIL],
): PurchaseOrder {
  return {
    orderNumber: 'PO-20261202-0001',
    appId: '12',
    groupKey: '12|S-001|',
    supplier: { code: 'S-001', name: '株式会社サンプル文具', email: EMAIL.address },
    channels: [...channels],
    company: {
      name: '株式会社デモ商事',
      address: '東京都',
      phone: '03-0000-0000',
      email: 'a@b.jp',
    },
    createdAt: AT,
    dueAt: '2026-12-02T02:30:00.000Z',
    reflectedInKintone: false,
    lines,
    log: [{ kind: 'created', at: AT, by: 'n-1' }, ...log],
  };
}

const SEALED: OrderEvent = { kind: 'sealed', at: AT, orderDate: '2026-12-02' };
const EMAILED: OrderEvent = { kind: 'email-sent', at: AT, messageId: 'm-1' };
const options = { now: NOW, commentOnOrder: true };

describe('a purchase order derives its status from its lines and log', () => {
  it('gathers until sealed, and is due to seal once dueAt has passed', () => {
    const gathering = order([]);
    expect(orderStatus(gathering)).toBe('gathering');
    expect(lineStatus(gathering, '1')).toBe('waiting');
    expect(remainingSteps(gathering, options)).toEqual([{ step: 'seal' }]);
    expect(remainingSteps(gathering, { ...options, now: new Date(AT) })).toEqual([]);
  });

  it('sends each pending channel after sealing, then writes back and comments every line', () => {
    const sealed = order([SEALED], undefined, [EMAIL, FAX]);
    expect(orderStatus(sealed)).toBe('sending');
    expect(remainingSteps(sealed, options)).toEqual([
      { step: 'send', channel: EMAIL },
      { step: 'send', channel: FAX },
    ]);
    const sent = order([SEALED, EMAILED]);
    expect(orderStatus(sent)).toBe('sent');
    expect(lineStatus(sent, '2')).toBe('ordered');
    expect(remainingSteps(sent, options)).toEqual([
      { step: 'write-back', lineIds: ['1', '2'] },
      { step: 'comment', lineIds: ['1', '2'] },
    ]);
  });

  it('redoes only what a crash left undone', () => {
    const half = order([
      SEALED,
      EMAILED,
      { kind: 'written-back', at: AT, lineIds: ['1'] },
      { kind: 'commented', at: AT, lineIds: ['1', '2'] },
    ]);
    expect(remainingSteps(half, options)).toEqual([{ step: 'write-back', lineIds: ['2'] }]);
    const done = order([...half.log.slice(1), { kind: 'written-back', at: AT, lineIds: ['2'] }]);
    expect(isSettled(done, options)).toBe(true);
  });

  it('leaves a dropped line out of everything', () => {
    const dropped = order([{ kind: 'line-dropped', at: AT, lineId: '1', reason: '在庫が回復' }]);
    expect(activeLines(dropped).map((l) => l.lineId)).toEqual(['2']);
    expect(lineStatus(dropped, '1')).toBe('dropped');
    expect(quantityOnOrder(dropped, '1')).toBe(0);
    expect(quantityOnOrder(dropped, '2')).toBe(12);
    const empty = order([
      { kind: 'line-dropped', at: AT, lineId: '1', reason: 'x' },
      { kind: 'line-dropped', at: AT, lineId: '2', reason: 'x' },
    ]);
    expect(orderStatus(empty)).toBe('empty');
    expect(remainingSteps(empty, options)).toEqual([]);
  });

  it('needs attention when every channel failed, and then writes 要対応 without a comment step', () => {
    const failed = order([SEALED, { kind: 'email-failed', at: AT, detail: 'rejected' }]);
    expect(orderStatus(failed)).toBe('needs-attention');
    expect(lineStatus(failed, '1')).toBe('needs-attention');
    expect(remainingSteps(failed, options)).toEqual([{ step: 'write-back', lineIds: ['1', '2'] }]);
  });

  it('falls back to an added fax channel after a bounce', () => {
    const bounced = order([
      SEALED,
      EMAILED,
      { kind: 'delivery', at: AT, status: 'bounced', detail: 'no such user' },
      { kind: 'channel-added', at: AT, channel: FAX },
    ]);
    expect(orderStatus(bounced)).toBe('sending');
    expect(remainingSteps(bounced, options)).toEqual([{ step: 'send', channel: FAX }]);
  });

  it('answers each line from a partial answer by line id', () => {
    const answered = order([
      SEALED,
      EMAILED,
      {
        kind: 'supplier-answer',
        at: AT,
        answer: {
          kind: 'partial',
          deliveryDate: '2026-12-05',
          note: '一部のみ',
          lines: [
            { lineId: '1', sku: 'A-1', quantity: 12 },
            { lineId: '2', sku: 'A-2', quantity: 5 },
          ],
        },
      },
    ]);
    expect(lineStatus(answered, '1')).toBe('confirmed');
    expect(lineStatus(answered, '2')).toBe('partial');
  });

  it('closes when staff closed every active line', () => {
    const closed = order([
      SEALED,
      EMAILED,
      { kind: 'line-closed', at: AT, lineId: '1', status: '入荷済' },
      { kind: 'line-closed', at: AT, lineId: '2', status: 'キャンセル' },
    ]);
    expect(orderStatus(closed)).toBe('closed');
    expect(lineStatus(closed, '1')).toBe('closed');
    expect(quantityOnOrder(closed, '1')).toBe(0);
  });

  it('never mixes apps, suppliers or ship-tos in one group', () => {
    const supplier = { code: 'S-001', name: 'S' };
    const osaka = { id: '大阪倉庫', name: '大阪倉庫', address: '大阪市' };
    const keys = new Set([
      groupKeyOf('12', supplier),
      groupKeyOf('15', supplier),
      groupKeyOf('12', { code: 'S-002', name: 'S' }),
      groupKeyOf('12', supplier, osaka),
    ]);
    expect(keys.size).toBe(4);
    expect(groupKeyOf('12', { ...supplier, email: 'x@y.jp' })).toBe(groupKeyOf('12', supplier));
  });
});
