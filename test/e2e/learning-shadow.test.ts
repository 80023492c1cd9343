import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LearningReport } from '../../shared/use-cases/learning-report';
import { startTestStack, type TestStack } from '../support/local-stack';

/**
 * Shadow mode (issue 14) through the local stack: app 12 runs with `learning.shadow`, so a
 * shortage is recorded as the order the bridge would place and nothing is sent or written as
 * ordered; staff place their own order a day later (their order number, 発注日時 and 発注残),
 * and the report compares the two.
 */

let staff: TestStack;
let configDir: string;
let clock = new Date('2026-12-01T01:00:00Z');

beforeAll(async () => {
  const raw = JSON.parse(readFileSync('config/demo.json', 'utf8')) as {
    apps: Array<Record<string, unknown> & { appId: string }>;
  };
  const app = raw.apps.find((candidate) => candidate.appId === '12');
  if (app) app.learning = { shadow: true };
  configDir = mkdtempSync(join(tmpdir(), 'sab-e2e-shadow-config-'));
  const configPath = join(configDir, 'config.json');
  writeFileSync(configPath, JSON.stringify(raw));
  staff = await startTestStack('sab-e2e-shadow-', { now: () => clock, configPath });
}, 60_000);

afterAll(async () => {
  await staff.close();
  rmSync(configDir, { recursive: true, force: true });
});

test('a shortage in shadow mode sends nothing, and the report compares it with what staff ordered', async () => {
  // Prepare
  const { id } = await staff.recordOf('A-100');

  // Act: A-100 falls below its reorder point (18 ≤ 20); a day later staff order 96 themselves.
  await staff.edit(id, { 在庫数: '18' });
  const afterShortage = await staff.fields(id);
  clock = new Date('2026-12-02T01:00:00Z');
  await staff.edit(id, {
    発注番号: 'STAFF-001',
    発注日時: '2026-12-02T01:00:00Z',
    発注残: '96',
  });
  const response = await fetch(`${staff.stack.urls.learningReportUrl}.json`);
  const report = (await response.json()) as LearningReport;

  // Assess: nothing sent, nothing written as ordered.
  expect(await staff.stack.ses.emails()).toEqual([]);
  expect(afterShortage['発注状況']).not.toBe('発注依頼済');
  expect(afterShortage['発注番号']).toBe('');
  const item = report.items.find((candidate) => candidate.sku === 'A-100');
  expect(item?.orders).toEqual([
    { at: '2026-12-01T01:00:00.000Z', quantity: 84, kind: 'shadow' },
    { at: '2026-12-02T01:00:00.000Z', quantity: 96, kind: 'placed', orderNumber: 'STAFF-001' },
  ]);
  expect(report.shadow).toEqual([
    expect.objectContaining({
      appId: '12',
      sku: 'A-100',
      shadow: { count: 1, quantity: 84 },
      actual: { count: 1, quantity: 96 },
      matched: 1,
      medianTimingHours: 24,
      medianQuantityDifference: 12,
    }),
  ]);
}, 60_000);
