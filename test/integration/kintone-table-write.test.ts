import { KintoneRestAPIClient, KintoneRestAPIError } from '@kintone/rest-api-client';
import { RestKintoneRecordWriter } from '../../shared/adapters/kintone/kintone-record-writer';
import { formSaveTable } from '../../local/kintone/form-save';
import { startLocalKintone, type LocalKintone } from '../../local/kintone/local-kintone';
import { siteInventoryApp } from '../../local/kintone/site-inventory-app';

const APP = siteInventoryApp.appId;
const TOKEN = 'table-write-test-token';
const TABLE = '在庫明細';

interface Row {
  id: string;
  value: Record<string, { type: string; value: unknown }>;
}

/**
 * The bridge's table write against the local kintone (which replaces a table on update and
 * checks revisions as kintone does), with staff edits injected between its read and its write.
 */
describe('RestKintoneRecordWriter.updateRows against the local kintone', () => {
  let kintone: LocalKintone;
  let bridgeClient: KintoneRestAPIClient;
  let staff: KintoneRestAPIClient;
  let conflicts: number[];
  let writer: RestKintoneRecordWriter;

  const calls = () =>
    kintone.requestLog().map((call) => `${call.method} ${call.path} ${call.status}`);

  async function rows(): Promise<Row[]> {
    const { record } = await staff.record.getRecord({ app: APP, id: '1' });
    return (record[TABLE] as unknown as { value: Row[] }).value;
  }

  async function revision(): Promise<number> {
    const { record } = await staff.record.getRecord({ app: APP, id: '1' });
    return Number(record.$revision?.value);
  }

  /** A person saves the record in kintone: one row's 在庫数 changes. */
  async function staffSetsOnHand(rowIndex: number, onHand: string): Promise<void> {
    const { record } = await staff.record.getRecord({ app: APP, id: '1' });
    const table = formSaveTable(
      (record[TABLE] as unknown as { value: Row[] }).value,
      (_row, index): Record<string, string> => (index === rowIndex ? { 明細_在庫数: onHand } : {}),
    );
    await staff.record.updateRecord({
      app: APP,
      id: '1',
      record: { [TABLE]: { value: table } },
      revision: record.$revision?.value as string,
    });
  }

  /** Makes staff save the record right after each of the bridge's next `times` reads. */
  function staffEditsAfterBridgeReads(times: number): void {
    const read = bridgeClient.record.getRecord.bind(bridgeClient.record);
    let left = times;
    bridgeClient.record.getRecord = (async (params: Parameters<typeof read>[0]) => {
      const result = await read(params);
      if (left > 0) {
        left -= 1;
        await staffSetsOnHand(2, String(10 + left));
      }
      return result;
    }) as typeof bridgeClient.record.getRecord;
  }

  beforeEach(async () => {
    kintone = await startLocalKintone({ apps: [siteInventoryApp], apiTokens: { [APP]: [TOKEN] } });
    bridgeClient = new KintoneRestAPIClient({
      baseUrl: kintone.baseUrl,
      auth: { apiToken: TOKEN },
    });
    staff = new KintoneRestAPIClient({ baseUrl: kintone.baseUrl, auth: { apiToken: TOKEN } });
    conflicts = [];
    writer = new RestKintoneRecordWriter(async () => bridgeClient, {
      sleep: async () => {},
      onRevisionConflict: ({ attempt }) => conflicts.push(attempt),
    });
  });

  afterEach(async () => {
    await kintone.close();
  });

  it('writes into two rows and keeps the third row, every row id and every other value', async () => {
    // Prepare
    const before = await rows();
    const [first, second, third] = before.map((row) => row.id);
    const read = await revision();
    const logBefore = calls().length;

    // Act
    const result = await writer.updateRows(APP, '1', TABLE, {
      [first as string]: { 明細_発注状況: '発注依頼済', 明細_発注番号: 'PO-20261129-0001' },
      [second as string]: { 明細_発注状況: '発注依頼済', 明細_発注番号: 'PO-20261129-0001' },
    });

    // Assess: the write is the save from the revision read, kintone's next one.
    expect(result).toEqual({
      updatedRows: [first, second],
      missingRows: [],
      written: { fromRevision: read, revision: read + 1 },
    });
    expect(await revision()).toBe(read + 1);
    const after = await rows();
    expect(after.map((row) => row.id)).toEqual([first, second, third]);
    expect(after[0]?.value['明細_発注番号']?.value).toBe('PO-20261129-0001');
    expect(after[0]?.value['明細_品番']?.value).toBe('B-200');
    expect(after[0]?.value['明細_在庫数']?.value).toBe(before[0]?.value['明細_在庫数']?.value);
    expect(after[2]).toEqual(before[2]);
    expect(calls().slice(logBefore, logBefore + 2)).toEqual([
      'GET /k/v1/record.json 200',
      'PUT /k/v1/record.json 200',
    ]);
  });

  it('reads again after a revision conflict (GAIA_CO02) and keeps the staff edit made in between', async () => {
    // Prepare
    const [first] = (await rows()).map((row) => row.id);
    const read = await revision();
    staffEditsAfterBridgeReads(1);
    const logBefore = calls().length;

    // Act
    const result = await writer.updateRows(APP, '1', TABLE, {
      [first as string]: { 明細_発注状況: '発注依頼済' },
    });
    const log = calls().slice(logBefore);

    // Assess: written on top of the staff's save, not of the revision first read.
    expect(result.updatedRows).toEqual([first]);
    expect(result.written).toEqual({ fromRevision: read + 1, revision: read + 2 });
    expect(conflicts).toEqual([1]);
    const after = await rows();
    expect(after[0]?.value['明細_発注状況']?.value).toBe('発注依頼済');
    expect(after[2]?.value['明細_在庫数']?.value).toBe('10'); // the staff's edit
    // The bridge's read, the staff's save, the bridge's refused write, its second round.
    expect(log).toEqual([
      'GET /k/v1/record.json 200',
      'GET /k/v1/record.json 200',
      'PUT /k/v1/record.json 200',
      'PUT /k/v1/record.json 409',
      'GET /k/v1/record.json 200',
      'PUT /k/v1/record.json 200',
    ]);
  });

  it('gives up with GAIA_CO02 when staff keep saving through every attempt, writing nothing', async () => {
    // Prepare
    const [first] = (await rows()).map((row) => row.id);
    writer = new RestKintoneRecordWriter(async () => bridgeClient, {
      sleep: async () => {},
      tableWriteAttempts: 2,
      onRevisionConflict: ({ attempt }) => conflicts.push(attempt),
    });
    staffEditsAfterBridgeReads(2);

    // Act
    let error: unknown;
    try {
      await writer.updateRows(APP, '1', TABLE, {
        [first as string]: { 明細_発注状況: '発注依頼済' },
      });
    } catch (caught) {
      error = caught;
    }

    // Assess: the queue retries the step later; kintone keeps the staff's values.
    expect(error).toBeInstanceOf(KintoneRestAPIError);
    expect((error as KintoneRestAPIError).code).toBe('GAIA_CO02');
    expect(conflicts).toEqual([1]);
    expect((await rows())[0]?.value['明細_発注状況']?.value).toBe('未発注');
  });

  it('makes no write (and so fires no webhook) when the rows already hold the values', async () => {
    // Prepare
    const [first] = (await rows()).map((row) => row.id);
    const logBefore = calls().length;

    // Act
    const result = await writer.updateRows(APP, '1', TABLE, {
      [first as string]: { 明細_発注状況: '未発注' },
    });

    // Assess
    expect(result).toEqual({ updatedRows: [], missingRows: [] });
    expect(calls().slice(logBefore)).toEqual(['GET /k/v1/record.json 200']);
  });

  it('reports a row staff deleted meanwhile and writes the others', async () => {
    // Act
    const [first] = (await rows()).map((row) => row.id);
    const result = await writer.updateRows(APP, '1', TABLE, {
      '999999': { 明細_発注状況: '発注依頼済' },
      [first as string]: { 明細_発注状況: '要確認' },
    });

    // Assess
    expect(result).toEqual({
      updatedRows: [first],
      missingRows: ['999999'],
      written: { fromRevision: expect.any(Number), revision: expect.any(Number) },
    });
    expect((await rows()).length).toBe(3);
  });

  it('retries a 429 on the write and then writes', async () => {
    // Prepare
    const [first] = (await rows()).map((row) => row.id);
    kintone.injectFailures({ status: 429, times: 1, methods: ['PUT'] });

    // Act
    const result = await writer.updateRows(APP, '1', TABLE, {
      [first as string]: { 明細_発注状況: '発注依頼済' },
    });

    // Assess
    expect(result.updatedRows).toEqual([first]);
    expect((await rows())[0]?.value['明細_発注状況']?.value).toBe('発注依頼済');
  });
});
