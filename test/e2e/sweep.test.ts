import type { StoredEmail } from '../../local/ses/ses-store';
import type { RecordJson } from '../../local/kintone/local-kintone';
import type { SweepOutcome } from '../../shared/use-cases/sweep-inventory';
import { startTestStack, type TestStack } from '../support/local-stack';

/**
 * Never missing a shortage (issue 12): kintone sends no webhook for a CSV import, so the
 * sweep reads each inventory app with the cursor API and queues what no notification brought.
 * Everything runs for real: the local kintone's cursor API and CSV-style import, the queue, the
 * dispatcher, dynalite and the SES emulator. The clock is the test's.
 */

const APP = '12';
const SITE_APP = '15';
let staff: TestStack;
let clock = new Date('2026-12-01T01:00:00Z');

beforeAll(async () => {
  staff = await startTestStack('sab-e2e-sweep-', { now: () => clock });
});

afterAll(() => staff.close());

function kintone() {
  const local = staff.stack.kintone;
  if (!local) throw new Error('the test stack runs the local kintone');
  return local;
}

async function sweep(): Promise<SweepOutcome> {
  const result = await staff.runSweep();
  if ('disabled' in result) throw new Error('the sweep is switched off in config/demo.json');
  return result;
}

function valueOf(record: RecordJson | undefined, code: string): string {
  return String(record?.[code]?.value ?? '');
}

function recordOf(appId: string, sku: string): RecordJson {
  const record = kintone()
    .records(appId)
    .find((candidate) => valueOf(candidate, '品番') === sku);
  if (!record) throw new Error(`no record ${sku} in app ${appId}`);
  return record;
}

async function emails(): Promise<StoredEmail[]> {
  return staff.stack.ses.emails();
}

/** Writes since the given point of the request log (kintone writes of any kind). */
function writesSince(start: number) {
  return kintone()
    .requestLog()
    .slice(start)
    .filter((entry) => entry.method !== 'GET' && !entry.path.endsWith('records/cursor.json'));
}

describe('the sweep', () => {
  test('a CSV-style import (no webhook) of items below their reorder point is ordered by the next sweep, once each', async () => {
    // Prepare: two items fall below their reorder point by a CSV import, which sends no webhook.
    const a100 = recordOf(APP, 'A-100');
    const b200 = recordOf(APP, 'B-200');
    const deliveriesBefore = kintone().webhookDeliveries().length;
    kintone().importRecords(APP, [
      { id: valueOf(a100, '$id'), record: { 在庫数: { value: '5' } } },
      { id: valueOf(b200, '$id'), record: { 在庫数: { value: '3' } } },
    ]);
    await staff.stack.idle();
    expect(kintone().webhookDeliveries()).toHaveLength(deliveriesBefore);
    expect(await emails()).toHaveLength(0);

    // Act
    const outcome = await sweep();

    // Assess: both apps read (the table app too); the two shortages found and ordered, each
    // on its own order with one email; the records show 発注依頼済.
    expect(outcome.apps.map((app) => app.appId)).toEqual([APP, SITE_APP]);
    expect(outcome.shortages).toBe(2);
    expect(outcome.stoppedEarly).toBe(false);
    const sent = await emails();
    expect(sent).toHaveLength(2);
    for (const sku of ['A-100', 'B-200']) {
      const record = recordOf(APP, sku);
      expect(valueOf(record, '発注状況')).toBe('発注依頼済');
      expect(valueOf(record, '発注番号')).toMatch(/^PO-\d{8}-\d{4}$/);
      expect(
        sent.filter((email) => email.subject.includes(valueOf(record, '発注番号'))),
      ).toHaveLength(1);
    }
    expect(valueOf(recordOf(APP, 'C-300'), '発注状況')).toBe('未発注');
    // Every cursor was read to its end or deleted: none holds one of kintone's ten slots.
    expect(kintone().openCursors()).toBe(0);
  });

  test('a sweep over the already-ordered items orders nothing and writes nothing; a second one right after queues nothing', async () => {
    // Prepare: an hour later, another import lowers the ordered items further (still no
    // webhook): new revisions the bridge has not processed, of items already on order.
    clock = new Date(clock.getTime() + 60 * 60_000);
    kintone().importRecords(APP, [
      { id: valueOf(recordOf(APP, 'A-100'), '$id'), record: { 在庫数: { value: '2' } } },
      { id: valueOf(recordOf(APP, 'B-200'), '$id'), record: { 在庫数: { value: '1' } } },
    ]);
    const logStart = kintone().requestLog().length;
    const emailsBefore = (await emails()).length;

    // Act: this sweep hands them to the pipeline, which finds them on order; the next one
    // finds every revision processed.
    const first = await sweep();
    const second = await sweep();

    // Assess
    expect(first.shortages).toBe(0);
    expect(first.queued).toBe(2);
    expect(second.queued).toBe(0);
    expect(second.shortages).toBe(0);
    expect(await emails()).toHaveLength(emailsBefore);
    expect(writesSince(logStart)).toEqual([]);
    for (const sku of ['A-100', 'B-200']) {
      expect(valueOf(recordOf(APP, sku), '発注状況')).toBe('発注依頼済');
    }
  });

  test('a row of a table app imported below its reorder point is ordered by the next sweep', async () => {
    const site = kintone().records(SITE_APP)[0];
    const table = site?.在庫明細?.value as Array<{
      id: string;
      value: Record<string, { value: unknown }>;
    }>;
    const rows = table.map((row) => ({
      id: row.id,
      value: Object.fromEntries(
        Object.entries(row.value).map(([code, field]) => [
          code,
          {
            value:
              code === '明細_在庫数' && row.value['明細_品番']?.value === 'B-202'
                ? '4'
                : field.value,
          },
        ]),
      ),
    }));
    kintone().importRecords(SITE_APP, [
      { id: valueOf(site, '$id'), record: { 在庫明細: { value: rows } } },
    ]);
    const emailsBefore = (await emails()).length;

    const outcome = await sweep();
    const again = await sweep();

    expect(outcome.apps.find((app) => app.appId === SITE_APP)?.shortages).toBe(1);
    expect((await emails()).length).toBe(emailsBefore + 1);
    const after = kintone().records(SITE_APP)[0]?.在庫明細?.value as Array<{
      value: Record<string, { value: unknown }>;
    }>;
    const row = after.find((candidate) => candidate.value['明細_品番']?.value === 'B-202');
    expect(row?.value['明細_発注状況']?.value).toBe('発注依頼済');
    const others = after.filter((candidate) => candidate.value['明細_品番']?.value !== 'B-202');
    expect(others.map((candidate) => candidate.value['明細_発注状況']?.value)).toEqual([
      '未発注',
      '未発注',
    ]);
    expect(again.shortages).toBe(0);
    expect((await emails()).length).toBe(emailsBefore + 1);
  });
});
