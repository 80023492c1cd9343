import fc from 'fast-check';
import {
  channelFromLabel,
  faxFallback,
  resolveChannels,
  type ChannelPreference,
  type OrderChannel,
} from '../../shared/domain/channels';
import { channelLabelsSchema } from '../../shared/config/schema';
import type { SupplierContact } from '../../shared/domain/item';
import { normalizeFaxNumber } from '../../shared/edge/fax-number';

const EMAIL = 'order@sample-bungu.example.jp';
const NAME = '株式会社サンプル文具';
const EMAIL_CHANNEL: OrderChannel = { kind: 'email', address: EMAIL };
const FAX_CHANNEL: OrderChannel = { kind: 'fax', number: '+81312345678', national: '0312345678' };
const readJp = (raw: string) => normalizeFaxNumber(raw, 'JP');
const FAX_ON = { faxAvailable: true, readFaxNumber: readJp };
const FAX_OFF = { faxAvailable: false, readFaxNumber: readJp };

const NO_EMAIL = '仕入先のメールアドレスがありません';
const NO_FAX = '仕入先のFAX番号がありません';
const NO_CONTACT = '仕入先のメールアドレスもFAX番号もありません';
const FAX_NOT_CONFIGURED = 'FAX送信が設定されていません (設定ファイルの fax)';
const INVALID_FAX = 'FAX番号が正しくありません ("03-1234")';

const SUPPLIERS = {
  'email only': { name: NAME, email: EMAIL },
  'fax only': { name: NAME, fax: '03-1234-5678' },
  both: { name: NAME, email: EMAIL, fax: '03-1234-5678' },
  neither: { name: NAME },
  'email and an invalid fax': { name: NAME, email: EMAIL, fax: '03-1234' },
  'an invalid fax only': { name: NAME, fax: '03-1234' },
} satisfies Record<string, SupplierContact>;

type SupplierName = keyof typeof SUPPLIERS;
type Expected = OrderChannel[] | string;

describe('resolveChannels with fax configured', () => {
  const cases: [ChannelPreference, SupplierName, Expected][] = [
    ['auto', 'email only', [EMAIL_CHANNEL]],
    ['auto', 'fax only', [FAX_CHANNEL]],
    ['auto', 'both', [EMAIL_CHANNEL]],
    ['auto', 'neither', NO_CONTACT],
    // auto goes by email when it can, so the fax number is not read at all.
    ['auto', 'email and an invalid fax', [EMAIL_CHANNEL]],
    ['auto', 'an invalid fax only', INVALID_FAX],
    ['email', 'email only', [EMAIL_CHANNEL]],
    ['email', 'fax only', NO_EMAIL],
    ['email', 'both', [EMAIL_CHANNEL]],
    ['email', 'neither', NO_EMAIL],
    ['email', 'email and an invalid fax', [EMAIL_CHANNEL]],
    ['fax', 'email only', NO_FAX],
    ['fax', 'fax only', [FAX_CHANNEL]],
    ['fax', 'both', [FAX_CHANNEL]],
    ['fax', 'neither', NO_FAX],
    ['fax', 'email and an invalid fax', INVALID_FAX],
    ['both', 'email only', NO_FAX],
    ['both', 'fax only', NO_EMAIL],
    ['both', 'both', [EMAIL_CHANNEL, FAX_CHANNEL]],
    ['both', 'neither', NO_EMAIL],
    ['both', 'email and an invalid fax', INVALID_FAX],
  ];

  it.each(cases)('%s for a supplier with %s', (preference, supplier, expected) => {
    // Act
    const resolution = resolveChannels(SUPPLIERS[supplier], preference, FAX_ON);

    // Assess
    expect(resolution).toEqual(
      typeof expected === 'string'
        ? { ok: false, reason: expected }
        : { ok: true, channels: expected },
    );
  });
});

describe('resolveChannels without fax configured', () => {
  const cases: [ChannelPreference, SupplierName, Expected][] = [
    ['auto', 'email only', [EMAIL_CHANNEL]],
    ['auto', 'both', [EMAIL_CHANNEL]],
    ['auto', 'fax only', FAX_NOT_CONFIGURED],
    ['auto', 'neither', NO_CONTACT],
    // The missing gateway is the problem to fix first: the number is not read without it.
    ['auto', 'an invalid fax only', FAX_NOT_CONFIGURED],
    ['email', 'both', [EMAIL_CHANNEL]],
    ['fax', 'both', FAX_NOT_CONFIGURED],
    ['fax', 'email only', NO_FAX],
    ['both', 'both', FAX_NOT_CONFIGURED],
  ];

  it.each(cases)('%s for a supplier with %s', (preference, supplier, expected) => {
    // Act
    const resolution = resolveChannels(SUPPLIERS[supplier], preference, FAX_OFF);

    // Assess
    expect(resolution).toEqual(
      typeof expected === 'string'
        ? { ok: false, reason: expected }
        : { ok: true, channels: expected },
    );
  });
});

describe('resolveChannels: fax numbers', () => {
  it.each([
    ['０３－１２３４－５６７８', FAX_CHANNEL],
    ['  03-1234-5678  ', FAX_CHANNEL],
    ['+81 3-1234-5678', FAX_CHANNEL],
  ])('normalises %j', (fax, channel) => {
    expect(resolveChannels({ name: NAME, fax }, 'fax', FAX_ON)).toEqual({
      ok: true,
      channels: [channel],
    });
  });

  it.each([
    ['', NO_FAX],
    ['   ', NO_FAX],
    ['\u3000', NO_FAX],
    [
      '03-1234-5678 内線12',
      'FAX番号に数字とハイフン以外の文字が含まれています ("03-1234-5678 内線12")',
    ],
  ])('refuses %j with the reason', (fax, reason) => {
    expect(resolveChannels({ name: NAME, fax }, 'fax', FAX_ON)).toEqual({ ok: false, reason });
  });

  it('reads a number without a country code in the configured region', () => {
    // Act
    const resolution = resolveChannels({ name: NAME, fax: '(212) 555-1234' }, 'fax', {
      faxAvailable: true,
      readFaxNumber: (raw: string) => normalizeFaxNumber(raw, 'US'),
    });

    // Assess
    expect(resolution).toEqual({
      ok: true,
      channels: [{ kind: 'fax', number: '+12125551234', national: '2125551234' }],
    });
  });

  it('never resolves a channel without an address, and always says why it did not', () => {
    const supplier = fc.record(
      {
        name: fc.constant(NAME),
        email: fc.constantFrom(EMAIL, ''),
        fax: fc.oneof(
          fc.string(),
          fc.constantFrom('03-1234-5678', '03-1234', '０３１２３４５６７８'),
        ),
      },
      { requiredKeys: ['name'] },
    );
    const preference = fc.constantFrom<ChannelPreference>('auto', 'email', 'fax', 'both');

    fc.assert(
      fc.property(supplier, preference, fc.boolean(), (contact, chosen, faxAvailable) => {
        // Act
        const resolution = resolveChannels(contact, chosen, {
          faxAvailable,
          readFaxNumber: readJp,
        });

        // Assess
        if (!resolution.ok) {
          expect(resolution.reason).not.toBe('');
          return;
        }
        expect(resolution.channels.length).toBeGreaterThan(0);
        for (const channel of resolution.channels) {
          if (channel.kind === 'email') expect(channel.address).toBe(contact.email);
          else {
            expect(faxAvailable).toBe(true);
            expect(channel.number).toMatch(/^\+[1-9]\d{6,14}$/);
          }
        }
      }),
    );
  });
});

describe('faxFallback', () => {
  it('gives the fax channel when email was the only channel and the supplier has a fax', () => {
    expect(faxFallback(SUPPLIERS.both, [EMAIL_CHANNEL], FAX_ON)).toEqual(FAX_CHANNEL);
  });

  it('gives nothing when the order already went by fax', () => {
    expect(faxFallback(SUPPLIERS.both, [EMAIL_CHANNEL, FAX_CHANNEL], FAX_ON)).toBeUndefined();
    expect(faxFallback(SUPPLIERS['fax only'], [FAX_CHANNEL], FAX_ON)).toBeUndefined();
  });

  it.each([
    ['the supplier has no fax', SUPPLIERS['email only'], FAX_ON],
    ['the fax number is invalid', SUPPLIERS['email and an invalid fax'], FAX_ON],
    ['no fax gateway is configured', SUPPLIERS.both, FAX_OFF],
  ])('gives nothing when %s', (_why, supplier, options) => {
    expect(faxFallback(supplier, [EMAIL_CHANNEL], options)).toBeUndefined();
  });

  it('falls back even when the record asks for email: the email cannot reach the supplier', () => {
    expect(faxFallback({ ...SUPPLIERS.both, channel: 'email' }, [EMAIL_CHANNEL], FAX_ON)).toEqual(
      FAX_CHANNEL,
    );
  });
});

describe('channelFromLabel', () => {
  const labels = channelLabelsSchema.parse({});

  it.each([
    ['メール', 'email'],
    ['Eメール', 'email'],
    ['Ｅメール', 'email'],
    ['email', 'email'],
    ['EMAIL', 'email'],
    ['ｅｍａｉｌ', 'email'],
    [' Email ', 'email'],
    ['FAX', 'fax'],
    ['fax', 'fax'],
    ['Fax', 'fax'],
    ['ＦＡＸ', 'fax'],
    ['ｆａｘ', 'fax'],
    ['ファックス', 'fax'],
    ['ﾌｧｯｸｽ', 'fax'],
    ['ファクス', 'fax'],
    ['メールとFAX', 'both'],
    ['メールとｆａｘ', 'both'],
    ['メール+FAX', 'both'],
    ['メール＋ＦＡＸ', 'both'],
    ['両方', 'both'],
    ['BOTH', 'both'],
  ] as const)('reads %j as %s', (value, expected) => {
    expect(channelFromLabel(value, labels)).toBe(expected);
  });

  it.each([[undefined], [''], ['   '], ['LINE'], ['電話'], ['メール FAX']])(
    'reads %j as no preference',
    (value) => {
      expect(channelFromLabel(value, labels)).toBeUndefined();
    },
  );

  it('uses the configured labels, compared the same way', () => {
    // Prepare
    const custom = { email: ['電子メール'], fax: ['ＦＡＸのみ'], both: ['併用'] };

    // Act & Assess
    expect(channelFromLabel('電子メール', custom)).toBe('email');
    expect(channelFromLabel('faxのみ', custom)).toBe('fax');
    expect(channelFromLabel('併用', custom)).toBe('both');
    expect(channelFromLabel('メール', custom)).toBeUndefined();
  });
});
