import { KintoneRestAPIError } from '@kintone/rest-api-client';
import {
  KintoneSupplierDirectory,
  type SupplierRecordJson,
  type SupplierRecordsClient,
} from '../../shared/adapters/kintone/kintone-supplier-directory';
import { supplierMasterSchema, type SupplierMasterConfig } from '../../shared/config/schema';
import { escapeQueryValue } from '../../shared/kintone/query';
import { RecordingLogger } from '../fakes/recording-logger';

const TTL_SECONDS = 300;
const MASTER: SupplierMasterConfig = supplierMasterSchema.parse({
  appId: '13',
  apiToken: { env: 'KINTONE_API_TOKEN_APP_13' },
  fields: {
    code: '仕入先コード',
    name: '仕入先名',
    email: 'メールアドレス',
    fax: 'FAX番号',
    channel: '発注方法',
  },
  cacheTtlSeconds: TTL_SECONDS,
});

type GetRecordsParams = Parameters<SupplierRecordsClient['record']['getRecords']>[0];

/** A master record as GET records.json returns it. */
function masterRecord(values: Record<string, string>): SupplierRecordJson {
  return Object.fromEntries(
    Object.entries(values).map(([code, value]) => [code, { type: 'SINGLE_LINE_TEXT', value }]),
  );
}

/**
 * The official client's getRecords in memory: answers from `records` (by the code the query
 * names), records every call, and can hold answers back to let callers pile up.
 */
class RecordingRecordsClient implements SupplierRecordsClient {
  readonly calls: GetRecordsParams[] = [];
  readonly failures: Error[] = [];
  private held: Array<() => void> | undefined;

  constructor(public records: Record<string, Record<string, string>>) {}

  readonly record = {
    getRecords: async (params: GetRecordsParams) => {
      this.calls.push(params);
      if (this.held) await new Promise<void>((resolve) => this.held?.push(resolve));
      const failure = this.failures.shift();
      if (failure) throw failure;
      const code = /= "((?:[^"\\]|\\.)*)"/.exec(params.query)?.[1]?.replace(/\\(.)/g, '$1');
      const values = code === undefined ? undefined : this.records[code];
      return { records: values ? [masterRecord(values)] : [] };
    },
  };

  hold(): void {
    this.held = [];
  }

  release(): void {
    const waiting = this.held ?? [];
    this.held = undefined;
    waiting.forEach((resolve) => resolve());
  }
}

const S002 = {
  仕入先コード: 'S-002',
  仕入先名: '紙の山田商店',
  メールアドレス: 'sales@yamada-paper.example.jp',
  FAX番号: '',
  発注方法: '',
};

function setup(records: Record<string, Record<string, string>> = { 'S-002': S002 }) {
  const client = new RecordingRecordsClient(records);
  const clock = { now: Date.parse('2026-11-28T02:15:00Z') };
  const logger = new RecordingLogger();
  const directory = new KintoneSupplierDirectory(MASTER, async () => client, {
    now: () => clock.now,
    logger,
    retry: { sleep: async () => undefined },
  });
  return { client, clock, logger, directory };
}

describe('KintoneSupplierDirectory', () => {
  it('reads the supplier by its code: one record, only the mapped fields, no total count', async () => {
    // Prepare
    const { client, directory } = setup();

    // Act
    const found = await directory.find('S-002');

    // Assess
    expect(found).toEqual({
      code: 'S-002',
      name: '紙の山田商店',
      email: 'sales@yamada-paper.example.jp',
    });
    expect(client.calls).toEqual([
      {
        app: '13',
        query: '仕入先コード = "S-002" limit 1',
        fields: ['仕入先コード', '仕入先名', 'メールアドレス', 'FAX番号', '発注方法'],
        totalCount: false,
      },
    ]);
  });

  it('escapes " and \\ in the code, so the code cannot change the query', async () => {
    // Prepare
    const code = 'A"1\\" or $id > "0';
    const { client, directory } = setup({ [code]: { ...S002, 仕入先コード: code } });

    // Act
    const found = await directory.find(code);

    // Assess
    expect(client.calls[0]?.query).toBe('仕入先コード = "A\\"1\\\\\\" or $id > \\"0" limit 1');
    expect(found?.code).toBe(code);
    expect(escapeQueryValue('\\"')).toBe('\\\\\\"');
  });

  it('serves a supplier from the cache until the TTL has passed, then reads it again', async () => {
    // Prepare
    const { client, clock, directory } = setup();
    await directory.find('S-002');

    // Act
    clock.now += (TTL_SECONDS - 1) * 1_000;
    const cached = await directory.find('S-002');
    client.records['S-002'] = { ...S002, メールアドレス: 'new@yamada-paper.example.jp' };
    const stillCached = await directory.find(' S-002 ');
    clock.now += 1_000;
    const fresh = await directory.find('S-002');

    // Assess
    expect(cached?.email).toBe('sales@yamada-paper.example.jp');
    expect(stillCached?.email).toBe('sales@yamada-paper.example.jp');
    expect(fresh?.email).toBe('new@yamada-paper.example.jp');
    expect(client.calls).toHaveLength(2);
  });

  it('makes one read for 10 concurrent lookups of the same code', async () => {
    // Prepare
    const { client, directory } = setup();
    client.hold();

    // Act: the read is in flight (held) while the lookups arrive, some of them a moment later.
    const pending = Array.from({ length: 5 }, () => directory.find('S-002'));
    await new Promise((resolve) => setImmediate(resolve));
    pending.push(...Array.from({ length: 5 }, () => directory.find('S-002')));
    const callsWhileHeld = client.calls.length;
    client.release();
    const found = await Promise.all(pending);

    // Assess
    expect(callsWhileHeld).toBe(1);
    expect(client.calls).toHaveLength(1);
    expect(new Set(found.map((contact) => contact?.email))).toEqual(
      new Set(['sales@yamada-paper.example.jp']),
    );
  });

  it('caches a code the master does not have for the TTL', async () => {
    // Prepare
    const { client, clock, directory } = setup();

    // Act
    const first = await directory.find('S-999');
    const again = await directory.find('S-999');
    client.records['S-999'] = { ...S002, 仕入先コード: 'S-999', 仕入先名: '新規商事' };
    clock.now += TTL_SECONDS * 1_000;
    const afterTtl = await directory.find('S-999');

    // Assess
    expect(first).toBeUndefined();
    expect(again).toBeUndefined();
    expect(afterTtl?.name).toBe('新規商事');
    expect(client.calls).toHaveLength(2);
  });

  it('does not cache a failed read: the next lookup reads again', async () => {
    // Prepare
    const { client, directory } = setup();
    const denied = new KintoneRestAPIError({
      status: 403,
      statusText: 'Forbidden',
      headers: {},
      data: { id: 'e1', code: 'CB_NO02', message: 'No privilege to proceed.' },
    });
    client.failures.push(denied);

    // Act
    const failed = directory.find('S-002');
    await expect(failed).rejects.toBe(denied);
    const retried = await directory.find('S-002');

    // Assess
    expect(retried?.name).toBe('紙の山田商店');
    expect(client.calls).toHaveLength(2);
  });

  it('retries a 429 GAIA_TO04 answer', async () => {
    // Prepare
    const { client, directory } = setup();
    client.failures.push(
      new KintoneRestAPIError({
        status: 429,
        statusText: 'Too Many Requests',
        headers: {},
        data: { id: 'e2', code: 'GAIA_TO04', message: 'Too many requests.' },
      }),
    );

    // Act
    const found = await directory.find('S-002');

    // Assess
    expect(found?.name).toBe('紙の山田商店');
    expect(client.calls).toHaveLength(2);
  });

  it('reads the channel through the labels and leaves out values it cannot use, with a warning', async () => {
    // Prepare
    const { directory, logger } = setup({
      'S-004': {
        仕入先コード: 'S-004',
        仕入先名: '有限会社みなと梱包',
        メールアドレス: 'not an address',
        FAX番号: '045-123-4567',
        発注方法: 'ＦＡＸ',
      },
      'S-005': { ...S002, 仕入先コード: 'S-005', 発注方法: '電話' },
    });

    // Act
    const faxOnly = await directory.find('S-004');
    const unknownChannel = await directory.find('S-005');

    // Assess
    expect(faxOnly).toEqual({
      code: 'S-004',
      name: '有限会社みなと梱包',
      fax: '045-123-4567',
      channel: 'fax',
    });
    expect(unknownChannel?.channel).toBeUndefined();
    expect(logger.entries.map((entry) => [entry.level, entry.message, entry.extra])).toEqual([
      [
        'warn',
        'supplier master value ignored',
        {
          appId: '13',
          supplierCode: 'S-004',
          problem: '「メールアドレス」がメールアドレスではありません',
          value: 'not an address',
        },
      ],
      [
        'warn',
        'supplier master value ignored',
        {
          appId: '13',
          supplierCode: 'S-005',
          problem: '「発注方法」の値が分かりません',
          value: '電話',
        },
      ],
    ]);
  });

  it('answers undefined for an empty code without a read', async () => {
    // Prepare
    const { client, directory } = setup();

    // Act
    const found = await directory.find('  ');

    // Assess
    expect(found).toBeUndefined();
    expect(client.calls).toEqual([]);
  });
});
