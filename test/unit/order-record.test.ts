import type { PurchaseOrderLine } from '../../shared/domain/purchase-order';
import {
  commentOnLines,
  isRecordGone,
  openLines,
  writeLineFields,
} from '../../shared/use-cases/order-record';
import { recordNotFound, RecordingKintoneRecordWriter } from '../fakes/recording-kintone-writer';
import { RecordingLogger } from '../fakes/recording-logger';
import { ORDERED_AT, orderLine, sealedOrder } from '../support/purchase-orders';

const TABLE = '在庫明細';

function setup(lines: PurchaseOrderLine[]) {
  const order = sealedOrder({ lines });
  const kintone = new RecordingKintoneRecordWriter();
  const logger = new RecordingLogger();
  const context = { subtable: TABLE, logger };
  const ids = lines.map((line) => line.lineId);
  return { order, kintone, logger, context, ids };
}

const plain = (recordId: string) => orderLine({ recordId, reason: `理由 ${recordId}` });
const row = (recordId: string, rowId: string) =>
  orderLine({ recordId, rowId, reason: `理由 ${recordId}:${rowId}` });
const reasonOf = (line: PurchaseOrderLine) => ({ 発注理由: line.reason });

describe('writeLineFields', () => {
  it('writes the plain records of an order in one bulk update, each its own values', async () => {
    // Prepare
    const { order, kintone, context, ids } = setup([plain('7'), plain('8'), plain('9')]);

    // Act
    const result = await writeLineFields(kintone, order, ids, reasonOf, context);

    // Assess
    expect(kintone.bulkUpdates).toEqual([
      {
        appId: '12',
        records: [
          { recordId: '7', values: { 発注理由: '理由 7' } },
          { recordId: '8', values: { 発注理由: '理由 8' } },
          { recordId: '9', values: { 発注理由: '理由 9' } },
        ],
      },
    ]);
    expect(kintone.writeCalls()).toBe(1);
    expect(result).toEqual({ lineIds: ['7', '8', '9'], missing: [], fields: ['発注理由'] });
  });

  it('takes one kintone call per 100 plain records', async () => {
    // Prepare
    const lines = Array.from({ length: 250 }, (_, index) => plain(String(index + 1)));
    const { order, kintone, context, ids } = setup(lines);

    // Act
    const result = await writeLineFields(kintone, order, ids, reasonOf, context);

    // Assess
    expect(kintone.bulkUpdates.map((call) => call.records.length)).toEqual([100, 100, 50]);
    expect(kintone.writeCalls()).toBe(3);
    expect(result.lineIds).toHaveLength(250);
  });

  it('writes the rows of each table record in one table write per record', async () => {
    // Prepare
    const { order, kintone, context, ids } = setup([
      row('3', '368'),
      row('3', '369'),
      row('4', '401'),
      plain('7'),
    ]);

    // Act
    const result = await writeLineFields(kintone, order, ids, reasonOf, context);

    // Assess
    expect(kintone.rowUpdates).toEqual([
      {
        appId: '12',
        recordId: '3',
        subtable: TABLE,
        rows: { '368': { 発注理由: '理由 3:368' }, '369': { 発注理由: '理由 3:369' } },
      },
      { appId: '12', recordId: '4', subtable: TABLE, rows: { '401': { 発注理由: '理由 4:401' } } },
    ]);
    expect(kintone.bulkUpdates).toEqual([
      { appId: '12', records: [{ recordId: '7', values: { 発注理由: '理由 7' } }] },
    ]);
    expect(kintone.writeCalls()).toBe(3);
    expect(result.lineIds.sort()).toEqual(['3:368', '3:369', '4:401', '7']);
  });

  it('writes only the lines asked for', async () => {
    // Prepare
    const { order, kintone, context } = setup([plain('7'), plain('8'), row('3', '368')]);

    // Act
    const result = await writeLineFields(kintone, order, ['8'], reasonOf, context);

    // Assess
    expect(kintone.updates.map((update) => update.recordId)).toEqual(['8']);
    expect(kintone.rowUpdates).toEqual([]);
    expect(result.lineIds).toEqual(['8']);
  });

  it('makes no call for lines without values to write', async () => {
    // Prepare
    const { order, kintone, context, ids } = setup([plain('7'), row('3', '368')]);

    // Act
    const result = await writeLineFields(kintone, order, ids, () => ({}), context);

    // Assess
    expect(kintone.writeCalls()).toBe(0);
    expect(result).toEqual({ lineIds: ['7', '3:368'], missing: [], fields: [] });
  });

  it('skips records deleted in kintone and writes the others', async () => {
    // Prepare
    const { order, kintone, logger, context, ids } = setup([
      plain('7'),
      plain('8'),
      row('3', '368'),
      row('4', '401'),
      row('4', '402'),
    ]);
    kintone.deletedRecords.add('8');
    kintone.deletedRecords.add('3');
    kintone.deletedRows.add('402');

    // Act
    const result = await writeLineFields(kintone, order, ids, reasonOf, context);

    // Assess
    expect(kintone.updates.map((update) => update.recordId)).toEqual(['7']);
    expect(kintone.rowUpdates.map((update) => Object.keys(update.rows))).toEqual([['401']]);
    expect(result.lineIds.sort()).toEqual(['4:401', '7']);
    expect(result.missing.sort()).toEqual(['3:368', '4:402', '8']);
    expect(
      logger.withMessage('kintone records deleted: the order was not written to them'),
    ).toEqual([expect.objectContaining({ extra: expect.objectContaining({ recordIds: ['8'] }) })]);
    expect(
      logger.withMessage('kintone record deleted: the order was not written to it'),
    ).toHaveLength(1);
    expect(
      logger.withMessage('table rows deleted: the order was not written to them'),
    ).toHaveLength(1);
  });

  it('throws any other kintone failure, for the caller’s retry', async () => {
    // Prepare
    const { order, kintone, context, ids } = setup([row('3', '368')]);
    kintone.updateFailures.push(new Error('503: Service Unavailable'));

    // Act
    const writing = writeLineFields(kintone, order, ids, reasonOf, context);

    // Assess
    await expect(writing).rejects.toThrow('503');
  });

  it('refuses table rows when the app names no subtable', async () => {
    // Prepare
    const { order, kintone, logger, ids } = setup([row('3', '368')]);

    // Act
    const writing = writeLineFields(kintone, order, ids, reasonOf, { subtable: undefined, logger });

    // Assess
    await expect(writing).rejects.toThrow(RangeError);
  });
});

describe('commentOnLines', () => {
  it('comments once per record, with the record’s lines for a text that depends on them', async () => {
    // Prepare
    const { order, kintone, context, ids } = setup([row('3', '368'), row('3', '369'), plain('7')]);

    // Act
    const result = await commentOnLines(
      kintone,
      order,
      ids,
      (lines) => lines.map((line) => line.lineId).join(','),
      context,
    );

    // Assess
    expect(kintone.comments).toEqual([
      { appId: '12', recordId: '3', text: '3:368,3:369' },
      { appId: '12', recordId: '7', text: '7' },
    ]);
    expect(result).toEqual({ lineIds: ['3:368', '3:369', '7'], missing: [] });
  });

  it('skips a deleted record and comments on the others', async () => {
    // Prepare
    const { order, kintone, logger, context, ids } = setup([plain('7'), plain('8')]);
    kintone.deletedRecords.add('7');

    // Act
    const result = await commentOnLines(kintone, order, ids, '発注しました', context);

    // Assess
    expect(kintone.comments.map((comment) => comment.recordId)).toEqual(['8']);
    expect(result).toEqual({ lineIds: ['8'], missing: ['7'] });
    expect(logger.withMessage('kintone record deleted: no comment added')).toHaveLength(1);
  });
});

describe('openLines', () => {
  it('leaves out lines dropped before the send and lines staff closed', () => {
    // Prepare
    const order = sealedOrder({ lines: [plain('7'), plain('8'), plain('9')] });
    order.log.splice(1, 0, { kind: 'line-dropped', at: ORDERED_AT, lineId: '8', reason: '回復' });
    order.log.push({ kind: 'line-closed', at: ORDERED_AT, lineId: '9', status: '入荷済' });

    // Act
    const open = openLines(order);

    // Assess
    expect(open.map((line) => line.lineId)).toEqual(['7']);
  });
});

describe('isRecordGone', () => {
  it.each([
    ['a deleted record (GAIA_RE01)', recordNotFound('7'), true],
    ['a deleted app (GAIA_AP01)', Object.assign(new Error('app'), { code: 'GAIA_AP01' }), true],
    ['a rate limit', Object.assign(new Error('busy'), { code: 'GAIA_TO04' }), false],
    ['a plain error', new Error('503: Service Unavailable'), false],
    ['not an error', 'GAIA_RE01', false],
  ])('%s', (_what, error, gone) => {
    expect(isRecordGone(error)).toBe(gone);
  });
});
