import { taxSchema, type AppConfig, type DeliveryAddressConfig } from '../config/schema';
import { MAX_YEN } from '../domain/pricing';
import type { ShipTo, TaxClass } from '../domain/purchase-order';
import { channelFromLabel } from '../domain/channels';
import { isPlausibleEmailAddress } from '../edge/mailbox';
import type { ItemSnapshot, MappedItem, RecordedOutcome } from '../domain/item';
import { isSafeQuantity } from '../domain/quantity';
import type { KintoneRecord } from './notification';
import { recordRevision } from './notification';

/**
 * Maps a kintone record to the alert logic's {@link ItemSnapshot} through the app's field map.
 * Pure. Problems (a required field the notification lacks, empty, non-numeric or out-of-range
 * values) are collected, not thrown, so that staff see every one of them in the record's reason
 * field at once.
 */

/** Plain decimals as staff type them, or in exponent notation (1e+30) as a number may print. */
const NUMBER_PATTERN = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

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

/**
 * Whether the configuration maps a field the notification does not carry at all. kintone sends
 * every field of the record (an empty one with an empty value), so this is a field code that
 * does not exist in the app, typically a typing slip in the configuration.
 */
function isAbsent(record: KintoneRecord, code: string | undefined): code is string {
  return code !== undefined && record[code] === undefined;
}

/**
 * Problem text for a mapped field the notification lacks: distinct from an empty field, since
 * the fix is in the configuration, not in the record.
 */
export function absentFieldProblem(code: string): string {
  return `通知にフィールド「${code}」がありません。設定のフィールドコードを確認してください (npm run doctor)`;
}

type NumberReading =
  | { kind: 'number'; value: number }
  | { kind: 'empty' }
  | { kind: 'invalid'; raw: string }
  | { kind: 'too-large'; raw: string };

/**
 * Reads a number the way staff type it: full-width digits (１８) and thousands separators
 * (1,200) are accepted, because text fields mapped as quantities often hold them. A number
 * past the domain's `MAX_SAFE_QUANTITY` (or one that overflows to Infinity) is `too-large`:
 * DynamoDB's marshaller would refuse it on every retry.
 */
export function parseQuantity(raw: string | undefined): NumberReading {
  if (raw === undefined || raw === '') return { kind: 'empty' };
  const normalized = raw.normalize('NFKC').replace(/[,\s]/g, '').replace(/^−/, '-');
  if (!NUMBER_PATTERN.test(normalized)) return { kind: 'invalid', raw };
  const value = Number(normalized);
  if (!isSafeQuantity(value)) return { kind: 'too-large', raw };
  return { kind: 'number', value };
}

/** The problem a reading that is not a number puts on the record, or undefined. */
function numberProblem(code: string | undefined, reading: NumberReading): string | undefined {
  if (reading.kind === 'invalid') return `「${code}」が数値ではありません ("${reading.raw}")`;
  if (reading.kind === 'too-large') return `「${code}」の値が大きすぎます ("${reading.raw}")`;
  return undefined;
}

/** How a record is read beyond the app's own configuration. */
export interface MapRecordOptions {
  /**
   * A supplier master is configured: a record with a supplier code needs no supplier name of
   * its own, the master supplies it when an order is due.
   */
  supplierFromMaster?: boolean;
  /**
   * The configuration's `deliveryAddresses`. Needed for the ship-to: without it an item gets no
   * `shipTo` whatever the app's `shipTo` says (callers that do not print a ship-to yet).
   */
  deliveryAddresses?: Readonly<Record<string, DeliveryAddressConfig>>;
  /** The configuration's `tax.reducedLabels`; the schema's defaults when absent. */
  reducedLabels?: readonly string[];
}

/** The schema's default `tax.reducedLabels`, for callers that pass none. */
export const DEFAULT_REDUCED_LABELS: readonly string[] = taxSchema.parse({}).reducedLabels;

/** A value compared ignoring width and case: `８％` and `8%`, `ＦＡＸ` and `fax`. */
function normalizeLabel(value: string): string {
  return value.normalize('NFKC').trim().toLowerCase();
}

/**
 * Every value of a field as text: one for text, number, drop-down and radio fields, each
 * checked value of a CHECK_BOX or MULTI_SELECT. Empty values are left out.
 */
function readValues(record: KintoneRecord, code: string | undefined): string[] {
  if (code === undefined) return [];
  const value = record[code]?.value;
  if (Array.isArray(value)) {
    return value
      .filter((entry): entry is string => typeof entry === 'string')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
  }
  const text = readText(record, code);
  return text ? [text] : [];
}

/** `reduced` when a value of the tax rate field is one of the reduced labels, else standard. */
export function taxClassOf(values: readonly string[], reducedLabels: readonly string[]): TaxClass {
  const reduced = new Set(reducedLabels.map(normalizeLabel));
  return values.some((value) => reduced.has(normalizeLabel(value))) ? 'reduced' : 'standard';
}

/** The problem a ship-to that cannot be resolved puts on the record. */
export function unknownShipToProblem(name: string): string {
  return `納品先 "${name}" が設定にありません`;
}

type ShipToReading =
  { kind: 'none' } | { kind: 'ship-to'; shipTo: ShipTo } | { kind: 'unknown'; name: string };

/**
 * The item's delivery address: the site value through `app.shipTo.byValue` (or a value that
 * names a delivery address itself), else the app's default. A site value that maps nowhere with
 * no default, or a name missing from `deliveryAddresses`, is `unknown`: better 要確認 than an
 * order to an address nobody configured.
 */
export function resolveShipTo(
  siteValue: string | undefined,
  app: Pick<AppConfig, 'shipTo'>,
  deliveryAddresses: Readonly<Record<string, DeliveryAddressConfig>>,
): ShipToReading {
  const byValue = app.shipTo?.byValue ?? {};
  const fallback = app.shipTo?.default;
  let name: string | undefined;
  if (siteValue) {
    const wanted = normalizeLabel(siteValue);
    const mapped =
      (Object.hasOwn(byValue, siteValue) ? byValue[siteValue] : undefined) ??
      Object.entries(byValue).find(([value]) => normalizeLabel(value) === wanted)?.[1] ??
      (Object.hasOwn(deliveryAddresses, siteValue) ? siteValue : undefined);
    name = mapped ?? fallback;
    if (name === undefined) return { kind: 'unknown', name: siteValue };
  } else {
    name = fallback;
  }
  if (name === undefined) return { kind: 'none' };
  const address = Object.hasOwn(deliveryAddresses, name) ? deliveryAddresses[name] : undefined;
  if (address === undefined) return { kind: 'unknown', name };
  return {
    kind: 'ship-to',
    shipTo: {
      id: name,
      name: address.name,
      address: address.address,
      ...(address.postalCode !== undefined ? { postalCode: address.postalCode } : {}),
      ...(address.phone !== undefined ? { phone: address.phone } : {}),
      ...(address.contact !== undefined ? { contact: address.contact } : {}),
    },
  };
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
    // Only when the record holds one: a new order empties what the previous one left.
    ...optionalText('deliveryDate', readText(record, writeBack.deliveryDate)),
    ...optionalText('deliveryStatus', readText(record, writeBack.deliveryStatus)),
    // 入荷数, read only when mapped and a number (what staff received of the order so far).
    ...receivedOf(parseQuantity(readText(record, fields.receivedQuantity))),
  };

  /** A quantity the evaluation cannot do without. */
  const required = (code: string): number | undefined => {
    if (isAbsent(record, code)) {
      problems.push(absentFieldProblem(code));
      return undefined;
    }
    const reading = parseQuantity(readText(record, code));
    if (reading.kind === 'number') return reading.value;
    problems.push(numberProblem(code, reading) ?? `「${code}」が空です`);
    return undefined;
  };
  /**
   * A quantity with a fallback: the default when the field is absent or empty. An absent
   * optional field is not a problem: test and hand-made notifications often leave such fields
   * out, and the doctor finds a mistyped code before it matters.
   */
  const optional = (code: string | undefined, fallback: number | undefined): number | undefined => {
    const reading = parseQuantity(readText(record, code));
    if (reading.kind === 'number') return reading.value;
    const problem = numberProblem(code, reading);
    if (problem !== undefined) {
      problems.push(problem);
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
    if (!value) {
      if (isAbsent(record, code)) problems.push(absentFieldProblem(code));
      else problems.push(code ? `「${code}」が空です` : `${label}が設定されていません`);
    }
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
  const stockChangeReason = readText(record, fields.stockChangeReason) || undefined;
  if (snoozeUntil !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(snoozeUntil)) {
    problems.push(`「${fields.snoozeUntil}」が日付ではありません ("${snoozeUntil}")`);
  }
  const unitPrice = optional(fields.unitPrice, undefined);
  if (unitPrice !== undefined && (unitPrice < 0 || unitPrice > MAX_YEN)) {
    problems.push(
      unitPrice < 0
        ? `「${fields.unitPrice}」が負の値です ("${readText(record, fields.unitPrice)}")`
        : `「${fields.unitPrice}」の値が大きすぎます ("${readText(record, fields.unitPrice)}")`,
    );
  }
  // A record without the field at all (a hand-made notification) says nothing about the rate.
  const taxClass =
    fields.taxRate === undefined || record[fields.taxRate] === undefined
      ? undefined
      : taxClassOf(
          readValues(record, fields.taxRate),
          options.reducedLabels ?? DEFAULT_REDUCED_LABELS,
        );
  const shipTo =
    options.deliveryAddresses === undefined
      ? ({ kind: 'none' } as const)
      : resolveShipTo(readText(record, fields.shipTo), app, options.deliveryAddresses);
  if (shipTo.kind === 'unknown') problems.push(unknownShipToProblem(shipTo.name));
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
    return {
      ok: false,
      appId: app.appId,
      recordId,
      revision,
      problems,
      recorded,
      // Readable stock and reorder point let the reason say that the item is short, too.
      ...(onHand !== undefined && reorderPoint !== undefined
        ? { levels: { onHand, reorderPoint } }
        : {}),
    };
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
    ...(stockChangeReason !== undefined ? { stockChangeReason } : {}),
    ...(unitPrice !== undefined ? { unitPrice } : {}),
    ...(taxClass !== undefined ? { taxClass } : {}),
    ...(shipTo.kind === 'ship-to' ? { shipTo: shipTo.shipTo } : {}),
  };
  return { ok: true, item };
}

function receivedOf(reading: NumberReading): { receivedQuantity?: number } {
  return reading.kind === 'number' && reading.value >= 0 ? { receivedQuantity: reading.value } : {};
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
