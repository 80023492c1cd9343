import type { AppConfig } from '../config/schema';
import { channelFromLabel } from '../domain/channels';
import { isPlausibleEmailAddress } from '../email/mailbox';
import type { ItemSnapshot, MappedItem, RecordedOutcome } from '../domain/item';
import type { KintoneRecord } from './notification';
import { recordRevision } from './notification';

/**
 * Maps a kintone record to the alert logic's {@link ItemSnapshot} through the app's field map.
 * Pure. Problems (empty or non-numeric values) are collected, not thrown, so that staff see
 * every one of them in the record's reason field at once.
 */

const NUMBER_PATTERN = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** The plain text of a field, or undefined when the record has no such field. */
function readText(record: KintoneRecord, code: string | undefined): string | undefined {
  if (code === undefined) return undefined;
  const field = record[code];
  if (field === undefined) return undefined;
  const { value } = field;
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') return String(value);
  // Multi-value fields (check boxes, users) never feed a number or a name; treat as absent.
  return undefined;
}

type NumberReading =
  { kind: 'number'; value: number } | { kind: 'empty' } | { kind: 'invalid'; raw: string };

/**
 * Reads a number the way staff type it: full-width digits (１８) and thousands separators
 * (1,200) are accepted, because text fields mapped as quantities often hold them.
 */
export function parseQuantity(raw: string | undefined): NumberReading {
  if (raw === undefined || raw === '') return { kind: 'empty' };
  const normalized = raw.normalize('NFKC').replace(/[,\s]/g, '').replace(/^−/, '-');
  if (!NUMBER_PATTERN.test(normalized)) return { kind: 'invalid', raw };
  return { kind: 'number', value: Number(normalized) };
}

/** How a record is read beyond the app's own configuration. */
export interface MapRecordOptions {
  /**
   * A supplier master is configured: a record with a supplier code needs no supplier name of
   * its own, the master supplies it when an order is due.
   */
  supplierFromMaster?: boolean;
}

export function mapRecord(
  record: KintoneRecord,
  app: AppConfig,
  options: MapRecordOptions = {},
): MappedItem {
  const { fields, defaults, writeBack } = app;
  const problems: string[] = [];
  const recordId = String(record.$id?.value ?? '');
  const revision = recordRevision(record);

  const recorded: RecordedOutcome = {
    status: readText(record, writeBack.status) ?? '',
    orderNumber: readText(record, writeBack.orderNumber) ?? '',
    orderedAt: readText(record, writeBack.orderedAt) ?? '',
    reason: readText(record, writeBack.reason) ?? '',
  };

  /** A quantity the evaluation cannot do without. */
  const required = (code: string): number | undefined => {
    const reading = parseQuantity(readText(record, code));
    if (reading.kind === 'number') return reading.value;
    problems.push(
      reading.kind === 'empty'
        ? `「${code}」が空です`
        : `「${code}」が数値ではありません ("${reading.raw}")`,
    );
    return undefined;
  };
  /** A quantity with a fallback: the default when the field is absent or empty. */
  const optional = (code: string | undefined, fallback: number | undefined): number | undefined => {
    const reading = parseQuantity(readText(record, code));
    if (reading.kind === 'number') return reading.value;
    if (reading.kind === 'invalid') {
      problems.push(`「${code}」が数値ではありません ("${reading.raw}")`);
      return undefined;
    }
    return fallback;
  };
  const requiredText = (
    code: string | undefined,
    fallback: string | undefined,
    label: string,
  ): string => {
    const value = readText(record, code) || fallback;
    if (!value) problems.push(code ? `「${code}」が空です` : `${label}が設定されていません`);
    return value ?? '';
  };

  const sku = requiredText(fields.sku, undefined, '品番');
  const name = readText(record, fields.name) || sku;
  const unit = readText(record, fields.unit) || defaults.unit;
  const onHand = required(fields.onHand);
  const reorderPoint = required(fields.reorderPoint);
  const maxStock = optional(fields.maxStock, defaults.maxStock);
  const reorderQuantity = optional(fields.reorderQuantity, defaults.reorderQuantity);
  const packSize = optional(fields.packSize, defaults.packSize) ?? defaults.packSize;
  const minimumOrder =
    optional(fields.minimumOrder, defaults.minimumOrder) ?? defaults.minimumOrder;
  const onOrder = optional(fields.onOrder, undefined);
  const reserved = optional(fields.reserved, undefined);
  const leadTimeDays =
    optional(fields.leadTimeDays, defaults.leadTimeDays) ?? defaults.leadTimeDays;
  const snoozeUntil = readText(record, fields.snoozeUntil) || undefined;
  if (snoozeUntil !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(snoozeUntil)) {
    problems.push(`「${fields.snoozeUntil}」が日付ではありません ("${snoozeUntil}")`);
  }
  const supplierCode = readText(record, fields.supplierCode);
  const supplierName =
    options.supplierFromMaster && supplierCode
      ? readText(record, fields.supplierName) || defaults.supplierName || ''
      : requiredText(fields.supplierName, defaults.supplierName, '仕入先名');
  // Email and fax are each optional here: where the order goes is decided with the channel,
  // and a supplier with neither is reported then.
  const supplierEmail = readText(record, fields.supplierEmail) || defaults.supplierEmail || '';
  if (supplierEmail && !isPlausibleEmail(supplierEmail)) {
    problems.push(
      `「${fields.supplierEmail ?? '仕入先メール'}」がメールアドレスではありません ("${supplierEmail}")`,
    );
  }

  const channelText = readText(record, fields.supplierChannel);
  const channel = channelFromLabel(channelText, app.channelLabels);
  if (channelText && channel === undefined) {
    problems.push(
      `「${fields.supplierChannel}」の値 "${channelText}" が分かりません (${[...app.channelLabels.email, ...app.channelLabels.fax, ...app.channelLabels.both].join(' / ')} のいずれか)`,
    );
  }

  if (problems.length > 0 || onHand === undefined || reorderPoint === undefined) {
    return { ok: false, appId: app.appId, recordId, revision, problems, recorded };
  }

  const item: ItemSnapshot = {
    appId: app.appId,
    recordId,
    revision,
    sku,
    name,
    unit,
    onHand,
    reorderPoint,
    packSize,
    minimumOrder,
    leadTimeDays,
    supplier: {
      name: supplierName,
      ...optionalText('email', supplierEmail),
      ...optionalText('code', supplierCode),
      ...optionalText('fax', readText(record, fields.supplierFax)),
      ...(channel !== undefined && channel !== 'auto' ? { channel } : {}),
    },
    recorded,
    ...(maxStock !== undefined ? { maxStock } : {}),
    ...(reorderQuantity !== undefined ? { reorderQuantity } : {}),
    ...(onOrder !== undefined ? { onOrder } : {}),
    ...(reserved !== undefined ? { reserved } : {}),
    ...(snoozeUntil !== undefined ? { snoozeUntil } : {}),
  };
  return { ok: true, item };
}

function optionalText<K extends string>(
  key: K,
  value: string | undefined,
): Partial<Record<K, string>> {
  return value ? ({ [key]: value } as Record<K, string>) : {};
}

/**
 * One address the mailer will accept: the same check the SES adapter applies, so a record is
 * never mapped as sendable while the mailer refuses its address.
 */
export function isPlausibleEmail(value: string): boolean {
  return isPlausibleEmailAddress(value);
}

/**
 * Every field code the app's configuration reads, for trimming queued notifications. A table's
 * code keeps the whole table (the rows carry the item fields).
 */
export function referencedFieldCodes(app: AppConfig): string[] {
  const codes = new Set<string>(['$id', '$revision']);
  if (app.subtable) codes.add(app.subtable.field);
  for (const code of [...Object.values(app.fields), ...Object.values(app.writeBack)]) {
    if (code !== undefined) codes.add(code);
  }
  return [...codes];
}
