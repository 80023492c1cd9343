import type { SupplierContact } from './item';

/** How a supplier wants order requests: from configuration or a record field. */
export type ChannelPreference = 'auto' | 'email' | 'fax' | 'both';

/** One way to reach the supplier, with an address already checked. */
export type OrderChannel =
  { kind: 'email'; address: string } | { kind: 'fax'; number: string; national: string };

/**
 * Reads a fax number as written on a record into E.164 and national form, or says why it cannot.
 * Injected: the phone-number library belongs to the edge (`edge/fax-number`), not the domain.
 */
export type FaxNumberReader = (
  raw: string,
) => { ok: true; e164: string; national: string } | { ok: false; reason: string };

export type ChannelResolution =
  { ok: true; channels: OrderChannel[] } | { ok: false; reason: string };

/**
 * Decides where an order request goes. `auto` sends email when the supplier has an address and
 * falls back to fax otherwise; `both` sends both. The result never contains an invalid address
 * or number: a fax to a misread number reaches a stranger, so an unusable contact stops the
 * order with a reason staff can fix instead.
 *
 * @example
 * resolveChannels({ name: 'S', fax: '03-1234-5678' }, 'auto', { faxAvailable: true, readFaxNumber });
 * // { ok: true, channels: [{ kind: 'fax', number: '+81312345678', national: '0312345678' }] }
 */
export function resolveChannels(
  supplier: SupplierContact,
  preference: ChannelPreference,
  options: { faxAvailable: boolean; readFaxNumber: FaxNumberReader },
): ChannelResolution {
  const email = supplier.email ? ({ kind: 'email', address: supplier.email } as const) : undefined;
  const faxRaw = supplier.fax?.trim() ?? '';

  const fax = (): { channel?: OrderChannel; problem?: string } => {
    if (faxRaw === '') return { problem: '仕入先のFAX番号がありません' };
    if (!options.faxAvailable)
      return { problem: 'FAX送信が設定されていません (設定ファイルの fax)' };
    const number = options.readFaxNumber(faxRaw);
    if (!number.ok) return { problem: number.reason };
    return { channel: { kind: 'fax', number: number.e164, national: number.national } };
  };

  switch (preference) {
    case 'email':
      return email
        ? { ok: true, channels: [email] }
        : { ok: false, reason: '仕入先のメールアドレスがありません' };
    case 'fax': {
      const { channel, problem } = fax();
      return channel ? { ok: true, channels: [channel] } : { ok: false, reason: problem ?? '' };
    }
    case 'both': {
      const { channel, problem } = fax();
      if (!email) return { ok: false, reason: '仕入先のメールアドレスがありません' };
      if (!channel) return { ok: false, reason: problem ?? '' };
      return { ok: true, channels: [email, channel] };
    }
    case 'auto': {
      if (email) return { ok: true, channels: [email] };
      if (faxRaw === '')
        return { ok: false, reason: '仕入先のメールアドレスもFAX番号もありません' };
      const { channel, problem } = fax();
      return channel ? { ok: true, channels: [channel] } : { ok: false, reason: problem ?? '' };
    }
  }
}

/**
 * The fax to fall back to when email has failed for good (hard bounce, rejected address):
 * only when the supplier has a usable fax number and fax was not already used.
 */
export function faxFallback(
  supplier: SupplierContact,
  channels: readonly OrderChannel[],
  options: { faxAvailable: boolean; readFaxNumber: FaxNumberReader },
): OrderChannel | undefined {
  if (channels.some((channel) => channel.kind === 'fax')) return undefined;
  const resolution = resolveChannels({ ...supplier, email: undefined }, 'fax', options);
  return resolution.ok ? resolution.channels[0] : undefined;
}

/** Reads a channel preference from a record value through the configured labels. */
export function channelFromLabel(
  value: string | undefined,
  labels: Readonly<Record<Exclude<ChannelPreference, 'auto'>, readonly string[]>>,
): ChannelPreference | undefined {
  if (!value) return undefined;
  const normalized = value.normalize('NFKC').trim().toLowerCase();
  for (const kind of ['email', 'fax', 'both'] as const) {
    if (labels[kind].some((label) => label.normalize('NFKC').trim().toLowerCase() === normalized))
      return kind;
  }
  return undefined;
}
