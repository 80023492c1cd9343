import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startTestStack, type TestStack } from '../support/local-stack';

/**
 * `npm run report` against the local stack (dynalite): with the demo configuration learning,
 * staff drop A-100 below its reorder point in three edits; the command, reading the stack's
 * table through `--local`, writes the page with A-100's stock chart, its reorder point and the
 * order the bridge placed, and S-001's scorecard; the stack's own `/report` shows the same.
 */

jest.setTimeout(60_000);

const run = promisify(execFile);
const TSX = resolve('node_modules', '.bin', 'tsx');

let local: TestStack;
let configDir: string;

beforeAll(async () => {
  const demo = JSON.parse(readFileSync('config/demo.json', 'utf8')) as Record<string, unknown>;
  configDir = mkdtempSync(join(tmpdir(), 'sab-report-config-'));
  const configPath = join(configDir, 'learning.json');
  writeFileSync(configPath, JSON.stringify({ ...demo, learning: {} }));
  local = await startTestStack('sab-report-', { configPath });
});

afterAll(async () => {
  await local?.close();
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

test('writes the page from the local stack: stock chart, reorder point, the order, the scorecard', async () => {
  // Prepare: three stock changes of A-100, the last below its reorder point (20).
  const id = (await local.recordOf('A-100')).id;
  for (const onHand of ['45', '30', '18']) {
    await local.edit(id, { 在庫数: onHand });
    await local.stack.idle();
  }
  const out = join(local.dataDir, 'out', 'report.html');

  // Act
  const { stdout } = await run(TSX, [
    'scripts/report.ts',
    '--local',
    '--data-dir',
    local.dataDir,
    '--out',
    out,
  ]);

  // Assess: the command says what it wrote; the page has the item and the supplier.
  expect(stdout).toMatch(/^wrote .*report\.html: \d+ items, \d+ suppliers\n$/);
  const page = readFileSync(out, 'utf8');
  const a100 = page.slice(page.indexOf('data-sku="A-100"'));
  expect(a100).toContain('<svg class="chart"');
  expect(a100).toContain('class="rop-set"');
  expect(a100).toMatch(/<path class="order-placed"/);
  expect(a100).toContain('<dt>在庫数（最新）</dt><dd>18</dd>');
  expect(a100).toContain('<dt>発注点（設定）</dt><dd>20</dd>');
  expect(page).toMatch(/<tr data-supplier="S-001">/);
  expect(page).toContain('ローカル環境 stock-alert-bridge');

  // Assess: the stack's /report is the same page.
  const served = await fetch(local.stack.urls.learningReportUrl);
  expect(served.status).toBe(200);
  expect(served.headers.get('content-security-policy')).toContain("default-src 'none'");
  const html = await served.text();
  expect(html).toContain('<dt>在庫数（最新）</dt><dd>18</dd>');
  expect(html).toMatch(/<tr data-supplier="S-001">/);

  // Act: only another supplier's items.
  const filtered = await run(TSX, [
    'scripts/report.ts',
    '--local',
    '--data-dir',
    local.dataDir,
    '--out',
    out,
    '--supplier',
    'S-999',
  ]);

  // Assess: none of the item(s) is S-999's, and the page says so.
  expect(filtered.stdout).toMatch(/: 0 of [1-9]\d* items, /);
  expect(readFileSync(out, 'utf8')).toContain('条件に合う品目はありません。');
});

test('says what is missing instead of failing obscurely', async () => {
  // Act
  const missing = await run(TSX, ['scripts/report.ts', '--out', 'x.html'], {
    env: { ...process.env, TABLE_NAME: '' },
  }).catch((error: { code: number; stderr: string }) => error);

  // Assess
  expect(missing).toMatchObject({ code: 2 });
  expect((missing as { stderr: string }).stderr).toContain('give --table (or set TABLE_NAME)');
});
