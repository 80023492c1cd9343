import { demoInventoryApp } from '../../local/kintone/demo-app';
import { supplierMasterApp } from '../../local/kintone/supplier-master-app';
import { loadConfigFile } from '../../shared/config/load-config';
import type { SupplierContact } from '../../shared/domain/item';
import {
  processNotification,
  type DispatchDeps,
} from '../../shared/use-cases/process-notification';
import {
  isRecordNotification,
  notificationSchema,
  type KintoneNotification,
} from '../../shared/kintone/notification';
import { InMemorySupplierDirectory } from '../fakes/in-memory-supplier-directory';
import { InMemoryBridgeState } from '../fakes/in-memory-order-store';
import { RecordingKintoneRecordWriter } from '../fakes/recording-kintone-writer';
import { RecordingLogger } from '../fakes/recording-logger';
import { RecordingOrderMailer } from '../fakes/recording-order-mailer';
import { loadWebhookFixture } from '../fixtures/kintone-webhooks';

/** 2026-11-28 11:15 in Tokyo, the time of the fixture's edit. */
const NOW = new Date('2026-11-28T02:15:00Z');
const ORDER_REASON = '在庫数 18 ≤ 発注点 20: 84本を発注 (入数12の倍数、最大在庫100まで)';
const ITEM = { appId: '12', recordId: '7' };
/** S-001 as the record holds it (copied by the lookup) in update-record-low.json. */
const S001_IN_RECORD = {
  code: 'S-001',
  name: '株式会社サンプル文具',
  email: 'order@sample-bungu.example.jp',
  fax: '03-1234-5678',
};

function harness(suppliers: Record<string, SupplierContact>) {
  const directory = new InMemorySupplierDirectory(suppliers);
  const mailer = new RecordingOrderMailer();
  const kintone = new RecordingKintoneRecordWriter();
  const logger = new RecordingLogger();
  const deps: DispatchDeps = {
    config: loadConfigFile('config/demo.json'),
    ...bridgeState(),
    mailer,
    kintone,
    logger,
    now: () => new Date(NOW),
    suppliers: directory,
  };
  return { deps, directory, mailer, kintone, logger };
}

/** update-record-low.json (在庫数 18 of A-100, supplier S-001) with some values changed. */
function lowNotification(values: Record<string, string> = {}): KintoneNotification {
  const low = notificationSchema.parse(loadWebhookFixture('update-record-low.json'));
  if (!isRecordNotification(low)) throw new Error('update-record-low.json is not a record');
  const record = { ...low.record };
  for (const [code, value] of Object.entries(values)) {
    record[code] = { type: record[code]?.type ?? 'SINGLE_LINE_TEXT', value };
  }
  return notificationSchema.parse({ ...low, record });
}

describe('processNotification with a supplier master', () => {
  it("sends the order to the master's address when the master has a newer one", async () => {
    // Prepare: the supplier moved to a new address; the record still holds the lookup's copy.
    const { deps, directory, mailer } = harness({
      'S-001': { ...S001_IN_RECORD, email: 'new-order@sample-bungu.example.jp' },
    });

    // Act
    const outcome = await processNotification(lowNotification(), deps);

    // Assess
    expect(outcome.decision).toEqual({ kind: 'order', reason: ORDER_REASON });
    expect(directory.lookups).toEqual(['S-001']);
    expect(mailer.sent.map((request) => request.supplier)).toEqual([
      { ...S001_IN_RECORD, email: 'new-order@sample-bungu.example.jp' },
    ]);
  });

  it("keeps the record's values where the master's are empty", async () => {
    // Prepare: the master knows only a new fax number.
    const { deps, mailer } = harness({ 'S-001': { code: 'S-001', name: '', fax: '03-9999-0000' } });

    // Act
    await processNotification(lowNotification(), deps);

    // Assess
    expect(mailer.sent.map((request) => request.supplier)).toEqual([
      { ...S001_IN_RECORD, fax: '03-9999-0000' },
    ]);
  });

  it('asks the master nothing for a notification that needs no order', async () => {
    // Prepare
    const { deps, directory, mailer } = harness({ 'S-001': S001_IN_RECORD });

    // Act
    const outcome = await processNotification(lowNotification({ 在庫数: '50' }), deps);

    // Assess
    expect(outcome.decision.kind).toBe('no-order');
    expect(directory.lookups).toEqual([]);
    expect(mailer.sent).toEqual([]);
  });

  it("falls back to the record's contact when the master lacks the code, with a warning", async () => {
    // Prepare
    const { deps, mailer, logger } = harness({});

    // Act
    await processNotification(lowNotification(), deps);

    // Assess
    expect(mailer.sent.map((request) => request.supplier)).toEqual([S001_IN_RECORD]);
    expect(logger.entries.filter((entry) => entry.level === 'warn')).toEqual([
      expect.objectContaining({
        message: 'supplier not in the supplier master; using the record',
        extra: { supplierCode: 'S-001' },
      }),
    ]);
  });

  it('writes 要確認 naming the code when neither the master nor the record has a contact', async () => {
    // Prepare
    const { deps, mailer, kintone } = harness({});
    const reason = `${ORDER_REASON} → 送信できません: 仕入先のメールアドレスもFAX番号もありません (仕入先マスタに仕入先コード "S-001" がありません)`;

    // Act
    const outcome = await processNotification(
      lowNotification({ 仕入先メール: '', 仕入先FAX: '' }),
      deps,
    );

    // Assess
    expect(outcome.decision).toEqual({ kind: 'cannot-evaluate', reason });
    expect(mailer.sent).toEqual([]);
    expect(kintone.updates).toEqual([
      { ...ITEM, values: { 発注状況: '要確認', 発注理由: reason } },
    ]);
  });

  it('asks nothing for a record without a supplier code', async () => {
    // Prepare
    const { deps, directory, mailer } = harness({ 'S-001': S001_IN_RECORD });

    // Act
    await processNotification(lowNotification({ 仕入先コード: '' }), deps);

    // Assess
    expect(directory.lookups).toEqual([]);
    expect(mailer.sent.map((request) => request.supplier)).toEqual([
      { name: S001_IN_RECORD.name, email: S001_IN_RECORD.email, fax: S001_IN_RECORD.fax },
    ]);
  });
});

describe('the demo supplier master (app 13)', () => {
  it('holds the same name, email and fax for each supplier as the inventory records', () => {
    // Prepare
    const contact = (code: string, name?: string, email?: string, fax?: string) => ({
      code,
      name: name ?? '',
      email: email ?? '',
      fax: fax ?? '',
    });

    // Act
    const fromInventory = new Map(
      (demoInventoryApp.seed ?? []).map((row) => [
        row['仕入先コード'],
        contact(row['仕入先コード'] ?? '', row['仕入先名'], row['仕入先メール'], row['仕入先FAX']),
      ]),
    );
    const fromMaster = (supplierMasterApp.seed ?? []).map((row) =>
      contact(row['仕入先コード'] ?? '', row['仕入先名'], row['メールアドレス'], row['FAX番号']),
    );

    // Assess
    expect(fromMaster.map((supplier) => supplier.code)).toEqual([
      'S-001',
      'S-002',
      'S-003',
      'S-004',
    ]);
    for (const supplier of fromMaster) {
      expect(fromInventory.get(supplier.code)).toEqual(supplier);
    }
  });
});

/** One in-memory bridge state behind every store port of the dispatcher. */
function bridgeState() {
  const state = new InMemoryBridgeState();
  return { orders: state, items: state, processed: state };
}
