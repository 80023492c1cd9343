import { KintoneRestAPIClient } from '@kintone/rest-api-client';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_SUPPLIERS, type DemoSupplier } from '../../local/kintone/demo-suppliers';
import { formSaveTable, type TableRowJson } from '../../local/kintone/form-save';
import type { StoredEmail } from '../../local/ses/ses-store';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack';
import { DEFAULT_KINTONE_RETRY_ATTEMPTS } from '../../shared/adapters/kintone/kintone-retry';
import { addDays, localDate } from '../../shared/domain/dates';
import type { SendDueOrdersResult } from '../../shared/use-cases/send-due-orders';
import { startTestStack } from '../support/local-stack';

/**
 * Gathered orders end to end through the local stack: staff edit item records with the official
 * kintone client, the local kintone fires real webhooks, the dispatcher puts the due items of one
 * supplier and ship-to on one gathering order (待機中 on each record), and the scheduled
 * send-due-orders, run on a controlled clock, seals it after its window and sends ONE email with
 * a line per item, the ship-to and the prices. The supplier answers per line on the order page
 * and each record gets its own line's answer. A crash between sealing and sending (the send
 * failed, then the stack restarted on the same data) still sends the order once, and so does a
 * failure after the email (the write-back refused). The demo configuration (`immediate`) still
 * sends one email per drop at once.
 */

const APP = '12';
const SITE = '15';
const TABLE = '在庫明細';
const WINDOW_MINUTES = 10;
const MINUTE_MS = 60_000;
const TIME_ZONE = 'Asia/Tokyo';

/**
 * The stack's clock: the system clock plus an offset the tests move forward, so a window ends
 * when a test says so (and only then).
 */
let offsetMs = 0;
const now = (): Date => new Date(Date.now() + offsetMs);
/** Moves the clock past the end of every window opened so far (and past the quiet period). */
function advancePastWindow(): void {
  offsetMs += (WINDOW_MINUTES + 3) * MINUTE_MS;
}

/** config/demo.json with a 10-minute window on both apps, and 本社倉庫 as a site of app 15. */
function windowConfig(dir: string): string {
  const config = JSON.parse(readFileSync('config/demo.json', 'utf8')) as {
    apps: Array<{
      appId: string;
      gathering?: unknown;
      shipTo?: { byValue?: Record<string, string> };
    }>;
  };
  for (const app of config.apps) app.gathering = { rule: 'window', minutes: WINDOW_MINUTES };
  const site = config.apps.find((app) => app.appId === SITE);
  if (!site) throw new Error(`config/demo.json has no app ${SITE}`);
  site.shipTo = { ...site.shipTo, byValue: { ...site.shipTo?.byValue, 本社倉庫: '本社倉庫' } };
  const path = join(dir, 'config.gathering-window.json');
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}

/** An item record of the inventory app, as staff would add it. */
interface NewItem {
  sku: string;
  name: string;
  unit: string;
  price: number;
  onHand: number;
  reorderPoint: number;
  maxStock?: number;
  reorderQuantity?: number;
  packSize?: number;
  reduced?: boolean;
  supplier: DemoSupplier;
}

function itemRecord(item: NewItem): Record<string, { value: string }> {
  const values: Record<string, string | undefined> = {
    品番: item.sku,
    品名: item.name,
    単位: item.unit,
    単価: String(item.price),
    在庫数: String(item.onHand),
    発注点: String(item.reorderPoint),
    最大在庫: item.maxStock === undefined ? undefined : String(item.maxStock),
    発注量: item.reorderQuantity === undefined ? undefined : String(item.reorderQuantity),
    入数: item.packSize === undefined ? undefined : String(item.packSize),
    軽減税率: item.reduced ? '軽減税率' : '対象外',
    仕入先コード: item.supplier.code,
    仕入先名: item.supplier.name,
    仕入先メール: item.supplier.email,
    仕入先FAX: item.supplier.fax,
    発注状況: '未発注',
  };
  return Object.fromEntries(
    Object.entries(values).flatMap(([code, value]) =>
      value === undefined ? [] : [[code, { value }]],
    ),
  );
}

/** What the tests do with a running stack; rebuilt after a restart (new ports). */
class Staff {
  readonly kintone: KintoneRestAPIClient;
  readonly site: KintoneRestAPIClient;

  constructor(readonly stack: LocalStack) {
    this.kintone = new KintoneRestAPIClient({
      baseUrl: stack.urls.kintoneBaseUrl,
      auth: { apiToken: stack.urls.kintoneApiToken ?? '' },
    });
    this.site = new KintoneRestAPIClient({
      baseUrl: stack.urls.kintoneBaseUrl,
      auth: { apiToken: stack.urls.siteInventoryApiToken ?? '' },
    });
  }

  /** Adds the items (their stock above the reorder point: nothing is ordered); returns their ids. */
  async addItems(items: readonly NewItem[]): Promise<Record<string, string>> {
    const ids: Record<string, string> = {};
    for (const item of items) {
      const { id } = await this.kintone.record.addRecord({ app: APP, record: itemRecord(item) });
      ids[item.sku] = id;
    }
    await this.stack.idle();
    return ids;
  }

  /** Staff edit the record, then everything the edit set off runs to the end. */
  async edit(id: string, values: Record<string, string>): Promise<void> {
    const record = Object.fromEntries(
      Object.entries(values).map(([code, value]) => [code, { value }]),
    );
    await this.kintone.record.updateRecord({ app: APP, id, record });
    await this.stack.idle();
  }

  async fields(id: string): Promise<Record<string, string>> {
    const { record } = await this.kintone.record.getRecord({ app: APP, id });
    return Object.fromEntries(
      Object.entries(record).map(([code, field]) => [code, String(field.value)]),
    );
  }

  async comments(id: string): Promise<string[]> {
    const { comments } = await this.kintone.record.getRecordComments({ app: APP, record: id });
    return comments.map((comment) => comment.text);
  }

  /** The scheduler's tick at the stack's clock, then everything its write-backs set off. */
  async runScheduler(): Promise<SendDueOrdersResult> {
    const result = await this.stack.runScheduler();
    await this.stack.idle();
    return result;
  }

  /** Where the local kintone's request log is now, for {@link callsSince}. */
  logPosition(): number {
    return this.stack.kintone?.requestLog().length ?? 0;
  }

  /** The REST calls on the inventory app since `from`, as `METHOD path`, sorted. */
  callsSince(from: number): string[] {
    return (this.stack.kintone?.requestLog() ?? [])
      .slice(from)
      .filter((call) => call.app === APP)
      .map((call) => `${call.method} ${call.path} ${call.status}`)
      .sort();
  }

  /** The order emails of this order number (its subject names it). */
  async emailsOf(orderNumber: string): Promise<StoredEmail[]> {
    return (await this.stack.ses.emails()).filter((email) => email.subject.includes(orderNumber));
  }

  async emailsTo(address: string): Promise<StoredEmail[]> {
    return (await this.stack.ses.emails()).filter((email) =>
      email.destination.to.includes(address),
    );
  }
}

/** The order page link an order email carries. */
function pageLinkOf(email: StoredEmail | undefined): string {
  const link = /http:\/\/127\.0\.0\.1:\d+\/o\/[A-Za-z0-9._-]+/.exec(email?.body.text ?? '');
  if (!link) throw new Error('the order email carries no order page link');
  return link[0];
}

function formNonceOf(html: string): string {
  const nonce = /name="nonce" value="([^"]+)"/.exec(html)?.[1];
  if (nonce === undefined) throw new Error(`no form in the page:\n${html}`);
  return nonce;
}

/** The per-line quantity fields the page renders, by the SKU in each field's label. */
function lineQuantityFieldsOf(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<label for="f-(quantity-\d+)">([^<]*)<\/label>/g)) {
    const [, name, label] = match;
    if (name !== undefined && label !== undefined) fields[label.split(' ')[0] ?? ''] = name;
  }
  return fields;
}

/** The lines table rows of an email's text: `品番 | 品名 | 数量 | ...`, by SKU. */
function emailLines(email: StoredEmail | undefined): string[] {
  return (email?.body.text ?? '')
    .split('\n')
    .filter((line) => /^[A-Z]-\d{3} \| /.test(line))
    .map((line) => line.trim());
}

const SUPPLIER_A = DEMO_SUPPLIERS['S-001'];
const SUPPLIER_B = DEMO_SUPPLIERS['S-002'];
const SUPPLIER_C = DEMO_SUPPLIERS['S-003'];

/** Five items of 株式会社サンプル文具, prices known, one at the reduced rate. */
const FIVE: NewItem[] = [
  {
    sku: 'W-101',
    name: 'ボールペン 赤 0.5mm',
    unit: '本',
    price: 120,
    onHand: 50,
    reorderPoint: 20,
    maxStock: 100,
    packSize: 12,
    supplier: SUPPLIER_A,
  },
  {
    sku: 'W-102',
    name: '付箋 75mm 青',
    unit: '冊',
    price: 88,
    onHand: 30,
    reorderPoint: 10,
    maxStock: 60,
    packSize: 10,
    supplier: SUPPLIER_A,
  },
  {
    sku: 'W-103',
    name: 'ゼムクリップ 小',
    unit: '箱',
    price: 220,
    onHand: 25,
    reorderPoint: 10,
    maxStock: 40,
    packSize: 5,
    supplier: SUPPLIER_A,
  },
  {
    sku: 'W-104',
    name: 'コピー用紙 B5',
    unit: '冊',
    price: 398,
    onHand: 40,
    reorderPoint: 10,
    reorderQuantity: 20,
    supplier: SUPPLIER_A,
  },
  {
    sku: 'W-105',
    name: '緑茶 500ml',
    unit: '本',
    price: 100,
    onHand: 30,
    reorderPoint: 12,
    reorderQuantity: 24,
    reduced: true,
    supplier: SUPPLIER_A,
  },
];

/** The drop of each of the five, and what it orders. */
const DROPS: Record<string, { onHand: string; quantity: number }> = {
  // 100 - 18 = 82, in packs of 12: 84.
  'W-101': { onHand: '18', quantity: 84 },
  // 60 - 4 = 56, in packs of 10: 60.
  'W-102': { onHand: '4', quantity: 60 },
  // 40 - 8 = 32, in packs of 5: 35.
  'W-103': { onHand: '8', quantity: 35 },
  'W-104': { onHand: '5', quantity: 20 },
  'W-105': { onHand: '6', quantity: 24 },
};

/** Three items of 紙の山田商店, one of which recovers before the send. */
const THREE: NewItem[] = ['R-201', 'R-202', 'R-203'].map((sku, index) => ({
  sku,
  name: `封筒 長形${index + 3}号`,
  unit: '束',
  price: 500 + index * 100,
  onHand: 20,
  reorderPoint: 5,
  reorderQuantity: 10,
  supplier: SUPPLIER_B,
}));

/** A supplier of the records alone (not in the supplier master). */
const SUPPLIER_D: DemoSupplier = {
  code: 'S-009',
  name: '有限会社テスト梱包',
  email: 'order@test-konpo.example.jp',
};

/** Two items of 有限会社テスト梱包, emailed while kintone refuses the write-back. */
const PAIR: NewItem[] = ['K-501', 'K-502'].map((sku, index) => ({
  sku,
  name: `緩衝材 ${index + 1}`,
  unit: '巻',
  price: 1_500,
  onHand: 10,
  reorderPoint: 3,
  reorderQuantity: 5,
  supplier: SUPPLIER_D,
}));

/** Two items of オフィス機器サービス, sent through a crash. */
const TWO: NewItem[] = ['C-301', 'C-302'].map((sku, index) => ({
  sku,
  name: `ドラム DR-${index + 1}`,
  unit: '個',
  price: 12_000 + index * 1_000,
  onHand: 4,
  reorderPoint: 1,
  reorderQuantity: 2,
  supplier: SUPPLIER_C,
}));

describe('gathered orders (a 10-minute window) through the local stack', () => {
  let options: LocalStackOptions;
  let dataDir: string;
  let configDir: string;
  let staff: Staff;
  let ids: Record<string, string>;

  beforeAll(async () => {
    configDir = mkdtempSync(join(tmpdir(), 'sab-e2e-gather-config-'));
    const started = await startTestStack('sab-e2e-gather-', {
      configPath: windowConfig(configDir),
      now,
    });
    dataDir = started.dataDir;
    staff = new Staff(started.stack);
    options = {
      dataDir,
      configPath: join(configDir, 'config.gathering-window.json'),
      env: {},
      queue: { visibilityTimeoutMs: 300, maxReceiveCount: 5, pollIntervalMs: 10 },
      logLevel: 'SILENT',
      scheduler: { intervalMs: false },
      now,
      ports: { bridge: 0, kintone: 0, ses: 0, sesProxy: 0, dynamodb: 0, fax: 0 },
    };
    ids = await staff.addItems([...FIVE, ...THREE, ...TWO, ...PAIR]);
  });

  afterAll(async () => {
    await staff.stack.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(configDir, { recursive: true, force: true });
  });

  describe('five items of one supplier dropping within the window', () => {
    let orderNumber: string;
    let email: StoredEmail | undefined;

    test('each record shows 待機中, the shared order number and its own line until the window ends', async () => {
      // Act: staff record each drop, one save per record (one webhook each).
      const from = staff.logPosition();
      for (const item of FIVE) {
        await staff.edit(ids[item.sku] ?? '', { 在庫数: DROPS[item.sku]?.onHand ?? '' });
      }
      // A further drop of an item already waiting adds nothing: its line is on order.
      await staff.edit(ids['W-101'] ?? '', { 在庫数: '10' });
      const early = await staff.runScheduler();
      const calls = staff.callsSince(from);

      // Assess: nothing sent yet; every record waits on the same order with its own quantity.
      // kintone: staff's six saves and one write per notification that joined the order (待機中);
      // the further drop and the webhooks of the bridge's own writes cost nothing.
      expect(calls).toEqual(Array(11).fill('PUT /k/v1/record.json 200'));
      expect(early.sent).toEqual([]);
      expect(await staff.emailsTo(SUPPLIER_A.email)).toEqual([]);
      const records = await Promise.all(FIVE.map((item) => staff.fields(ids[item.sku] ?? '')));
      orderNumber = records[0]?.['発注番号'] ?? '';
      expect(orderNumber).toMatch(/^PO-\d{8}-\d{4}$/);
      records.forEach((record, index) => {
        const item = FIVE[index] as NewItem;
        const drop = DROPS[item.sku] as { onHand: string; quantity: number };
        expect(record['発注状況']).toBe('待機中');
        expect(record['発注番号']).toBe(orderNumber);
        expect(record['発注理由']).toMatch(
          new RegExp(
            `^発注依頼 ${orderNumber} に ${drop.quantity}${item.unit} を追加しました。` +
              `\\d\\d/\\d\\d \\d\\d:\\d\\d にまとめて送信します。` +
              `在庫数 ${drop.onHand} ≤ 発注点 ${item.reorderPoint}: ${drop.quantity}${item.unit}を発注`,
          ),
        );
      });
    });

    test('after the window: exactly one email with 5 lines, the ship-to and the prices', async () => {
      // Act
      advancePastWindow();
      const from = staff.logPosition();
      const result = await staff.runScheduler();

      // Assess: one order sent, written to its five records in one bulk update, one comment each.
      expect(result.sent).toEqual([orderNumber]);
      expect(staff.callsSince(from)).toEqual([
        ...Array(5).fill('POST /k/v1/record/comment.json 200'),
        'PUT /k/v1/records.json 200',
      ]);
      const emails = await staff.emailsTo(SUPPLIER_A.email);
      expect(emails).toHaveLength(1);
      email = emails[0];
      expect(email?.subject).toContain(orderNumber);
      const text = email?.body.text ?? '';
      expect(text).toContain('品番 | 品名 | 数量 | 単位 | 単価 | 金額');
      expect(emailLines(email).map((line) => line.split(' | ').slice(0, 6).join(' | '))).toEqual([
        'W-101 | ボールペン 赤 0.5mm | 84 | 本 | ¥120 | ¥10,080',
        'W-102 | 付箋 75mm 青 | 60 | 冊 | ¥88 | ¥5,280',
        'W-103 | ゼムクリップ 小 | 35 | 箱 | ¥220 | ¥7,700',
        'W-104 | コピー用紙 B5 | 20 | 冊 | ¥398 | ¥7,960',
        'W-105 | 緑茶 500ml ※ | 24 | 本 | ¥100 | ¥2,400',
      ]);
      expect(text).toContain(
        '【納品先】\n株式会社デモ商事 本社倉庫\n〒135-0061 東京都江東区豊洲1-1-1 デモ物流センター\n' +
          'TEL：03-0000-3333\n担当：倉庫課 鈴木\n',
      );
      // 10 % of 31,020 and 8 % of 2,400 (192), each rounded down once for the order.
      expect(text).toContain(
        [
          '小計：¥33,420',
          '10%対象：¥31,020',
          '消費税（10%）：¥3,102',
          '8%対象（※軽減税率）：¥2,400',
          '消費税（8%）：¥192',
          '合計（税込）：¥36,714',
        ].join('\n'),
      );
    });

    test('after the send each record shows 発注依頼済, the same order number and its own line', async () => {
      const records = await Promise.all(FIVE.map((item) => staff.fields(ids[item.sku] ?? '')));
      records.forEach((record, index) => {
        const item = FIVE[index] as NewItem;
        const drop = DROPS[item.sku] as { onHand: string; quantity: number };
        expect(record['発注状況']).toBe('発注依頼済');
        expect(record['発注番号']).toBe(orderNumber);
        expect(record['発注理由']).toMatch(
          new RegExp(
            `^在庫数 ${drop.onHand} ≤ 発注点 ${item.reorderPoint}: ${drop.quantity}${item.unit}を発注`,
          ),
        );
        expect(record['発注日時']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00Z$/);
      });
      // One comment per record naming the order, its own line and the order's other four.
      for (const item of FIVE) {
        const texts = (await staff.comments(ids[item.sku] ?? '')).filter((text) =>
          text.includes(orderNumber),
        );
        expect(texts).toHaveLength(1);
        expect(texts[0]).toContain(item.sku);
        expect(texts[0]).toContain('(同じ発注書に他 4 品目)');
      }
      // A further run sends nothing more.
      expect((await staff.runScheduler()).sent).toEqual([]);
      expect(await staff.emailsTo(SUPPLIER_A.email)).toHaveLength(1);
    });

    test('a partial answer per line on the order page reaches each record', async () => {
      // Prepare: the page the email links to, with a quantity field per line.
      const pageUrl = pageLinkOf(email);
      const page = await fetch(pageUrl);
      const html = await page.text();
      expect(page.status).toBe(200);
      const field = lineQuantityFieldsOf(html);
      expect(Object.keys(field)).toEqual(FIVE.map((item) => item.sku));
      // The page shows the ship-to and the total as the email does.
      expect(html).toContain('株式会社デモ商事 本社倉庫');
      expect(html).toContain('¥36,714');
      const deliveryDate = addDays(localDate(now(), TIME_ZONE), 4);

      // Act: W-101 and W-104 in full, W-102 and W-105 in part, W-103 not at all.
      const answered: Record<string, string> = {
        'W-101': '84',
        'W-102': '30',
        'W-103': '0',
        'W-104': '20',
        'W-105': '12',
      };
      const posted = await fetch(pageUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          action: 'partial',
          partialDeliveryDate: deliveryDate,
          note: '残りは来週',
          nonce: formNonceOf(html),
          ...Object.fromEntries(
            Object.entries(answered).map(([sku, quantity]) => [field[sku] ?? sku, quantity]),
          ),
        }).toString(),
        redirect: 'manual',
      });
      await staff.stack.idle();

      // Assess: each record shows its own line's answer.
      expect(posted.status).toBe(303);
      const expected: Record<string, [string, string]> = {
        'W-101': ['受注確認済', deliveryDate],
        'W-102': ['一部受注', deliveryDate],
        'W-103': ['辞退', ''],
        'W-104': ['受注確認済', deliveryDate],
        'W-105': ['一部受注', deliveryDate],
      };
      for (const item of FIVE) {
        const record = await staff.fields(ids[item.sku] ?? '');
        expect([item.sku, record['発注状況'], record['納品予定日']]).toEqual([
          item.sku,
          ...(expected[item.sku] ?? []),
        ]);
        expect(record['発注番号']).toBe(orderNumber);
      }
      // Each record's comment gives its own line's quantity, and the supplier's note.
      for (const item of FIVE) {
        const [latest] = await staff.comments(ids[item.sku] ?? '');
        const ordered = DROPS[item.sku]?.quantity;
        expect(latest).toContain(
          `・${item.sku} ${item.name}: ${answered[item.sku]}${item.unit}（発注 ${ordered}${item.unit}）`,
        );
        expect(latest).toContain('備考: 残りは来週');
        const others = FIVE.filter((other) => other !== item).map((other) => other.sku);
        expect(others.filter((sku) => latest?.includes(sku))).toEqual([]);
      }
      expect(await staff.emailsTo(SUPPLIER_A.email)).toHaveLength(1);
    });
  });

  test('an item that recovers before the window ends is dropped: its record says so, the email has the others', async () => {
    // Prepare: three items of 紙の山田商店 fall due in one window.
    for (const item of THREE) await staff.edit(ids[item.sku] ?? '', { 在庫数: '2' });
    const waiting = await staff.fields(ids['R-201'] ?? '');
    const orderNumber = waiting['発注番号'] ?? '';
    expect(waiting['発注状況']).toBe('待機中');

    // Act: R-202 is restocked before the send.
    await staff.edit(ids['R-202'] ?? '', { 在庫数: '30' });
    const dropped = await staff.fields(ids['R-202'] ?? '');
    advancePastWindow();
    const result = await staff.runScheduler();

    // Assess: the record says it was taken off the order; the order went out without it.
    expect(dropped['発注状況']).toBe('未発注');
    expect(dropped['発注番号']).toBe('');
    expect(dropped['発注理由']).toMatch(/^発注待ちから外しました: /);
    const notice = await staff.comments(ids['R-202'] ?? '');
    expect(notice.some((text) => text.includes(orderNumber) && text.includes('R-202'))).toBe(true);
    expect(result.sent).toEqual([orderNumber]);
    const emails = await staff.emailsOf(orderNumber);
    expect(emails).toHaveLength(1);
    expect(emails[0]?.destination.to).toEqual([SUPPLIER_B.email]);
    expect(emailLines(emails[0]).map((line) => line.split(' | ')[0])).toEqual(['R-201', 'R-203']);
    const page = await (await fetch(pageLinkOf(emails[0]))).text();
    expect(Object.keys(lineQuantityFieldsOf(page))).toEqual(['R-201', 'R-203']);
    expect((await staff.fields(ids['R-201'] ?? ''))['発注状況']).toBe('発注依頼済');
    expect((await staff.fields(ids['R-203'] ?? ''))['発注状況']).toBe('発注依頼済');
    const after = await staff.fields(ids['R-202'] ?? '');
    expect([after['発注状況'], after['発注番号']]).toEqual(['未発注', '']);
  });

  test('items of two ship-tos give two orders, each with its own 納品先', async () => {
    // Prepare: a second site, 本社倉庫, keeps an item of 紙の山田商店 too (app 15, table rows).
    const { id: tokyo } = await staff.site.record.addRecord({
      app: SITE,
      record: {
        拠点: { value: '本社倉庫' },
        [TABLE]: {
          value: [
            {
              value: {
                明細_品番: { value: 'T-200' },
                明細_品名: { value: 'コピー用紙 A3 500枚' },
                明細_在庫数: { value: '30' },
                明細_発注点: { value: '10' },
                明細_発注量: { value: '10' },
                明細_単価: { value: '798' },
                明細_仕入先コード: { value: 'S-002' },
                明細_発注状況: { value: '未発注' },
              },
            },
          ],
        },
      },
    });
    await staff.stack.idle();
    const saveRows = async (id: string, changes: Record<string, Record<string, string>>) => {
      const { record } = await staff.site.record.getRecord({ app: SITE, id });
      const rows = (record[TABLE] as unknown as { value: TableRowJson[] }).value;
      const table = formSaveTable(
        rows,
        (row) => changes[String(row.value['明細_品番']?.value)] ?? {},
      );
      await staff.site.record.updateRecord({
        app: SITE,
        id,
        record: { [TABLE]: { value: table } },
      });
      await staff.stack.idle();
    };
    const rowsOf = async (id: string) => {
      const { record } = await staff.site.record.getRecord({ app: SITE, id });
      return (record[TABLE] as unknown as { value: TableRowJson[] }).value;
    };
    const cell = (row: TableRowJson | undefined, code: string) => String(row?.value[code]?.value);

    // Act: B-200 falls at 大阪倉庫 and T-200 at 本社倉庫, both supplied by 紙の山田商店.
    await saveRows('1', { 'B-200': { 明細_在庫数: '3' } });
    await saveRows(tokyo, { 'T-200': { 明細_在庫数: '2' } });
    const osakaRow = (await rowsOf('1'))[0];
    const tokyoRow = (await rowsOf(tokyo))[0];
    advancePastWindow();
    const result = await staff.runScheduler();

    // Assess: two orders, one per ship-to, each waiting then sent with its own address.
    const osakaOrder = cell(osakaRow, '明細_発注番号');
    const tokyoOrder = cell(tokyoRow, '明細_発注番号');
    expect([cell(osakaRow, '明細_発注状況'), cell(tokyoRow, '明細_発注状況')]).toEqual([
      '待機中',
      '待機中',
    ]);
    expect(osakaOrder).toMatch(/^PO-\d{8}-\d{4}$/);
    expect(tokyoOrder).toMatch(/^PO-\d{8}-\d{4}$/);
    expect(tokyoOrder).not.toBe(osakaOrder);
    expect([...result.sent].sort()).toEqual([osakaOrder, tokyoOrder].sort());
    const [osakaEmail, ...moreOsaka] = await staff.emailsOf(osakaOrder);
    const [tokyoEmail, ...moreTokyo] = await staff.emailsOf(tokyoOrder);
    expect([moreOsaka, moreTokyo]).toEqual([[], []]);
    expect(osakaEmail?.body.text).toContain('【納品先】\n株式会社デモ商事 大阪倉庫\n');
    expect(tokyoEmail?.body.text).toContain('【納品先】\n株式会社デモ商事 本社倉庫\n');
    expect(emailLines(osakaEmail).map((line) => line.split(' | ')[0])).toEqual(['B-200']);
    expect(emailLines(tokyoEmail).map((line) => line.split(' | ')[0])).toEqual(['T-200']);
    expect(cell((await rowsOf('1'))[0], '明細_発注状況')).toBe('発注依頼済');
    expect(cell((await rowsOf(tokyo))[0], '明細_発注状況')).toBe('発注依頼済');
  });

  test('a crash between sealing and sending sends the order once', async () => {
    // Prepare: two items of オフィス機器サービス wait on one order; the window ends.
    for (const item of TWO) await staff.edit(ids[item.sku] ?? '', { 在庫数: '1' });
    const orderNumber = (await staff.fields(ids['C-301'] ?? ''))['発注番号'] ?? '';
    advancePastWindow();

    // Act: the run seals the order, then SES fails the send; the whole stack then stops (the
    // process is gone) and starts again on the same data, and the schedule runs on.
    const faults = await fetch(staff.stack.urls.sesFaultsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ failNext: 1, kind: 'unavailable' }),
    });
    const failed = await staff.runScheduler();
    const meanwhile = await staff.fields(ids['C-301'] ?? '');
    const sentBeforeCrash = (await staff.emailsOf(orderNumber)).length;
    await staff.stack.close();
    staff = new Staff(await startLocalStack(options));
    // Past the quiet period in which a sealed order may still be another invocation's.
    advancePastWindow();
    const retried = await staff.runScheduler();
    const again = await staff.runScheduler();

    // Assess
    expect(faults.status).toBe(200);
    expect(failed.sent).toEqual([]);
    expect(failed.failed.map((entry) => entry.orderNumber)).toEqual([orderNumber]);
    expect(sentBeforeCrash).toBe(0);
    expect(meanwhile['発注番号']).toBe(orderNumber);
    expect(meanwhile['発注状況']).toBe('送信待ち');
    expect(retried.sent).toEqual([orderNumber]);
    expect(again.sent).toEqual([]);
    const emails = await staff.emailsOf(orderNumber);
    expect(emails).toHaveLength(1);
    expect(emailLines(emails[0]).map((line) => line.split(' | ')[0])).toEqual(['C-301', 'C-302']);
    for (const item of TWO) {
      const record = await staff.fields(ids[item.sku] ?? '');
      expect([record['発注状況'], record['発注番号']]).toEqual(['発注依頼済', orderNumber]);
    }
  });

  test('a failure after the email (kintone refuses the write-back) is finished without a second email', async () => {
    // Prepare: two items wait on one order; the window ends; kintone refuses every attempt of
    // the write-back's bulk update.
    for (const item of PAIR) await staff.edit(ids[item.sku] ?? '', { 在庫数: '1' });
    const orderNumber = (await staff.fields(ids['K-501'] ?? ''))['発注番号'] ?? '';
    advancePastWindow();
    staff.stack.kintone?.injectFailures({
      status: 503,
      times: DEFAULT_KINTONE_RETRY_ATTEMPTS,
      methods: ['PUT'],
      path: 'records.json',
    });

    // Act: the run sends the email, then fails; runs within the quiet period leave the order
    // alone; the next run after it writes the records back.
    const failed = await staff.runScheduler();
    const emailedOnce = (await staff.emailsOf(orderNumber)).length;
    const quiet = await staff.runScheduler();
    advancePastWindow();
    const finished = await staff.runScheduler();

    // Assess: one email in all; the records show the order as sent.
    expect(failed.failed.map((entry) => entry.orderNumber)).toEqual([orderNumber]);
    expect(emailedOnce).toBe(1);
    expect(quiet.busy).toEqual([orderNumber]);
    expect(finished.sent).toEqual([]);
    expect(finished.settled).toEqual([orderNumber]);
    expect(await staff.emailsOf(orderNumber)).toHaveLength(1);
    for (const item of PAIR) {
      const record = await staff.fields(ids[item.sku] ?? '');
      expect([record['発注状況'], record['発注番号']]).toEqual(['発注依頼済', orderNumber]);
      expect(
        (await staff.comments(ids[item.sku] ?? '')).filter((text) => text.includes(orderNumber)),
      ).toHaveLength(1);
    }
  });
});

describe('immediate (the demo configuration) through the local stack', () => {
  let staff: Staff;
  let close: () => Promise<void>;
  let ids: Record<string, string>;

  beforeAll(async () => {
    const started = await startTestStack('sab-e2e-immediate-', { now });
    staff = new Staff(started.stack);
    close = started.close;
    // The SES emulator's store is shared by every stack of this file: start from an empty one.
    await staff.stack.ses.clear();
    ids = await staff.addItems(FIVE.slice(0, 2));
  });

  afterAll(() => close());

  test('each drop sends its own email at once and the record shows 発注依頼済', async () => {
    // Act: two items of one supplier drop, one after the other.
    await staff.edit(ids['W-101'] ?? '', { 在庫数: '18' });
    const first = await staff.emailsTo(SUPPLIER_A.email);
    await staff.edit(ids['W-102'] ?? '', { 在庫数: '4' });

    // Assess: one email per drop, each of one line, without a scheduler run.
    const emails = await staff.emailsTo(SUPPLIER_A.email);
    expect(first).toHaveLength(1);
    expect(emails).toHaveLength(2);
    expect(emails.map((email) => emailLines(email).map((line) => line.split(' | ')[0]))).toEqual([
      ['W-101'],
      ['W-102'],
    ]);
    const records = [
      await staff.fields(ids['W-101'] ?? ''),
      await staff.fields(ids['W-102'] ?? ''),
    ];
    expect(records.map((record) => record['発注状況'])).toEqual(['発注依頼済', '発注依頼済']);
    expect(records[0]?.['発注番号']).not.toBe(records[1]?.['発注番号']);
    expect(emails[0]?.subject).toContain(records[0]?.['発注番号']);
    expect(emails[1]?.subject).toContain(records[1]?.['発注番号']);
    expect(records[0]?.['発注理由']).toMatch(/^在庫数 18 ≤ 発注点 20: 84本を発注/);
    expect((await staff.runScheduler()).sent).toEqual([]);
    expect(await staff.emailsTo(SUPPLIER_A.email)).toHaveLength(2);
  });
});

/** config/demo.json (every app `immediate`) with a 10-minute window of S-001's own. */
function supplierRuleConfig(dir: string): string {
  const config = JSON.parse(readFileSync('config/demo.json', 'utf8')) as Record<string, unknown>;
  config['suppliers'] = {
    ...(config['suppliers'] as Record<string, unknown> | undefined),
    [SUPPLIER_A.code]: { gathering: { rule: 'window', minutes: WINDOW_MINUTES } },
  };
  const path = join(dir, 'config.supplier-rule.json');
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}

describe("a supplier's own gathering rule (suppliers.<code>.gathering) through the local stack", () => {
  let staff: Staff;
  let close: () => Promise<void>;
  let configDir: string;
  let ids: Record<string, string>;

  beforeAll(async () => {
    configDir = mkdtempSync(join(tmpdir(), 'sab-e2e-supplier-rule-config-'));
    const started = await startTestStack('sab-e2e-supplier-rule-', {
      configPath: supplierRuleConfig(configDir),
      now,
    });
    staff = new Staff(started.stack);
    close = started.close;
    await staff.stack.ses.clear();
    ids = await staff.addItems([...FIVE.slice(0, 2), THREE[0] as NewItem]);
  });

  afterAll(async () => {
    await close();
    rmSync(configDir, { recursive: true, force: true });
  });

  test("gathers S-001's drops for its window while the app sends S-002's at once", async () => {
    // Act: two items of S-001 and one of S-002 drop, one save each.
    await staff.edit(ids['W-101'] ?? '', { 在庫数: '18' });
    await staff.edit(ids['W-102'] ?? '', { 在庫数: '4' });
    await staff.edit(ids['R-201'] ?? '', { 在庫数: '2' });
    const waiting = await Promise.all(
      ['W-101', 'W-102'].map((sku) => staff.fields(ids[sku] ?? '')),
    );
    const atOnce = await staff.emailsTo(SUPPLIER_B.email);
    const early = await staff.runScheduler();
    advancePastWindow();
    const late = await staff.runScheduler();

    // Assess: S-002's order went with its save; S-001's two records waited on one order, sent
    // after the window as one email with both lines.
    expect(atOnce).toHaveLength(1);
    expect(emailLines(atOnce[0]).map((line) => line.split(' | ')[0])).toEqual(['R-201']);
    expect(waiting.map((record) => record['発注状況'])).toEqual(['待機中', '待機中']);
    const orderNumber = waiting[0]?.['発注番号'] ?? '';
    expect(waiting[1]?.['発注番号']).toBe(orderNumber);
    expect(early.sent).toEqual([]);
    expect(late.sent).toEqual([orderNumber]);
    const gathered = await staff.emailsTo(SUPPLIER_A.email);
    expect(gathered).toHaveLength(1);
    expect(gathered[0]?.subject).toContain(orderNumber);
    expect(emailLines(gathered[0]).map((line) => line.split(' | ')[0])).toEqual(['W-101', 'W-102']);
    expect((await staff.fields(ids['W-101'] ?? ''))['発注状況']).toBe('発注依頼済');
  });
});
