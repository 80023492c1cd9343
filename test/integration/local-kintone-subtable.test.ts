import { KintoneRestAPIClient, KintoneRestAPIError } from '@kintone/rest-api-client';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startLocalKintone,
  type LocalKintone,
  type LocalKintoneOptions,
  type SubtableRowJson,
} from '../../local/kintone/local-kintone';
import { siteInventoryApp } from '../../local/kintone/site-inventory-app';
import { loadDemoConfigJson, loadWebhookFixture } from '../fixtures/kintone-webhooks';
import { startTestStack, type TestStack } from '../support/local-stack';

const APP = siteInventoryApp.appId;
const TABLE = '在庫明細';
const TOKEN = 'local-site-inventory-token';
const FIXED_NOW = new Date('2026-12-01T00:30:12.000Z');

/** A table row as a write sends it: `{ id?, value: { code: { value } } }`. */
interface RowInput {
  id?: string;
  value: Record<string, { value: string }>;
}

/** The fields of the fixture's rows, with the seed's values of the three items. */
const SEEDED_ROWS = [
  {
    明細_品番: 'B-200',
    明細_品名: 'コピー用紙 A4 500枚',
    明細_在庫数: '30',
    明細_発注点: '10',
    明細_発注量: '20',
    明細_単価: '398',
    明細_軽減税率: '対象外',
    明細_仕入先コード: 'S-002',
  },
  {
    明細_品番: 'B-201',
    明細_品名: 'トナー TN-29J',
    明細_在庫数: '5',
    明細_発注点: '2',
    明細_発注量: '3',
    明細_単価: '8980',
    明細_軽減税率: '対象外',
    明細_仕入先コード: 'S-002',
  },
  {
    明細_品番: 'B-202',
    明細_品名: '付箋 75mm 黄',
    明細_在庫数: '40',
    明細_発注点: '10',
    明細_発注量: '50',
    明細_単価: '88',
    明細_軽減税率: '対象外',
    明細_仕入先コード: 'S-003',
  },
];

/** The write-back fields of a row the bridge has not touched. */
const UNTOUCHED_WRITE_BACK = {
  明細_発注状況: '未発注',
  明細_発注番号: '',
  明細_発注日時: '',
  明細_発注理由: '',
  明細_納品予定日: '',
};

function rowsOf(record: Record<string, unknown>): SubtableRowJson[] {
  const field = record[TABLE] as { type: string; value: SubtableRowJson[] };
  expect(field.type).toBe('SUBTABLE');
  return field.value;
}

/** Each row's values as plain strings, field code to value. */
function valuesOf(rows: readonly SubtableRowJson[]): Array<Record<string, string>> {
  return rows.map((row) =>
    Object.fromEntries(Object.entries(row.value).map(([code, field]) => [code, field.value])),
  );
}

/** Rows read from kintone, sent back as a write (with their ids), optionally changed. */
function asInput(
  rows: readonly SubtableRowJson[],
  change: (values: Record<string, string>, index: number) => Record<string, string> = (v) => v,
): RowInput[] {
  return valuesOf(rows).map((values, index) => ({
    id: rows[index]?.id ?? '',
    value: Object.fromEntries(
      Object.entries(change(values, index)).map(([code, value]) => [code, { value }]),
    ),
  }));
}

/** The record's shape: field types, and for a table each row's keys and field types. */
function shapeOf(record: Record<string, { type: string; value: unknown }>, codes: string[]) {
  return Object.fromEntries(
    codes.map((code) => {
      const field = record[code];
      if (field?.type !== 'SUBTABLE') return [code, field?.type];
      return [
        code,
        (field.value as SubtableRowJson[]).map((row) => ({
          keys: Object.keys(row),
          idIsNumeric: /^\d+$/.test(row.id),
          types: Object.fromEntries(Object.entries(row.value).map(([c, f]) => [c, f.type])),
        })),
      ];
    }),
  );
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

function errorKeysOf(error: unknown): string[] {
  expect(error).toBeInstanceOf(KintoneRestAPIError);
  expect(error).toMatchObject({ status: 400, code: 'CB_VA01' });
  return Object.keys((error as KintoneRestAPIError).errors as object).sort();
}

interface WebhookReceiver {
  url: string;
  bodies: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const bodies: Array<Record<string, unknown>> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhook?secret=local-secret`,
    bodies,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('local kintone tables (SUBTABLE) through the official REST API client', () => {
  let receiver: WebhookReceiver;
  let kintone: LocalKintone;
  let client: KintoneRestAPIClient;

  const start = (overrides: Partial<LocalKintoneOptions> = {}) =>
    startLocalKintone({
      apps: [siteInventoryApp],
      apiTokens: { [APP]: [TOKEN] },
      webhooks: { [APP]: [receiver.url] },
      now: () => FIXED_NOW,
      ...overrides,
    });
  const clientOf = (server: LocalKintone) =>
    new KintoneRestAPIClient({ baseUrl: server.baseUrl, auth: { apiToken: TOKEN } });
  const getRecord = async (id = '1') =>
    (await client.record.getRecord({ app: APP, id })).record as unknown as Record<
      string,
      { type: string; value: unknown }
    >;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });

  beforeEach(async () => {
    receiver.bodies.length = 0;
    kintone = await start();
    client = clientOf(kintone);
  });

  afterEach(async () => {
    await kintone.close();
  });

  afterAll(async () => {
    await receiver.close();
  });

  describe('reading', () => {
    it('serves the seeded site with its rows in the shape of the subtable fixture', async () => {
      // Prepare
      const fixture = loadWebhookFixture('update-record-subtable.json');
      const fixtureRecord = fixture.record as Record<string, { type: string; value: unknown }>;
      const codes = Object.keys(fixtureRecord);

      // Act
      const record = await getRecord();

      // Assess
      const fixtureRowCodes = Object.keys(rowsOf(fixtureRecord)[0]?.value ?? {});
      const fixtureShape = shapeOf(fixtureRecord, codes);
      const shape = shapeOf(record, codes);
      // The app's rows have the write-back fields too: compare the fixture's row fields.
      const rowTypes = (shape[TABLE] as Array<{ types: Record<string, string> }>).map((row) =>
        Object.fromEntries(fixtureRowCodes.map((code) => [code, row.types[code]])),
      );
      expect({ ...shape, [TABLE]: undefined }).toEqual({ ...fixtureShape, [TABLE]: undefined });
      expect(rowTypes).toEqual(
        (fixtureShape[TABLE] as Array<{ types: Record<string, string> }>).map((r) => r.types),
      );
      expect(shape[TABLE]).toEqual(
        (shape[TABLE] as unknown[]).map(() =>
          expect.objectContaining({ keys: ['id', 'value'], idIsNumeric: true }),
        ),
      );
      expect(record.拠点?.value).toBe('大阪倉庫');
      expect(rowsOf(record).map((row) => row.id)).toEqual(['1', '2', '3']);
      expect(valuesOf(rowsOf(record))).toEqual(
        SEEDED_ROWS.map((row) => ({ ...row, ...UNTOUCHED_WRITE_BACK })),
      );
    });

    it('lists tables in records.json, and a table can be asked for by its code', async () => {
      // Act
      const all = await client.record.getRecords({ app: APP });
      const onlyTable = await client.record.getRecords({ app: APP, fields: [TABLE] });

      // Assess
      expect(rowsOf(all.records[0] as Record<string, unknown>)).toHaveLength(3);
      expect(Object.keys(onlyTable.records[0] ?? {})).toEqual([TABLE]);
      expect(rowsOf(onlyTable.records[0] as Record<string, unknown>)).toHaveLength(3);
    });

    it('refuses queries and field lists naming fields of a table, rather than answering wrongly', async () => {
      // Act
      const errors = await Promise.all([
        rejectionOf(client.record.getRecords({ app: APP, query: '明細_品番 in ("B-200")' })),
        rejectionOf(client.record.getRecords({ app: APP, query: '在庫明細 = "B-200"' })),
        rejectionOf(client.record.getRecords({ app: APP, query: 'order by 明細_在庫数 asc' })),
        rejectionOf(client.record.getRecords({ app: APP, fields: ['明細_品番'] })),
      ]);

      // Assess
      const [inRow, table, sortByRow, fieldList] = errors.map(
        (error) => (error as KintoneRestAPIError).errors as Record<string, { messages: string[] }>,
      );
      for (const error of errors) expect(error).toMatchObject({ status: 400, code: 'CB_VA01' });
      expect(inRow?.query?.messages[0]).toContain(
        'Field "明細_品番" is inside the table "在庫明細"',
      );
      expect(table?.query?.messages[0]).toContain('"在庫明細" is a table (SUBTABLE)');
      expect(sortByRow?.query?.messages[0]).toContain('"明細_在庫数" is inside the table');
      expect(fieldList?.fields?.messages[0]).toContain('name "在庫明細" in fields instead');
    });

    it('describes the table and its fields in the form fields API, as kintone does', async () => {
      // Act
      const { properties } = await client.app.getFormFields({ app: APP });

      // Assess
      const table = properties[TABLE] as unknown as {
        type: string;
        code: string;
        label: string;
        fields: Record<string, Record<string, unknown>>;
      };
      expect(table).toMatchObject({ type: 'SUBTABLE', code: TABLE, label: TABLE, noLabel: false });
      expect(Object.keys(table.fields)).toEqual([
        '明細_品番',
        '明細_品名',
        '明細_在庫数',
        '明細_発注点',
        '明細_発注量',
        '明細_単価',
        '明細_軽減税率',
        '明細_仕入先コード',
        '明細_発注状況',
        '明細_発注番号',
        '明細_発注日時',
        '明細_発注理由',
        '明細_納品予定日',
      ]);
      expect(table.fields.明細_在庫数).toMatchObject({
        type: 'NUMBER',
        code: '明細_在庫数',
        label: '在庫数',
        required: false,
      });
      expect(table.fields.明細_発注状況).toMatchObject({
        type: 'DROP_DOWN',
        code: '明細_発注状況',
        defaultValue: '未発注',
        options: { 未発注: { label: '未発注', index: '0' } },
      });
      expect(properties.拠点).toMatchObject({ type: 'SINGLE_LINE_TEXT', required: true });
      // Fields of a table are listed only inside it, as in kintone.
      expect(Object.keys(properties)).not.toContain('明細_品番');
    });
  });

  describe('adding', () => {
    it('gives each row of a new record a new id, increasing across the app', async () => {
      // Act
      const first = await client.record.addRecord({
        app: APP,
        record: {
          拠点: { value: '京都倉庫' },
          [TABLE]: {
            value: [
              // An id sent with a new record's row is not kept: rows of a new record are new.
              { id: '1', value: { 明細_品番: { value: 'K-1' }, 明細_在庫数: { value: '3' } } },
              { value: { 明細_品番: { value: 'K-2' } } },
            ],
          },
        },
      });
      const second = await client.record.addRecord({
        app: APP,
        record: { 拠点: { value: '神戸倉庫' }, [TABLE]: { value: [{ value: {} }] } },
      });
      const withoutTable = await client.record.addRecord({
        app: APP,
        record: { 拠点: { value: '奈良倉庫' } },
      });

      // Assess
      const firstRows = rowsOf(await getRecord(first.id));
      expect(firstRows.map((row) => row.id)).toEqual(['4', '5']);
      expect(valuesOf(firstRows)[0]).toEqual({
        明細_品番: 'K-1',
        明細_品名: '',
        明細_在庫数: '3',
        明細_発注点: '',
        明細_発注量: '',
        明細_単価: '',
        // A new row without a value takes the drop-down's default.
        明細_軽減税率: '対象外',
        明細_仕入先コード: '',
        ...UNTOUCHED_WRITE_BACK,
      });
      expect(rowsOf(await getRecord(second.id)).map((row) => row.id)).toEqual(['6']);
      expect(rowsOf(await getRecord(withoutTable.id))).toEqual([]);
      expect(rowsOf(await getRecord('1')).map((row) => row.id)).toEqual(['1', '2', '3']);
    });
  });

  describe('updating', () => {
    it('keeps row ids and values when the whole table is sent back, bumping the revision once', async () => {
      // Prepare
      const before = await getRecord();

      // Act
      const { revision } = await client.record.updateRecord({
        app: APP,
        id: 1,
        record: { [TABLE]: { value: asInput(rowsOf(before)) } },
        revision: 1,
      });

      // Assess
      const after = await getRecord();
      expect(revision).toBe('2');
      expect(after.$revision?.value).toBe('2');
      expect(rowsOf(after)).toEqual(rowsOf(before));
    });

    it('changes the values of rows sent with their ids, in place', async () => {
      // Prepare
      const rows = rowsOf(await getRecord());

      // Act
      await client.record.updateRecord({
        app: APP,
        id: 1,
        record: {
          [TABLE]: {
            value: asInput(rows, (values, index) =>
              index === 1
                ? {
                    ...values,
                    明細_在庫数: '1',
                    明細_発注状況: '発注依頼済',
                    明細_発注番号: 'PO-20261201-0001',
                    明細_発注日時: '2026-12-01T09:30:00+09:00',
                    明細_納品予定日: '2026-12-04',
                  }
                : values,
            ),
          },
        },
      });

      // Assess
      const after = rowsOf(await getRecord());
      expect(after.map((row) => row.id)).toEqual(['1', '2', '3']);
      expect(valuesOf(after)[1]).toEqual({
        ...SEEDED_ROWS[1],
        明細_在庫数: '1',
        明細_発注状況: '発注依頼済',
        明細_発注番号: 'PO-20261201-0001',
        // DATETIME is kept in UTC to the minute, as kintone returns it.
        明細_発注日時: '2026-12-01T00:30:00Z',
        明細_発注理由: '',
        明細_納品予定日: '2026-12-04',
      });
      expect(valuesOf(after)[0]).toEqual(valuesOf(rows)[0]);
    });

    it('deletes the rows a table write leaves out, and adds rows sent without an id', async () => {
      // Prepare
      const rows = rowsOf(await getRecord());
      const [first, , third] = asInput(rows);

      // Act
      await client.record.updateRecord({
        app: APP,
        id: 1,
        record: {
          [TABLE]: {
            value: [third, first, { value: { 明細_品番: { value: 'B-203' } } }] as RowInput[],
          },
        },
      });

      // Assess
      const after = rowsOf(await getRecord());
      expect(after.map((row) => row.id)).toEqual(['3', '1', '4']);
      expect(valuesOf(after).map((values) => values.明細_品番)).toEqual([
        'B-202',
        'B-200',
        'B-203',
      ]);
    });

    it('resets a field left out of a sent row to its default, else empty: clients must send whole rows', async () => {
      // Prepare
      const rows = rowsOf(await getRecord());
      await client.record.updateRecord({
        app: APP,
        id: 1,
        record: {
          [TABLE]: {
            value: asInput(rows, (values) => ({ ...values, 明細_発注状況: '要確認' })),
          },
        },
      });

      // Act
      await client.record.updateRecord({
        app: APP,
        id: 1,
        record: {
          [TABLE]: {
            value: asInput(rows, (values, index) => {
              if (index !== 0) return { ...values, 明細_発注状況: '要確認' };
              const { 明細_在庫数: _onHand, 明細_発注状況: _status, ...rest } = values;
              return rest;
            }),
          },
        },
      });

      // Assess
      const after = valuesOf(rowsOf(await getRecord()));
      expect(after[0]).toMatchObject({
        明細_品番: 'B-200',
        明細_在庫数: '',
        明細_発注状況: '未発注',
      });
      expect(after[1]).toMatchObject({ 明細_在庫数: '5', 明細_発注状況: '要確認' });
    });

    it('leaves the table untouched when a write does not include it', async () => {
      // Prepare
      const before = rowsOf(await getRecord());

      // Act
      const { revision } = await client.record.updateRecord({
        app: APP,
        id: 1,
        record: { 拠点: { value: '大阪第二倉庫' } },
      });

      // Assess
      const after = await getRecord();
      expect(revision).toBe('2');
      expect(after.拠点?.value).toBe('大阪第二倉庫');
      expect(rowsOf(after)).toEqual(before);
    });

    it('adds a row sent with an id the table does not have as a new row with a new id', async () => {
      // Prepare
      const rows = asInput(rowsOf(await getRecord()));

      // Act
      await client.record.updateRecord({
        app: APP,
        id: 1,
        record: {
          [TABLE]: { value: [...rows, { id: '9999', value: { 明細_品番: { value: 'X' } } }] },
        },
      });

      // Assess
      expect(rowsOf(await getRecord()).map((row) => row.id)).toEqual(['1', '2', '3', '4']);
    });

    it('refuses a stale revision with 409 GAIA_CO02, writing nothing and notifying nothing', async () => {
      // Prepare
      const rows = rowsOf(await getRecord());
      await client.record.updateRecord({ app: APP, id: 1, record: { 拠点: { value: '大阪' } } });
      await kintone.idle();
      receiver.bodies.length = 0;

      // Act
      const stale = await rejectionOf(
        client.record.updateRecord({
          app: APP,
          id: 1,
          revision: 1,
          record: { [TABLE]: { value: asInput(rows, (v) => ({ ...v, 明細_在庫数: '0' })) } },
        }),
      );
      const current = await client.record.updateRecord({
        app: APP,
        id: 1,
        revision: 2,
        record: { [TABLE]: { value: asInput(rows, (v) => ({ ...v, 明細_在庫数: '0' })) } },
      });
      await kintone.idle();

      // Assess
      expect(stale).toBeInstanceOf(KintoneRestAPIError);
      expect(stale).toMatchObject({ status: 409, code: 'GAIA_CO02' });
      expect(current.revision).toBe('3');
      expect(valuesOf(rowsOf(await getRecord())).map((v) => v.明細_在庫数)).toEqual([
        '0',
        '0',
        '0',
      ]);
      expect(receiver.bodies).toHaveLength(1);
    });

    it('validates row values like record values, keying errors by row, and writes nothing', async () => {
      // Prepare
      const rows = rowsOf(await getRecord());

      // Act
      const error = await rejectionOf(
        client.record.updateRecord({
          app: APP,
          id: 1,
          record: {
            拠点: { value: '' },
            [TABLE]: {
              value: asInput(rows, (values, index) => {
                if (index === 0) return { ...values, 明細_納品予定日: '12/04' };
                if (index === 1) return { ...values, 明細_発注状況: '発注済' };
                return { ...values, 明細_在庫: '3' };
              }),
            },
          },
        }),
      );
      const topLevelRowField = await rejectionOf(
        client.record.updateRecord({ app: APP, id: 1, record: { 明細_在庫数: { value: '3' } } }),
      );
      const notRows = await rejectionOf(
        client.record.updateRecord({ app: APP, id: 1, record: { [TABLE]: { value: 'B-200' } } }),
      );
      const twice = await rejectionOf(
        client.record.updateRecord({
          app: APP,
          id: 1,
          record: { [TABLE]: { value: [...asInput(rows), ...asInput(rows.slice(0, 1))] } },
        }),
      );

      // Assess
      expect(errorKeysOf(error)).toEqual([
        'record.在庫明細.value[0].value.明細_納品予定日.value',
        'record.在庫明細.value[1].value.明細_発注状況.value',
        'record.在庫明細.value[2].value.明細_在庫.value',
        'record.拠点.value',
      ]);
      expect(errorKeysOf(topLevelRowField)).toEqual(['record.明細_在庫数.value']);
      expect(
        (topLevelRowField as KintoneRestAPIError).errors?.['record.明細_在庫数.value'],
      ).toEqual({ messages: [expect.stringContaining('is inside the table 在庫明細')] });
      expect(errorKeysOf(notRows)).toEqual(['record.在庫明細.value']);
      expect(errorKeysOf(twice)).toEqual(['record.在庫明細.value[3].id']);
      const after = await getRecord();
      expect(after.$revision?.value).toBe('1');
      expect(rowsOf(after)).toEqual(rows);
    });

    it('takes any string in a row NUMBER by default, and refuses it with numberValues "numeric"', async () => {
      // Prepare
      const strict = await start({ numberValues: 'numeric', webhooks: {} });
      const strictClient = clientOf(strict);
      const rows = rowsOf(await getRecord());
      const write = {
        app: APP,
        id: 1,
        record: {
          [TABLE]: {
            value: asInput(rows, (values, index) =>
              index === 2 ? { ...values, 明細_在庫数: '1,000' } : values,
            ),
          },
        },
      };

      // Act
      await client.record.updateRecord(write);
      const refused = await rejectionOf(strictClient.record.updateRecord(write));
      const accepted = await strictClient.record.updateRecord({
        ...write,
        record: { [TABLE]: { value: asInput(rows, (v) => ({ ...v, 明細_在庫数: '-1.5' })) } },
      });
      await strict.close();

      // Assess
      expect(valuesOf(rowsOf(await getRecord()))[2]?.明細_在庫数).toBe('1,000');
      expect(errorKeysOf(refused)).toEqual(['record.在庫明細.value[2].value.明細_在庫数.value']);
      expect((refused as KintoneRestAPIError).errors).toEqual({
        'record.在庫明細.value[2].value.明細_在庫数.value': {
          messages: ['Only numbers are allowed.'],
        },
      });
      expect(accepted.revision).toBe('2');
    });
  });

  describe('webhooks', () => {
    it('notifies an update of app 15 with its rows, in the shape of the subtable fixture', async () => {
      // Prepare
      const fixture = loadWebhookFixture('update-record-subtable.json');
      const fixtureRows = valuesOf(rowsOf(fixture.record as Record<string, unknown>));
      const rows = rowsOf(await getRecord());

      // Act: staff count the stock the fixture shows
      await client.record.updateRecord({
        app: APP,
        id: 1,
        record: {
          [TABLE]: {
            value: asInput(rows, (values, index) => ({
              ...values,
              明細_在庫数: fixtureRows[index]?.明細_在庫数 ?? '',
            })),
          },
        },
      });
      await kintone.idle();

      // Assess
      expect(receiver.bodies).toHaveLength(1);
      const body = receiver.bodies[0] as Record<string, unknown>;
      expect(body).toMatchObject({
        type: 'UPDATE_RECORD',
        app: fixture.app,
        recordTitle: fixture.recordTitle,
        url: `${kintone.baseUrl}/k/15/show#record=1`,
      });
      const record = body.record as Record<string, { type: string; value: unknown }>;
      const sent = rowsOf(record);
      expect(sent.map((row) => row.id)).toEqual(['1', '2', '3']);
      const fixtureCodes = Object.keys(fixtureRows[0] ?? {});
      expect(
        valuesOf(sent).map((values) =>
          Object.fromEntries(fixtureCodes.map((code) => [code, values[code]])),
        ),
      ).toEqual(fixtureRows);
      expect(record.$revision?.value).toBe('2');
    });
  });

  describe('persistence', () => {
    let directory: string;

    beforeEach(() => {
      directory = mkdtempSync(join(tmpdir(), 'local-kintone-subtable-'));
    });

    afterEach(() => {
      rmSync(directory, { recursive: true, force: true });
    });

    it('keeps rows, their ids and the row id sequence across a restart, never reusing an id', async () => {
      // Prepare
      const dataFile = join(directory, 'kintone.json');
      const first = await start({ dataFile, webhooks: {} });
      const firstClient = clientOf(first);
      const { record } = await firstClient.record.getRecord({ app: APP, id: 1 });
      const rows = rowsOf(record);
      const write = (value: RowInput[]) =>
        firstClient.record.updateRecord({ app: APP, id: 1, record: { [TABLE]: { value } } });
      // Row 2 deleted, rows 4 and 5 added; then row 5, the newest, deleted again.
      await write([
        ...asInput([rows[0], rows[2]] as SubtableRowJson[]),
        { value: {} },
        { value: {} },
      ]);
      await write(
        asInput(rowsOf((await firstClient.record.getRecord({ app: APP, id: 1 })).record)).slice(
          0,
          3,
        ),
      );
      await first.close();

      // Act
      const second = await start({ dataFile, webhooks: {} });
      const secondClient = clientOf(second);
      const reloaded = rowsOf((await secondClient.record.getRecord({ app: APP, id: 1 })).record);
      await secondClient.record.updateRecord({
        app: APP,
        id: 1,
        record: { [TABLE]: { value: [...asInput(reloaded), { value: {} }] } },
      });
      const afterRestart = rowsOf(
        (await secondClient.record.getRecord({ app: APP, id: 1 })).record,
      );
      await second.close();

      // Assess
      expect(reloaded.map((row) => row.id)).toEqual(['1', '3', '4']);
      expect(valuesOf(reloaded)[1]?.明細_品番).toBe('B-202');
      // Row ids are never reused, not even the newest one deleted before the restart.
      expect(afterRestart.map((row) => row.id)).toEqual(['1', '3', '4', '6']);
    });

    it('reads a data file written before tables existed, starting the table empty', async () => {
      // Prepare: the format of earlier versions: no tables in records, no nextRowId
      const dataFile = join(directory, 'kintone.json');
      const user = { code: 'Administrator', name: 'Administrator' };
      writeFileSync(
        dataFile,
        JSON.stringify({
          format: 1,
          apps: {
            [APP]: {
              nextRecordId: 2,
              records: [
                {
                  id: 1,
                  revision: 4,
                  createdAt: '2026-11-01T00:00:00Z',
                  updatedAt: '2026-11-02T00:00:00Z',
                  creator: user,
                  modifier: user,
                  values: { 拠点: '京都倉庫' },
                  nextCommentId: 1,
                  comments: [],
                },
              ],
            },
          },
        }),
      );

      // Act
      const old = await start({ dataFile, webhooks: {} });
      const oldClient = clientOf(old);
      const { record } = await oldClient.record.getRecord({ app: APP, id: 1 });
      await oldClient.record.updateRecord({
        app: APP,
        id: 1,
        record: { [TABLE]: { value: [{ value: { 明細_品番: { value: 'K-1' } } }] } },
      });
      await old.close();
      const saved = JSON.parse(readFileSync(dataFile, 'utf8')) as {
        apps: Record<string, { nextRowId: number; records: Array<{ tables: unknown }> }>;
      };

      // Assess
      expect(record.拠点?.value).toBe('京都倉庫');
      expect(record.$revision?.value).toBe('4');
      expect(rowsOf(record)).toEqual([]);
      expect(saved.apps[APP]?.nextRowId).toBe(2);
      expect(saved.apps[APP]?.records[0]?.tables).toEqual({
        [TABLE]: [{ id: 1, values: expect.objectContaining({ 明細_品番: 'K-1' }) }],
      });
    });
  });
});

describe('local stack with the site inventory app (app 15) configured', () => {
  const SITE_TOKEN = 'site-inventory-api-token-0123456789abcdef';
  const SITE_WEBHOOK_TOKEN = 'site-inventory-webhook-token-0123456789abcdef';
  let harness: TestStack;

  beforeAll(async () => {
    // Prepare: config/demo.json, which configures app 15, with its tokens given by the env.
    harness = await startTestStack('sab-site-stack-', {
      env: { KINTONE_API_TOKEN_APP_15: SITE_TOKEN, WEBHOOK_TOKEN_APP_15: SITE_WEBHOOK_TOKEN },
    });
  });

  afterAll(async () => {
    await harness.close();
  });

  it('serves app 15 with the API token of its configuration, and not to app 12 token', async () => {
    // Prepare
    const site = new KintoneRestAPIClient({
      baseUrl: harness.stack.urls.kintoneBaseUrl,
      auth: { apiToken: SITE_TOKEN },
    });

    // Act
    const { record } = await site.record.getRecord({ app: '15', id: 1 });
    const withInventoryToken = await rejectionOf(
      harness.kintone.record.getRecord({ app: '15', id: 1 }),
    );
    const inventory = await harness.kintone.record.getRecord({ app: '12', id: 1 });

    // Assess
    expect(record.拠点?.value).toBe('大阪倉庫');
    expect(rowsOf(record)).toHaveLength(3);
    expect(withInventoryToken).toMatchObject({ status: 400, code: 'GAIA_IA02' });
    expect(inventory.record.品番?.value).toBe('A-100');
  });

  it('sends app 15 webhooks to the bridge with the webhook token of its configuration', async () => {
    // Prepare
    const site = new KintoneRestAPIClient({
      baseUrl: harness.stack.urls.kintoneBaseUrl,
      auth: { apiToken: SITE_TOKEN },
    });

    // Act
    await site.record.updateRecord({ app: '15', id: 1, record: { 拠点: { value: '大阪倉庫' } } });
    await harness.stack.kintone?.idle();

    // Assess
    const deliveries = (harness.stack.kintone?.webhookDeliveries() ?? []).filter(
      (delivery) => delivery.appId === '15',
    );
    expect(deliveries).toHaveLength(1);
    const [delivery] = deliveries;
    expect(delivery?.url).toBe(
      `${harness.stack.urls.bridgeUrl}/webhooks/kintone?token=${encodeURIComponent(SITE_WEBHOOK_TOKEN)}`,
    );
    // The bridge recognised the token as app 15's (a wrong one is answered 401).
    expect(delivery?.status).toBeGreaterThanOrEqual(200);
    expect(delivery?.status).toBeLessThan(300);
  });
});

describe('local stack without app 15 in its configuration', () => {
  let configDir: string;
  let harness: TestStack;

  beforeAll(async () => {
    // Prepare: config/demo.json without app 15, whether or not it has it
    configDir = mkdtempSync(join(tmpdir(), 'sab-no-site-config-'));
    const config = loadDemoConfigJson();
    config.apps = (config.apps as Array<{ appId: string }>).filter((app) => app.appId !== '15');
    const configPath = join(configDir, 'demo-without-app-15.json');
    writeFileSync(configPath, JSON.stringify(config));
    harness = await startTestStack('sab-no-site-stack-', { configPath });
  });

  afterAll(async () => {
    await harness.close();
    rmSync(configDir, { recursive: true, force: true });
  });

  it('does not serve the site inventory app', async () => {
    // Act
    const error = await rejectionOf(harness.kintone.record.getRecord({ app: '15', id: 1 }));

    // Assess
    expect(error).toMatchObject({ status: 404, code: 'GAIA_AP01' });
  });
});
