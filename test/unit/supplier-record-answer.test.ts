import { loadConfigFile } from '../../shared/config/load-config';
import type { OrderEvent, PurchaseOrder } from '../../shared/domain/purchase-order';
import { recordSupplierAnswer, type RecordAnswerDeps } from '../../shared/use-cases/record-answer';
import type { SupplierAnswer } from '../../shared/domain/supplier-answer';
import { RecordingKintoneRecordWriter } from '../fakes/recording-kintone-writer';
import { RecordingLogger } from '../fakes/recording-logger';
import { orderLine, PurchaseOrderBook, sealedOrder } from '../support/purchase-orders';

const ORDER_NUMBER = 'PO-20261129-0001';
const NOW = new Date('2026-11-29T07:10:00.000Z');
const STATUS = '明細_発注状況';
const DATE = '明細_納品予定日';

/** Three rows of record 3 of app 15 (拠点在庫), ordered from one supplier as one order. */
const ROW_LINES = [
  orderLine({
    appId: '15',
    recordId: '3',
    rowId: '368',
    sku: 'B-200',
    name: 'コピー用紙 A4 500枚',
    quantity: 20,
    unit: '個',
  }),
  orderLine({
    appId: '15',
    recordId: '3',
    rowId: '369',
    sku: 'B-201',
    name: 'トナー TN-29J',
    quantity: 3,
    unit: '個',
  }),
  orderLine({
    appId: '15',
    recordId: '3',
    rowId: '370',
    sku: 'B-202',
    name: 'ホチキス針',
    quantity: 5,
    unit: '箱',
  }),
];

const EMAILED: OrderEvent = { kind: 'email-sent', at: '2026-11-29T01:00:01.000Z', messageId: 'm' };

function order(lines = ROW_LINES, appId = '15'): PurchaseOrder {
  return sealedOrder({
    orderNumber: ORDER_NUMBER,
    appId,
    lines,
    channels: [{ kind: 'email', address: 'sales@yamada-paper.example.jp' }],
    supplier: { code: 'S-002', name: '紙の山田商店', email: 'sales@yamada-paper.example.jp' },
    log: [EMAILED, { kind: 'written-back', at: '2026-11-29T01:00:02.000Z', lineIds: [] }],
  });
}

/** A partial answer with the given quantity per line, B-200, B-201, B-202 in that order. */
function perLine(quantities: [number, number, number], deliveryDate = '2026-12-03') {
  return {
    kind: 'partial',
    deliveryDate,
    lines: ROW_LINES.map((line, index) => ({
      sku: line.sku,
      rowId: line.item.rowId ?? '',
      quantity: quantities[index] ?? 0,
    })),
    note: 'B-202 は廃番のためお受けできません',
  } satisfies SupplierAnswer;
}

async function harness(stored: PurchaseOrder = order()) {
  // Prepare
  const orders = new PurchaseOrderBook(stored);
  const kintone = new RecordingKintoneRecordWriter();
  const logger = new RecordingLogger();
  const deps: RecordAnswerDeps = {
    config: loadConfigFile('config/demo.json'),
    orders,
    kintone,
    logger,
    now: () => new Date(NOW),
  };
  /** The answers on the order, oldest first. */
  const answers = () =>
    orders
      .current(ORDER_NUMBER)
      .log.flatMap((event) => (event.kind === 'supplier-answer' ? [event] : []));
  return {
    orders,
    kintone,
    logger,
    answers,
    /** Staff closed a line in kintone (入荷済). */
    close: (lineId: string) =>
      orders.append(ORDER_NUMBER, {
        kind: 'line-closed',
        at: NOW.toISOString(),
        lineId,
        status: '入荷済',
      }),
    /** Records the answer against the order as stored now, as the page handler does. */
    answer: (answer: SupplierAnswer) =>
      recordSupplierAnswer(orders.current(ORDER_NUMBER), answer, deps),
  };
}

describe('recordSupplierAnswer: an order made for SUBTABLE rows', () => {
  it('writes each row the status of its own line: in full, in part, not at all', async () => {
    // Prepare
    const { kintone, answers, answer } = await harness();

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
    expect(answers()).toEqual([
      { kind: 'supplier-answer', at: NOW.toISOString(), answer: perLine([20, 1, 0]) },
    ]);
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
    const { kintone, answers, answer } = await harness();
    await answer(perLine([20, 1, 0]));

    // Act
    const again = await answer(perLine([20, 1, 0]));
    const changed = await answer(perLine([20, 2, 0]));

    // Assess
    expect(again).toBe('unchanged');
    expect(changed).toBe('recorded');
    expect(kintone.rowUpdates).toHaveLength(2);
    expect(kintone.comments).toHaveLength(2);
    expect(answers().map((entry) => entry.answer)).toEqual([
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

describe('recordSupplierAnswer: an order some of whose lines were received', () => {
  it('writes the answer only into the lines still waiting, and says closed once every line is in', async () => {
    // Prepare: B-200 was received before the supplier answered.
    const { kintone, close, answer } = await harness();
    await close('3:368');

    // Act
    const result = await answer({ kind: 'confirmed', deliveryDate: '2026-12-03' });

    // Assess
    expect(result).toBe('recorded');
    expect(Object.keys(kintone.rowUpdates[0]?.rows ?? {})).toEqual(['369', '370']);

    // Once the other two lines are in too, the order is closed for the supplier.
    await close('3:369');
    await close('3:370');
    expect(await answer({ kind: 'declined', reason: '在庫切れ' })).toBe('closed');
    expect(kintone.rowUpdates).toHaveLength(1);
  });
});

describe('recordSupplierAnswer: an order whose record was deleted in kintone', () => {
  it('keeps the answer in the bridge and writes nothing to kintone', async () => {
    // Prepare
    const { kintone, logger, answers, answer } = await harness();
    kintone.deletedRecords.add('3');

    // Act
    const result = await answer({ kind: 'confirmed', deliveryDate: '2026-12-03' });

    // Assess
    expect(result).toBe('recorded');
    expect(kintone.rowUpdates).toEqual([]);
    expect(kintone.comments).toEqual([]);
    expect(answers().map((entry) => entry.answer.kind)).toEqual(['confirmed']);
    expect(
      logger.withMessage('supplier answer kept on the order only: the kintone records are gone'),
    ).toHaveLength(1);
  });
});

describe('recordSupplierAnswer: an order whose lines are records of their own', () => {
  // The same items as records 7, 8 and 9 of app 12, one line each.
  const lines = ROW_LINES.map(({ lineId: _lineId, item: _item, ...line }, index) =>
    orderLine({ ...line, recordId: String(7 + index) }),
  );
  const byLine = (quantities: number[]): SupplierAnswer => ({
    kind: 'partial',
    deliveryDate: '2026-12-03',
    lines: lines.map((line, index) => ({
      lineId: line.lineId,
      sku: line.sku,
      quantity: quantities[index] ?? 0,
    })),
    note: 'トナーのみ1個',
  });

  it('writes each record its own line’s status in one bulk update, and comments its own quantity', async () => {
    // Prepare
    const { kintone, answer } = await harness(order(lines, '12'));

    // Act
    await answer(byLine([20, 1, 0]));

    // Assess
    expect(kintone.rowUpdates).toEqual([]);
    expect(kintone.bulkUpdates).toEqual([
      {
        appId: '12',
        records: [
          { recordId: '7', values: { 発注状況: '受注確認済', 納品予定日: '2026-12-03' } },
          { recordId: '8', values: { 発注状況: '一部受注', 納品予定日: '2026-12-03' } },
          { recordId: '9', values: { 発注状況: '辞退' } },
        ],
      },
    ]);
    expect(kintone.comments.map((comment) => comment.recordId)).toEqual(['7', '8', '9']);
    const [first, second, third] = kintone.comments.map((comment) => comment.text);
    expect(second).toContain('・B-201 トナー TN-29J: 1個（発注 3個）');
    expect(second).not.toContain('B-200');
    expect(first).toContain('・B-200 コピー用紙 A4 500枚: 20個（発注 20個）');
    expect(third).toContain('・B-202 ホチキス針: 0箱（発注 5箱）');
  });

  it('shows each record what its own line had before when the answer changes', async () => {
    // Prepare
    const { kintone, answer } = await harness(order(lines, '12'));
    await answer(byLine([20, 1, 0]));

    // Act
    await answer(byLine([20, 2, 0]));

    // Assess
    expect(kintone.bulkUpdates[1]?.records.map((record) => record.values)).toEqual([
      { 発注状況: '受注確認済', 納品予定日: '2026-12-03' },
      { 発注状況: '一部受注', 納品予定日: '2026-12-03' },
      { 発注状況: '辞退' },
    ]);
    expect(kintone.comments[4]?.text.split('\n').at(-1)).toBe(
      '変更前の回答: 一部受注（数量: B-201 1個、納品予定日: 2026-12-03、備考: トナーのみ1個）',
    );
  });

  it('writes 受注確認済 and the date to every record for a confirmation', async () => {
    // Prepare
    const { kintone, answer } = await harness(order(lines, '12'));

    // Act
    await answer({ kind: 'confirmed', deliveryDate: '2026-12-03', note: '承知しました' });

    // Assess
    expect(kintone.updates.map((update) => update.values)).toEqual([
      { 発注状況: '受注確認済', 納品予定日: '2026-12-03' },
      { 発注状況: '受注確認済', 納品予定日: '2026-12-03' },
      { 発注状況: '受注確認済', 納品予定日: '2026-12-03' },
    ]);
    expect(kintone.comments[0]?.text).toBe(
      '仕入先 紙の山田商店 様が発注依頼 PO-20261129-0001 を受注しました。\n納品予定日: 2026-12-03\n備考: 承知しました',
    );
  });
});
