import { KintoneRestAPIClient } from '@kintone/rest-api-client';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calendarFromConfig } from '../../shared/adapters/calendar/calendar-from-config';
import { parseConfig } from '../../shared/config/load-config';
import { addDays, zonedInstant } from '../../shared/domain/dates';
import { startTestStack, type TestStack } from '../support/local-stack';

/**
 * Learning from the stream (issue 14), end to end through the local stack: staff take 2 units
 * of A-100 at 10:00 and 2 at 15:00 of every business day for six weeks (the official kintone
 * client, the webhooks, the dispatcher and dynalite for real); the bridge orders at its
 * reorder point 20 and staff receive each order (入荷済) three business days after it went
 * out. The next morning's scheduler run writes the suggestion: demand 4 a day exactly, lead
 * time 3 business days exactly, so 推奨発注点 is 4 × 3 = 12 with no safety stock, and
 * 推奨最大在庫 is 12 + 4 × 10 = 52. Staff's own 発注点 stays 20.
 */

const ZONE = 'Asia/Tokyo';
const FIELDS = {
  reorderPoint: '推奨発注点',
  orderUpTo: '推奨最大在庫',
  leadTimeDays: '推定リードタイム',
  reason: '推奨理由',
};

let staff: TestStack;
let configDir: string;
let clock = new Date('2026-10-01T00:00:00Z');
/** The supplier master's scorecard fields (app 13 of the local kintone). */
const SCORECARD = {
  otifRate: '納期遵守率',
  medianAnswerHours: '回答時間',
  leadTimeDays: '実績リードタイム',
  leadTimeDeviation: 'リードタイムのばらつき',
};
const raw = JSON.parse(readFileSync('config/demo.json', 'utf8')) as {
  apps: Array<Record<string, unknown> & { appId: string }>;
  learning?: unknown;
};
// The top-level block (apps 12 and 15 learn) with the supplier scorecard; app 12's own block
// (its suggestion fields) replaces it for app 12.
raw.learning = { supplierFields: SCORECARD };
const demoApp = raw.apps.find((app) => app.appId === '12');
if (demoApp) demoApp.learning = { fields: FIELDS };
const calendar = calendarFromConfig(parseConfig(raw)).company;

beforeAll(async () => {
  configDir = mkdtempSync(join(tmpdir(), 'sab-e2e-learning-config-'));
  const configPath = join(configDir, 'config.json');
  writeFileSync(configPath, JSON.stringify(raw));
  staff = await startTestStack('sab-e2e-learning-', { now: () => clock, configPath });
}, 60_000);

afterAll(async () => {
  await staff.close();
  rmSync(configDir, { recursive: true, force: true });
});

/** The supplier master's record of `code`, every value a string (official client, app 13). */
async function supplierMasterRecord(code: string): Promise<Record<string, string>> {
  const client = new KintoneRestAPIClient({
    baseUrl: staff.stack.urls.kintoneBaseUrl,
    auth: { apiToken: staff.stack.urls.supplierMasterApiToken ?? '' },
  });
  const { records } = await client.record.getRecords({
    app: staff.stack.urls.supplierMasterAppId ?? '',
    query: `仕入先コード = "${code}"`,
  });
  const record = records[0] ?? {};
  return Object.fromEntries(
    Object.entries(record).map(([field, value]) => [field, String(value.value)]),
  );
}

function at(date: string, time: string): Date {
  return zonedInstant(date, time, ZONE);
}

describe('learning through the local stack', () => {
  test('six weeks of stock changes and receipts give the suggestion the true parameters imply, written once', async () => {
    // Prepare: 30 business days from 2026-10-01.
    const { id } = await staff.recordOf('A-100');
    let stock = Number((await staff.fields(id))['在庫数']);
    let receiveOn: string | undefined;
    let day = '2026-10-01';
    let businessDays = 0;
    for (; businessDays < 30; day = addDays(day, 1)) {
      if (!calendar.isBusinessDay(day)) continue;
      businessDays += 1;
      for (const time of ['10:00', '11:00', '15:00']) {
        clock = at(day, time);
        if (time === '11:00') {
          if (receiveOn !== day) continue;
          stock += 84;
          await staff.edit(id, { 在庫数: String(stock), 発注状況: '入荷済' });
          receiveOn = undefined;
          continue;
        }
        stock -= 2;
        await staff.edit(id, { 在庫数: String(stock) });
        const fields = await staff.fields(id);
        if (receiveOn === undefined && fields['発注状況'] === '発注依頼済') {
          receiveOn = calendar.addBusinessDays(day, 3).date;
        }
      }
    }
    const emails = await staff.stack.ses.emails();
    expect(emails.length).toBeGreaterThanOrEqual(2);
    const before = staff.stack.kintone?.requestLog().length ?? 0;

    // Act: the next business day's first scheduler run, then another one an hour later.
    clock = at(calendar.businessDayOnOrAfter(day), '01:00');
    const first = await staff.runScheduler();
    clock = new Date(clock.getTime() + 3_600_000);
    const second = await staff.runScheduler();

    // Assess
    const fields = await staff.fields(id);
    expect(fields).toMatchObject({
      推奨発注点: '12',
      推奨最大在庫: '52',
      推定リードタイム: '3',
      発注点: '20',
      最大在庫: '100',
    });
    expect(fields['推奨理由']).toContain('リードタイム');
    // The suggestions' bulk write, and the scorecards' read and bulk write.
    expect(first).toMatchObject({ learning: { kintoneCalls: 3, scorecards: 1 } });
    expect(second).not.toHaveProperty('learning');
    const writes = (staff.stack.kintone?.requestLog() ?? [])
      .slice(before)
      .filter((entry) => entry.method !== 'GET');
    // One bulk write of the suggestions (app 12), one of the scorecards (app 13).
    expect(writes.map((entry) => `${entry.method} ${entry.path}`)).toEqual([
      'PUT /k/v1/records.json',
      'PUT /k/v1/records.json',
    ]);
    // A-100's supplier S-001: every order received on time in full, 3 business days each.
    const master = await supplierMasterRecord('S-001');
    expect(master).toMatchObject({
      納期遵守率: '100.0',
      実績リードタイム: '3.0',
      リードタイムのばらつき: '0.0',
    });
  }, 180_000);
});
