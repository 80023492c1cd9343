import { loadConfigFile } from '../../shared/config/load-config';
import type { OrderLine } from '../../shared/domain/order';
import type { StoredOrder } from '../../shared/ports/bridge-store';
import { recordSupplierAnswer, type RecordAnswerDeps } from '../../shared/use-cases/record-answer';
import type { SupplierAnswer } from '../../shared/domain/supplier-answer';
import { InMemoryBridgeStore } from '../fakes/in-memory-bridge-store';
import { RecordingKintoneRecordWriter } from '../fakes/recording-kintone-writer';
import { RecordingLogger } from '../fakes/recording-logger';
import { createRowOrder } from '../support/row-orders';

const ORDER_NUMBER = 'PO-20261129-0001';
const NOW = new Date('2026-11-29T07:10:00.000Z');
const STATUS = '明細_発注状況';
const DATE = '明細_納品予定日';

/** Three rows of record 3 of app 15 (拠点在庫), ordered from one supplier as one request. */
const ROW_LINES: OrderLine[] = [
  { sku: 'B-200', name: 'コピー用紙 A4 500枚', quantity: 20, unit: '個', rowId: '368' },
  { sku: 'B-201', name: 'トナー TN-29J', quantity: 3, unit: '個', rowId: '369' },
  { sku: 'B-202', name: 'ホチキス針', quantity: 5, unit: '箱', rowId: '370' },
];

function order(overrides: Partial<StoredOrder> = {}): StoredOrder {
  return {
    appId: '15',
    recordId: '3:368',
    cycle: 1,
    status: 'open',
    channels: [{ kind: 'email', address: 'sales@yamada-paper.example.jp' }],
    request: {
      orderNumber: ORDER_NUMBER,
      orderedAt: '2026-11-29T01:00:00.000Z',
      orderDate: '2026-11-29',
      desiredDeliveryDate: '2026-12-02',
      supplier: { code: 'S-002', name: '紙の山田商店', email: 'sales@yamada-paper.example.jp' },
      lines: ROW_LINES,
      company: {
        name: '株式会社デモ商事',
        address: '東京都千代田区丸の内1-1-1',
        phone: '03-0000-1111',
        email: 'purchasing@demo-shoji.example.jp',
      },
      reason: 'B-200, B-201, B-202 が発注点を下回ったため',
    },
    reflectedInKintone: false,
    createdAt: '2026-11-29T01:00:00.000Z',
    createdByNotificationId: 'n-1',
    steps: { emailSentAt: '2026-11-29T01:00:01.000Z', writtenBackAt: '2026-11-29T01:00:02.000Z' },
    rows: {
      recordId: '3',
      subtable: '在庫明細',
      members: ROW_LINES.map((line) => ({
        rowId: line.rowId ?? '',
        itemRecordId: `3:${line.rowId ?? ''}`,
        cycle: 1,
      })),
    },
    ...overrides,
  };
}

/** A partial answer with the given quantity per line, B-200, B-201, B-202 in that order. */
function perLine(quantities: [number, number, number], deliveryDate = '2026-12-03') {
  return {
    kind: 'partial',
    deliveryDate,
    lines: ROW_LINES.map((line, index) => ({
      sku: line.sku,
      rowId: line.rowId ?? '',
      quantity: quantities[index] ?? 0,
    })),
    note: 'B-202 は廃番のためお受けできません',
  } satisfies SupplierAnswer;
}

async function harness(stored: StoredOrder = order()) {
  // Prepare
  const store = new InMemoryBridgeStore();
  await createRowOrder(store, stored);
  const kintone = new RecordingKintoneRecordWriter();
  const deps: RecordAnswerDeps = {
    config: loadConfigFile('config/demo.json'),
    store,
    kintone,
    logger: new RecordingLogger(),
    now: () => new Date(NOW),
  };
  return {
    store,
    kintone,
    /** Records the answer against the order as stored now, as the page handler does. */
    answer: async (answer: SupplierAnswer) => {
      const current = await store.findOrderByNumber(stored.request.orderNumber);
      if (!current) throw new Error('the order is gone');
      return recordSupplierAnswer(current, answer, deps);
    },
  };
}

describe('recordSupplierAnswer: an order made for SUBTABLE rows', () => {
  it('writes each row the status of its own line: in full, in part, not at all', async () => {
    // Prepare
    const { kintone, store, answer } = await harness();

    // Act
    const result = await answer(perLine([20, 1, 0]));

    // Assess
    expect(result).toBe('recorded');
    expect(kintone.updates).toEqual([]);
    expect(kintone.rowUpdates).toEqual([
      {
        appId: '15',
        recordId: '3',
        subtable: '在庫明細',
        rows: {
          '368': { [STATUS]: '受注確認済', [DATE]: '2026-12-03' },
          '369': { [STATUS]: '一部受注', [DATE]: '2026-12-03' },
          // Nothing comes, and no date was ever promised for the row: its date is left alone.
          '370': { [STATUS]: '辞退' },
        },
      },
    ]);
    expect(kintone.comments).toEqual([
      {
        appId: '15',
        recordId: '3',
        text: [
          '仕入先 紙の山田商店 様が発注依頼 PO-20261129-0001 を一部のみ受注しました。',
          '数量:',
          '・B-200 コピー用紙 A4 500枚: 20個（発注 20個）',
          '・B-201 トナー TN-29J: 1個（発注 3個）',
          '・B-202 ホチキス針: 0箱（発注 5箱）',
          '納品予定日: 2026-12-03',
          '備考: B-202 は廃番のためお受けできません',
        ].join('\n'),
      },
    ]);
    const stored = await store.findOrderByNumber(ORDER_NUMBER);
    expect(stored?.steps.supplierAnswer).toEqual(perLine([20, 1, 0]));
    expect(stored?.steps.supplierAnswerAt).toBe(NOW.toISOString());
  });

  it('clears the date of a row that was promised one and now gets nothing', async () => {
    // Prepare
    const { kintone, answer } = await harness();
    await answer({ kind: 'confirmed', deliveryDate: '2026-12-02' });

    // Act
    await answer(perLine([20, 1, 0]));

    // Assess
    expect(kintone.rowUpdates.map((update) => update.rows)).toEqual([
      {
        '368': { [STATUS]: '受注確認済', [DATE]: '2026-12-02' },
        '369': { [STATUS]: '受注確認済', [DATE]: '2026-12-02' },
        '370': { [STATUS]: '受注確認済', [DATE]: '2026-12-02' },
      },
      {
        '368': { [STATUS]: '受注確認済', [DATE]: '2026-12-03' },
        '369': { [STATUS]: '一部受注', [DATE]: '2026-12-03' },
        '370': { [STATUS]: '辞退', [DATE]: '' },
      },
    ]);
    const change = kintone.comments[1]?.text ?? '';
    expect(change).toMatch(/^回答が変更されました。/);
    expect(change).toContain('変更前の回答: 受注（納品予定日: 2026-12-02）');
  });

  it('clears a row date per line when an earlier per-line answer had promised that row', async () => {
    // Prepare
    const { kintone, answer } = await harness();
    await answer(perLine([20, 1, 0]));

    // Act: B-201 now gets nothing either, B-202 still nothing.
    await answer(perLine([20, 0, 0], '2026-12-04'));

    // Assess
    expect(kintone.rowUpdates[1]?.rows).toEqual({
      '368': { [STATUS]: '受注確認済', [DATE]: '2026-12-04' },
      '369': { [STATUS]: '辞退', [DATE]: '' },
      '370': { [STATUS]: '辞退' },
    });
    expect(kintone.comments[1]?.text.split('\n').at(-1)).toBe(
      '変更前の回答: 一部受注（数量: B-200 20個・B-201 1個・B-202 0箱、納品予定日: 2026-12-03、備考: B-202 は廃番のためお受けできません）',
    );
  });

  it('writes nothing for the same per-line answer again, and records a changed quantity', async () => {
    // Prepare
    const { kintone, store, answer } = await harness();
    await answer(perLine([20, 1, 0]));

    // Act
    const again = await answer(perLine([20, 1, 0]));
    const changed = await answer(perLine([20, 2, 0]));

    // Assess
    expect(again).toBe('unchanged');
    expect(changed).toBe('recorded');
    expect(kintone.rowUpdates).toHaveLength(2);
    expect(kintone.comments).toHaveLength(2);
    const history = (await store.findOrderByNumber(ORDER_NUMBER))?.steps.supplierAnswerHistory;
    expect(history?.map((entry) => entry.answer)).toEqual([
      perLine([20, 1, 0]),
      perLine([20, 2, 0]),
    ]);
  });

  it('writes a whole-order answer into every row as before', async () => {
    // Prepare
    const { kintone, answer } = await harness();

    // Act
    await answer({ kind: 'declined', reason: '在庫切れ' });

    // Assess
    expect(kintone.rowUpdates[0]?.rows).toEqual({
      '368': { [STATUS]: '辞退' },
      '369': { [STATUS]: '辞退' },
      '370': { [STATUS]: '辞退' },
    });
  });

  it('skips a row deleted from the table and still comments on the record', async () => {
    // Prepare
    const { kintone, answer } = await harness();
    kintone.deletedRows.add('369');

    // Act
    const result = await answer(perLine([20, 1, 0]));

    // Assess
    expect(result).toBe('recorded');
    expect(Object.keys(kintone.rowUpdates[0]?.rows ?? {})).toEqual(['368', '370']);
    expect(kintone.comments).toHaveLength(1);
  });
});

describe('recordSupplierAnswer: a row order some of whose rows were received', () => {
  it('writes the answer only into the rows still waiting, and says closed once every row is in', async () => {
    // Prepare: B-200 (the lead row) was received before the supplier answered.
    const { kintone, store, answer } = await harness();
    await store.closeOrder({ appId: '15', recordId: '3:368' }, 1, NOW.toISOString(), '入荷済');

    // Act
    const result = await answer({ kind: 'confirmed', deliveryDate: '2026-12-03' });

    // Assess
    expect(result).toBe('recorded');
    expect(Object.keys(kintone.rowUpdates[0]?.rows ?? {})).toEqual(['369', '370']);

    // Once the other two rows are in too, the order is closed for the supplier.
    await store.closeOrder({ appId: '15', recordId: '3:369' }, 1, NOW.toISOString(), '入荷済');
    await store.closeOrder({ appId: '15', recordId: '3:370' }, 1, NOW.toISOString(), '入荷済');
    expect(await answer({ kind: 'declined', reason: '在庫切れ' })).toBe('closed');
    expect(kintone.rowUpdates).toHaveLength(1);
  });
});

describe('recordSupplierAnswer: a row order whose record kintone reported deleted', () => {
  it('keeps the answer in the bridge and writes nothing to kintone', async () => {
    // Prepare: the delete notification names the record (3), not its rows.
    const { kintone, store, answer } = await harness();
    await store.markDeleted({ appId: '15', recordId: '3' }, NOW.toISOString());

    // Act
    const result = await answer({ kind: 'confirmed', deliveryDate: '2026-12-03' });

    // Assess
    expect(result).toBe('recorded');
    expect(kintone.rowUpdates).toEqual([]);
    expect(kintone.comments).toEqual([]);
    expect((await store.findOrderByNumber(ORDER_NUMBER))?.steps.supplierAnswer?.kind).toBe(
      'confirmed',
    );
  });
});

describe('recordSupplierAnswer: an order with several lines kept on one record', () => {
  it('writes 一部受注 and the date onto the record and lists the lines in the comment', async () => {
    // Prepare: the same lines without rows, on app 12 whose items are records.
    const lines = ROW_LINES.map(({ rowId: _rowId, ...line }) => line);
    const { kintone, answer } = await harness(
      order({
        appId: '12',
        recordId: '7',
        rows: undefined,
        request: { ...order().request, lines },
      }),
    );

    // Act
    await answer({
      kind: 'partial',
      deliveryDate: '2026-12-03',
      lines: lines.map((line, index) => ({ sku: line.sku, quantity: index === 1 ? 1 : 0 })),
      note: 'トナーのみ1個',
    });

    // Assess
    expect(kintone.rowUpdates).toEqual([]);
    expect(kintone.updates).toEqual([
      { appId: '12', recordId: '7', values: { 発注状況: '一部受注', 納品予定日: '2026-12-03' } },
    ]);
    expect(kintone.comments[0]?.text).toContain('・B-201 トナー TN-29J: 1個（発注 3個）');
    expect(kintone.comments[0]?.text).toContain('・B-202 ホチキス針: 0箱（発注 5箱）');
  });
});
