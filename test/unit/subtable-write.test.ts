import { planTableWrite, SubtableWriteError } from '../../shared/kintone/subtable-write';

/** Record 3 as GET record.json returns it: two rows, one with a CALC field. */
function record() {
  const row = (id: string, sku: string, status: string) => ({
    id,
    value: {
      明細_品番: { type: 'SINGLE_LINE_TEXT', value: sku },
      明細_在庫数: { type: 'NUMBER', value: '4' },
      明細_金額: { type: 'CALC', value: '1200' },
      明細_発注状況: { type: 'DROP_DOWN', value: status },
      明細_発注日時: { type: 'DATETIME', value: '2026-11-29T01:00:00Z' },
      明細_担当: { type: 'USER_SELECT', value: [{ code: 'sato', name: '佐藤' }] },
    },
  });
  return {
    $id: { type: '__ID__', value: '3' },
    $revision: { type: '__REVISION__', value: '14' },
    拠点: { type: 'SINGLE_LINE_TEXT', value: '大阪倉庫' },
    在庫明細: {
      type: 'SUBTABLE',
      value: [row('368', 'B-200', '未発注'), row('369', 'B-201', '未発注')],
    },
  };
}

describe('planTableWrite', () => {
  it('sends every row with every value it read, changing only the named fields, with the read revision', () => {
    // Act
    const plan = planTableWrite(record(), '在庫明細', { '368': { 明細_発注状況: '発注依頼済' } });

    // Assess
    expect(plan.revision).toBe('14');
    expect(plan.updatedRows).toEqual(['368']);
    expect(plan.missingRows).toEqual([]);
    expect(plan.table).toEqual([
      {
        id: '368',
        value: {
          明細_品番: { value: 'B-200' },
          明細_在庫数: { value: '4' },
          明細_発注状況: { value: '発注依頼済' },
          明細_発注日時: { value: '2026-11-29T01:00:00Z' },
          明細_担当: { value: [{ code: 'sato', name: '佐藤' }] },
        },
      },
      {
        id: '369',
        value: {
          明細_品番: { value: 'B-201' },
          明細_在庫数: { value: '4' },
          明細_発注状況: { value: '未発注' },
          明細_発注日時: { value: '2026-11-29T01:00:00Z' },
          明細_担当: { value: [{ code: 'sato', name: '佐藤' }] },
        },
      },
    ]);
  });

  it('plans no write when the rows already hold the values (a DATETIME compared to the minute)', () => {
    // Act
    const plan = planTableWrite(record(), '在庫明細', {
      '369': { 明細_発注状況: '未発注', 明細_発注日時: '2026-11-29T01:00:00.000Z' },
    });

    // Assess
    expect(plan.updatedRows).toEqual([]);
  });

  it('reports rows the table no longer has, and keeps the others', () => {
    // Act
    const plan = planTableWrite(record(), '在庫明細', {
      '367': { 明細_発注状況: '発注依頼済' },
      '369': { 明細_発注状況: '要確認' },
    });

    // Assess
    expect(plan.missingRows).toEqual(['367']);
    expect(plan.updatedRows).toEqual(['369']);
    expect(plan.table.map((row) => row.id)).toEqual(['368', '369']);
  });

  it('refuses a table that is not there, or a write-back field the rows lack', () => {
    // Act & Assess
    expect(() => planTableWrite(record(), '明細', {})).toThrow(SubtableWriteError);
    expect(() => planTableWrite(record(), '拠点', {})).toThrow('is not a table');
    expect(() =>
      planTableWrite(record(), '在庫明細', { '368': { 発注状況: '発注依頼済' } }),
    ).toThrow('the rows of table "在庫明細" have no field "発注状況"');
  });
});
