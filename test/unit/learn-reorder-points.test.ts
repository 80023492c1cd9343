import {
  learnReorderPoints,
  learningRetryDelayMs,
} from '../../shared/use-cases/learn-reorder-points';
import { addDays, zonedInstant } from '../../shared/domain/dates';
import { calendars, FIELDS, feedSimulation, learningDeps } from '../support/learning-simulation';
import { trueReorderPoint } from './learning/generate';

// d = 8/day (σ_d ≈ 2.52 after rounding), L = 5 business days exactly (σ_L = 0), 95 %.
const TRUE_ROP = trueReorderPoint(8, Math.sqrt(2.5 ** 2 + 1 / 12), 5, 0);
/** From 60 business days of history: every seed's 推奨発注点 within 15 % of the true ROP. */
const TOLERANCE = 0.15;

describe('learnReorderPoints (issue 14)', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'writes a 推奨発注点 within 15 %% of the true ROP, learned lead time 5 (seed %i)',
    async (seed) => {
      // Prepare
      const subject = learningDeps();
      const now = await feedSimulation(subject, seed);

      // Act
      const outcome = await learnReorderPoints(subject.deps, now);

      // Assess
      expect(outcome.apps[0]).toMatchObject({ appId: '12', ran: true, items: 1, written: 1 });
      expect(outcome.kintoneCalls).toBe(1);
      const [bulk] = subject.kintone.bulkUpdates;
      expect(bulk?.records).toEqual([
        {
          recordId: '1',
          values: {
            推奨発注点: expect.any(String),
            推奨最大在庫: expect.any(String),
            推定リードタイム: '5',
            推奨理由: expect.stringContaining('リードタイム'),
          },
        },
      ]);
      const suggested = Number(bulk?.records[0]?.values['推奨発注点']);
      expect(Math.abs(suggested - TRUE_ROP) / TRUE_ROP).toBeLessThan(TOLERANCE);
    },
  );

  it('writes a table app’s suggestions into the rows, one row write per record', async () => {
    // Prepare: two rows of record 3 of app 15 (在庫明細), one row of record 4.
    const subject = learningDeps({ fields: FIELDS }, '15');
    const now = await feedSimulation(subject, 21, '3:101', '15');
    await feedSimulation(subject, 22, '3:102', '15');
    await feedSimulation(subject, 23, '4:201', '15');

    // Act
    const outcome = await learnReorderPoints(subject.deps, now);
    const again = await learnReorderPoints(subject.deps, new Date(now.getTime() + 86_400_000));

    // Assess: two records, each read and written once; the rows' own values; none the next day.
    expect(outcome.apps.find((app) => app.appId === '15')).toMatchObject({
      ran: true,
      items: 3,
      written: 3,
      kintoneCalls: 4,
    });
    expect(subject.kintone.bulkUpdates).toEqual([]);
    expect(
      subject.kintone.rowUpdates.map(({ recordId, subtable, rows }) => ({
        recordId,
        subtable,
        rows: Object.keys(rows),
      })),
    ).toEqual([
      { recordId: '3', subtable: '在庫明細', rows: ['101', '102'] },
      { recordId: '4', subtable: '在庫明細', rows: ['201'] },
    ]);
    const row = subject.kintone.rowUpdates[0]?.rows['101'];
    expect(row).toEqual({
      推奨発注点: expect.any(String),
      推奨最大在庫: expect.any(String),
      推定リードタイム: '5',
      推奨理由: expect.stringContaining('リードタイム'),
    });
    expect(Math.abs(Number(row?.['推奨発注点']) - TRUE_ROP) / TRUE_ROP).toBeLessThan(TOLERANCE);
    expect(again.apps.find((app) => app.appId === '15')).toMatchObject({ written: 0 });
    expect(subject.kintone.rowUpdates).toHaveLength(2);
  });

  it.each([
    ['a staff correction (棚卸), set with that edit, is not demand', ['棚卸'], '15', '65'],
    // d = (38 × 5 + 45) / 39 ≈ 6.03, σ_d ≈ 6.4: 6.03 × 3 + 1.645 × √(3 × 6.4²) ≈ 36.3 → 37.
    ['without 棚卸 among the labels the same drop is demand', ['在庫調整'], '37', '97'],
  ])('%s', async (_name, correctionLabels, reorderPoint, orderUpTo) => {
    // Prepare: 40 business days of 5 taken a day; on day 20, after the day's edit, a stocktake
    // finds 40 fewer, and 入出庫区分 stays 棚卸 on the edits after it (kintone keeps the value).
    const subject = learningDeps({ fields: FIELDS, correctionLabels });
    let day = '2026-09-01';
    let stock = 1_000;
    let n = 0;
    const edit = (time: string, quantity: number, changeReason: string) =>
      subject.history.record('12', `n-${(n += 1)}`, [
        {
          appId: '12',
          itemId: '1',
          sku: 'A-1',
          supplierCode: 'S-1',
          at: zonedInstant(day, time, 'Asia/Tokyo').toISOString(),
          quantity,
          reorderPoint: 20,
          leadTimeDays: 3,
          changeReason,
        },
      ]);
    for (let business = 0; business < 40; day = addDays(day, 1)) {
      if (!calendars.company.isBusinessDay(day)) continue;
      business += 1;
      await edit('10:00', (stock -= 5), business > 20 ? '棚卸' : '出庫');
      if (business === 20) await edit('16:00', (stock -= 40), '棚卸');
    }

    // Act
    await learnReorderPoints(subject.deps, zonedInstant(day, '03:00', 'Asia/Tokyo'));

    // Assess: demand 5 a day exactly (no receipts: lead time 3 from the record, no spread),
    // so 推奨発注点 5 × 3 = 15 and 推奨最大在庫 15 + 5 × 10 = 65; the drop as demand raises both.
    expect(subject.kintone.bulkUpdates[0]?.records[0]?.values).toMatchObject({
      推奨発注点: reorderPoint,
      推奨最大在庫: orderUpTo,
    });
  });

  it('tries a failed run again later that day, less often after each failure, then runs once', async () => {
    // Prepare: kintone refuses the first two bulk writes (an outage in the morning).
    const subject = learningDeps();
    const now = await feedSimulation(subject, 12);
    const minutes = (n: number) => new Date(now.getTime() + n * 60_000);
    subject.kintone.updateFailures.push(new Error('kintone is down'), new Error('kintone is down'));

    // Act
    const first = await learnReorderPoints(subject.deps, now);
    const tooSoon = await learnReorderPoints(subject.deps, minutes(29));
    const second = await learnReorderPoints(subject.deps, minutes(30));
    const beforeItsRetry = await learnReorderPoints(subject.deps, minutes(89));
    const third = await learnReorderPoints(subject.deps, minutes(90));
    const afterwards = await learnReorderPoints(subject.deps, minutes(600));

    // Assess: failed at 0 and +30 min (retry 1 h after that), written at +90, then done.
    expect(first.apps).toEqual([]);
    expect(tooSoon.apps[0]).toMatchObject({ ran: false });
    expect(second.apps).toEqual([]);
    expect(beforeItsRetry.apps[0]).toMatchObject({ ran: false });
    expect(third.apps[0]).toMatchObject({ appId: '12', ran: true, written: 1 });
    expect(afterwards.apps[0]).toMatchObject({ ran: false });
    expect(subject.kintone.bulkUpdates).toHaveLength(1);
    expect(learningRetryDelayMs(1)).toBe(30 * 60_000);
    expect(learningRetryDelayMs(2)).toBe(60 * 60_000);
    expect(learningRetryDelayMs(9)).toBe(4 * 60 * 60_000);
  });

  it('runs once a day, and writes again only when the suggestion changed materially', async () => {
    // Prepare
    const subject = learningDeps();
    const now = await feedSimulation(subject, 11);
    await learnReorderPoints(subject.deps, now);

    // Act
    const again = await learnReorderPoints(subject.deps, new Date(now.getTime() + 3_600_000));
    const tomorrow = await learnReorderPoints(subject.deps, new Date(now.getTime() + 86_400_000));

    // Assess
    expect(again.apps[0]).toMatchObject({ ran: false, written: 0 });
    expect(tomorrow.apps[0]).toMatchObject({ ran: true, suggestions: 1, written: 0 });
    expect(subject.kintone.bulkUpdates).toHaveLength(1);
  });

  it("leaves staff's own 発注点 and 最大在庫 alone unless the app opts in", async () => {
    // Prepare
    const kept = learningDeps();
    const overwritten = learningDeps({ fields: FIELDS, overwriteStaffFields: true });
    const now = await feedSimulation(kept, 12);
    await feedSimulation(overwritten, 12);

    // Act
    await learnReorderPoints(kept.deps, now);
    await learnReorderPoints(overwritten.deps, now);

    // Assess
    expect(Object.keys(kept.kintone.updates[0]?.values ?? {})).not.toContain('発注点');
    const values = overwritten.kintone.updates[0]?.values ?? {};
    expect(Object.keys(values)).toEqual(expect.arrayContaining(['発注点', '最大在庫']));
    expect(values['発注点']).toBe(values['推奨発注点']);
    expect(Number(values['発注点'])).toBeGreaterThan(40);
  });

  it('spends one kintone call per 100 items written (101 items: 2 calls)', async () => {
    // Prepare
    const subject = learningDeps();
    let now = new Date();
    for (let item = 1; item <= 101; item++)
      now = await feedSimulation(subject, 100 + item, String(item));

    // Act
    const outcome = await learnReorderPoints(subject.deps, now);

    // Assess
    expect(outcome.apps[0]).toMatchObject({ items: 101, written: 101, kintoneCalls: 2 });
    expect(subject.kintone.bulkUpdates.map((bulk) => bulk.records.length)).toEqual([100, 1]);
  });
});
