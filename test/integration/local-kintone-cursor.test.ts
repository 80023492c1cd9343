import { KintoneRestAPIClient, KintoneRestAPIError } from '@kintone/rest-api-client';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { demoInventoryApp } from '../../local/kintone/demo-app';
import { startLocalKintone, type LocalKintone } from '../../local/kintone/local-kintone';
import { CURSOR_IDLE_MS, MAX_OPEN_CURSORS } from '../../local/kintone/record-cursors';
import { RestInventoryReader } from '../../shared/adapters/kintone/kintone-inventory-reader';
import { KintoneCallBudget } from '../../shared/adapters/kintone/kintone-call-budget';
import type { InventoryPage } from '../../shared/ports/inventory-reader';

/**
 * The local kintone's cursor API and CSV-style import through the official client, and the
 * bridge's cursor reader against it: kintone's rules (500 a page, ten open cursors, ten minutes
 * unused, no limit/offset, no webhook for imports and bulk updates) and the reader's (cursor
 * deleted when the read stops early, taken up from the last record after expiry).
 */

const APP = demoInventoryApp.appId;
const TOKEN = 'cursor-test-token';
let kintone: LocalKintone;
let client: KintoneRestAPIClient;
let clock: Date;
let hooks: Server;
let hookCalls: number;

function itemRecords(count: number) {
  return Array.from({ length: count }, (_, index) => ({
    record: {
      品番: { value: `X-${String(index + 1).padStart(5, '0')}` },
      品名: { value: `item ${index + 1}` },
      在庫数: { value: '50' },
      発注点: { value: '10' },
    },
  }));
}

beforeAll(async () => {
  hookCalls = 0;
  hooks = createServer((req, res) => {
    hookCalls += 1;
    req.resume();
    res.end('{}');
  });
  await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
});

afterAll(() => new Promise<void>((resolve) => hooks.close(() => resolve())));

beforeEach(async () => {
  clock = new Date('2026-12-01T00:00:00Z');
  hookCalls = 0;
  kintone = await startLocalKintone({
    apps: [{ ...demoInventoryApp, seed: [] }],
    apiTokens: { [APP]: [TOKEN] },
    webhooks: {
      [APP]: [`http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hook`],
    },
    now: () => clock,
  });
  client = new KintoneRestAPIClient({ baseUrl: kintone.baseUrl, auth: { apiToken: TOKEN } });
});

afterEach(() => kintone.close());

async function rejectionOf(promise: Promise<unknown>): Promise<KintoneRestAPIError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof KintoneRestAPIError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('CSV-style import', () => {
  it('adds and updates records, new revisions each, and sends no webhook', async () => {
    const [added] = kintone.importRecords(APP, itemRecords(1));
    const [updated] = kintone.importRecords(APP, [
      { id: added?.id, record: { 在庫数: { value: '3' } } },
    ]);
    await kintone.idle();

    expect(added).toEqual({ id: '1', revision: '1' });
    expect(updated).toEqual({ id: '1', revision: '2' });
    expect(kintone.records(APP)[0]?.在庫数?.value).toBe('3');
    expect(kintone.webhookDeliveries()).toEqual([]);
    expect(hookCalls).toBe(0);
  });
});

describe('the cursor API', () => {
  it('reads 1,201 records 500 a page in the query order, only the named fields, and deletes itself after the last page', async () => {
    kintone.importRecords(APP, itemRecords(1201));

    const { id, totalCount } = await client.record.createCursor({
      app: APP,
      fields: ['$id', '品番'],
      query: '在庫数 > 5 order by $id asc',
      size: 500,
    });
    const pages = [];
    for (;;) {
      const page = await client.record.getRecordsByCursor({ id });
      pages.push(page);
      if (!page.next) break;
    }

    expect(totalCount).toBe('1201');
    expect(pages.map((page) => page.records.length)).toEqual([500, 500, 201]);
    expect(pages.map((page) => page.next)).toEqual([true, true, false]);
    const ids = pages.flatMap((page) => page.records.map((record) => Number(record.$id?.value)));
    expect(ids).toEqual(Array.from({ length: 1201 }, (_, index) => index + 1));
    expect(Object.keys(pages[0]?.records[0] ?? {}).sort()).toEqual(['$id', '品番'].sort());
    expect(kintone.openCursors()).toBe(0);
    expect(await rejectionOf(client.record.getRecordsByCursor({ id }))).toMatchObject({
      status: 404,
      code: 'GAIA_CN01',
    });
  });

  it('refuses a size above 500 and a query with limit or offset (CB_VA01)', async () => {
    for (const params of [{ size: 501 }, { query: 'limit 10' }, { query: 'offset 1' }]) {
      expect(await rejectionOf(client.record.createCursor({ app: APP, ...params }))).toMatchObject({
        status: 400,
        code: 'CB_VA01',
      });
    }
  });

  it('holds ten cursors at most (429 GAIA_TM12); a deleted one frees its slot', async () => {
    const ids = [];
    for (let n = 0; n < MAX_OPEN_CURSORS; n += 1) {
      ids.push((await client.record.createCursor({ app: APP })).id);
    }

    const eleventh = await rejectionOf(client.record.createCursor({ app: APP }));
    await client.record.deleteCursor({ id: ids[0] ?? '' });
    const again = await client.record.createCursor({ app: APP });

    expect(eleventh).toMatchObject({ status: 429, code: 'GAIA_TM12' });
    expect(again.id).toEqual(expect.any(String));
    expect(await rejectionOf(client.record.deleteCursor({ id: ids[0] ?? '' }))).toMatchObject({
      status: 404,
      code: 'GAIA_CN01',
    });
  });

  it('expires a cursor ten minutes after its last use (404 GAIA_CN01)', async () => {
    kintone.importRecords(APP, itemRecords(3));
    const { id } = await client.record.createCursor({ app: APP, size: 1 });
    await client.record.getRecordsByCursor({ id });
    clock = new Date(clock.getTime() + CURSOR_IDLE_MS - 1);
    await client.record.getRecordsByCursor({ id });
    clock = new Date(clock.getTime() + CURSOR_IDLE_MS);

    expect(await rejectionOf(client.record.getRecordsByCursor({ id }))).toMatchObject({
      status: 404,
      code: 'GAIA_CN01',
    });
    expect(kintone.openCursors()).toBe(0);
  });
});

describe('RestInventoryReader against the local kintone', () => {
  const counted: number[] = [];
  const reader = (pageSize?: number) =>
    new RestInventoryReader(async () => client, {
      budget: new KintoneCallBudget({
        store: {
          countKintoneCall: async () => {
            counted.push(counted.length + 1);
            return counted.length;
          },
        },
        logger: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
        now: () => clock,
      }),
      ...(pageSize !== undefined ? { pageSize } : {}),
      sleep: async () => {},
    });

  beforeEach(() => {
    counted.length = 0;
  });

  it('reads the app in ceil(N/500) + 1 calls, with the budget count of each page', async () => {
    kintone.importRecords(APP, itemRecords(1001));

    const scan = reader().read(APP, { fields: ['品番', '在庫数'] });
    const pages: InventoryPage[] = [];
    for await (const page of scan) pages.push(page);

    expect(pages.map((page) => page.records.length)).toEqual([500, 500, 1]);
    expect(scan.calls).toBe(4);
    expect(pages.map((page) => page.budget?.count)).toEqual([2, 3, 4]);
    expect(Object.keys(pages[0]?.records[0] ?? {}).sort()).toEqual(
      ['$id', '$revision', '品番', '在庫数'].sort(),
    );
    expect(kintone.openCursors()).toBe(0);
  });

  it('deletes its cursor when the caller stops early', async () => {
    kintone.importRecords(APP, itemRecords(1200));

    const scan = reader().read(APP, { fields: ['品番'] });
    for await (const page of scan) {
      expect(page.records).toHaveLength(500);
      break;
    }

    expect(kintone.openCursors()).toBe(0);
    expect(scan.calls).toBe(3);
    expect(kintone.requestLog().map((entry) => `${entry.method} ${entry.path}`)).toEqual([
      'POST /k/v1/records/cursor.json',
      'GET /k/v1/records/cursor.json',
      'DELETE /k/v1/records/cursor.json',
    ]);
  });

  it('deletes its cursor when the caller fails', async () => {
    kintone.importRecords(APP, itemRecords(600));

    const failing = async () => {
      for await (const _page of reader().read(APP, { fields: ['品番'] })) {
        throw new Error('the caller failed');
      }
    };

    await expect(failing()).rejects.toThrow('the caller failed');
    expect(kintone.openCursors()).toBe(0);
  });

  it('takes up an expired cursor from the last record seen: nothing twice, nothing missed', async () => {
    kintone.importRecords(APP, itemRecords(25));

    const scan = reader(10).read(APP, { fields: ['品番'] });
    const ids: number[] = [];
    for await (const page of scan) {
      ids.push(...page.records.map((record) => Number(record.$id?.value)));
      // The caller takes longer than kintone keeps the cursor.
      clock = new Date(clock.getTime() + CURSOR_IDLE_MS + 1);
    }

    expect(ids).toEqual(Array.from({ length: 25 }, (_, index) => index + 1));
    expect(scan.restarts).toBe(2);
    const creates = kintone
      .requestLog()
      .filter((entry) => entry.method === 'POST')
      .map((entry) => entry.status);
    expect(creates).toEqual([200, 200, 200]);
    expect(kintone.openCursors()).toBe(0);
  });

  it('takes up the read after a GET kintone refused (503), without reading a page twice', async () => {
    kintone.importRecords(APP, itemRecords(30));
    kintone.injectFailures({
      status: 503,
      times: 1,
      methods: ['GET'],
      path: 'records/cursor.json',
    });

    const scan = reader(10).read(APP, { fields: ['品番'] });
    const ids: number[] = [];
    for await (const page of scan) ids.push(...page.records.map((r) => Number(r.$id?.value)));

    expect(ids).toEqual(Array.from({ length: 30 }, (_, index) => index + 1));
    expect(scan.restarts).toBe(1);
    expect(kintone.openCursors()).toBe(0);
  });
});
