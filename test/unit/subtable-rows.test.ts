import { notificationSchema, isRecordNotification } from '../../shared/kintone/notification';
import { recordRows, rowItemId } from '../../shared/kintone/subtable-rows';
import { loadWebhookFixture } from '../fixtures/kintone-webhooks';

function fixtureRecord() {
  const notification = notificationSchema.parse(loadWebhookFixture('update-record-subtable.json'));
  if (!isRecordNotification(notification)) throw new Error('not a record notification');
  return notification.record;
}

describe('recordRows', () => {
  it('reads each row of the fixture over the record, with the record id and revision', () => {
    // Act
    const result = recordRows(fixtureRecord(), '在庫明細');

    // Assess
    if (!result.ok) throw new Error(result.problem);
    expect(result.rows.map((row) => row.rowId)).toEqual(['368', '369', '370']);
    const [first] = result.rows;
    expect(first?.record.$id?.value).toBe('3');
    expect(first?.record.$revision?.value).toBe('14');
    expect(first?.record['拠点']?.value).toBe('大阪倉庫');
    expect(first?.record['明細_品番']?.value).toBe('B-200');
    expect(first?.record['在庫明細']).toBeUndefined();
  });

  it('says which table is missing or is not a table', () => {
    // Act
    const missing = recordRows(fixtureRecord(), '明細');
    const notTable = recordRows(fixtureRecord(), '拠点');

    // Assess
    expect(missing).toEqual({ ok: false, problem: 'テーブル「明細」がレコードにありません' });
    expect(notTable).toEqual({
      ok: false,
      problem: '「拠点」がテーブルではありません (SINGLE_LINE_TEXT)',
    });
  });

  it('keys a row by record and row id', () => {
    expect(rowItemId('3', '368')).toBe('3:368');
  });
});
