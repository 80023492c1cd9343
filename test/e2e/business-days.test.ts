import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoredEmail } from '../../local/ses/ses-store';
import type { LocalStack } from '../../local/stack';
import { startTestStack, type TestStack } from '../support/local-stack';

/**
 * Business days end to end through the local stack, on a controlled clock: an order placed on
 * Monday 2026-12-28 (10:00 in Tokyo) for an item with a lead time of 3 days is wanted after
 * 年末年始 (the demo configuration closes 2026-12-29 to 2027-01-03; 元日 is a public holiday from
 * the holiday list) and after the supplier's own closed day (棚卸 on 2027-01-06, configured for
 * S-001 here): 2027-01-07, not 2026-12-31. The email prints that date, the record's reason names
 * the skipped days, and its comment gives the date.
 */

const SUPPLIER_A = 'order@sample-bungu.example.jp';
const ORDERED_AT = new Date('2026-12-28T01:00:00Z');

let stack: LocalStack;
let recordIdOf: TestStack['recordIdOf'];
let fields: TestStack['fields'];
let edit: TestStack['edit'];
let comments: TestStack['comments'];
let close: TestStack['close'];
let configDir: string;

/** config/demo.json, with S-001 closed on 2027-01-06 for its stocktaking. */
function supplierClosedConfig(dir: string): string {
  const config = JSON.parse(readFileSync('config/demo.json', 'utf8')) as Record<string, unknown>;
  config['suppliers'] = {
    'S-001': { closedDates: [{ from: '2027-01-06', to: '2027-01-06', name: '棚卸' }] },
  };
  const path = join(dir, 'config.business-days.json');
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}

beforeAll(async () => {
  configDir = mkdtempSync(join(tmpdir(), 'sab-e2e-bd-config-'));
  ({ stack, recordIdOf, fields, edit, comments, close } = await startTestStack('sab-e2e-bd-', {
    configPath: supplierClosedConfig(configDir),
    now: () => ORDERED_AT,
  }));
});

afterAll(async () => {
  await close();
  rmSync(configDir, { recursive: true, force: true });
});

async function emailsTo(address: string): Promise<StoredEmail[]> {
  return (await stack.ses.emails()).filter((email) => email.destination.to.includes(address));
}

describe('business days through the local stack', () => {
  test('an order before 年末年始 is wanted after it, and the record says which days were skipped', async () => {
    // Arrange
    const a100 = await recordIdOf('A-100');

    // Act: stock falls from 50 to 18 (reorder point 20, lead time 3) on Monday 2026-12-28.
    await edit(a100, { 在庫数: '18' });

    // Assess: the email gives the business-day date.
    const emails = await emailsTo(SUPPLIER_A);
    expect(emails).toHaveLength(1);
    const text = emails[0]?.body.text ?? '';
    expect(text).toContain('2027年1月7日');
    expect(text).not.toContain('2026年12月31日');
    // The record's reason: why this quantity, then the date and the days skipped.
    const record = await fields(a100);
    expect(record['発注状況']).toBe('発注依頼済');
    expect(record['発注理由']).toBe(
      '在庫数 18 ≤ 発注点 20: 84本を発注 (入数12の倍数、最大在庫100まで)。' +
        '納品希望日 2027-01-07 (年末年始・元日・棚卸を除く3営業日)',
    );
    const [comment] = await comments(a100);
    expect(comment).toContain('納品希望日: 2027-01-07');
  });
});
