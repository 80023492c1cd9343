import type { FieldMap, WriteBackFields } from './schema';

/**
 * One kintone field given two roles by the configuration. The bridge writes its write-back
 * fields and reads its mapped fields, so a code under two keys either overwrites staff data
 * (品名 replaced by 発注依頼済) or reads one value as two different things (在庫数 as the
 * reorder point). Pure; used by the config schema at start-up and by the doctor.
 */
export interface FieldRoleConflict {
  /** The config key refused, relative to its app or master: `['writeBack', 'status']`. */
  key: readonly string[];
  code: string;
  /** What is wrong, naming both roles and the code. */
  problem: string;
  /** What to change. */
  fix: string;
}

/** What each role holds, for messages such as "would overwrite the item name with its status". */
const FIELD_ROLES: Readonly<Record<keyof FieldMap, string>> = {
  sku: 'the item code',
  name: 'the item name',
  unit: 'the unit',
  onHand: 'the stock on hand',
  reorderPoint: 'the reorder point',
  maxStock: 'the maximum stock',
  reorderQuantity: 'the reorder quantity',
  packSize: 'the pack size',
  minimumOrder: 'the minimum order',
  onOrder: 'the quantity on order',
  reserved: 'the reserved quantity',
  leadTimeDays: 'the lead time',
  snoozeUntil: 'the snooze date',
  supplierCode: 'the supplier code',
  supplierName: 'the supplier name',
  supplierEmail: "the supplier's email address",
  supplierFax: "the supplier's fax number",
  supplierChannel: "the supplier's order channel",
  unitPrice: 'the unit price',
  taxRate: 'the tax rate mark',
  shipTo: 'the site (ship-to)',
  receivedQuantity: 'the quantity received',
  stockChangeReason: 'the reason the stock changed',
};

const WRITE_BACK_ROLES: Readonly<Record<keyof WriteBackFields, string>> = {
  status: 'its status',
  orderNumber: 'the order number',
  orderedAt: 'the order time',
  reason: 'the reason',
  deliveryDate: 'the promised delivery date',
  deliveryStatus: 'the delivery status of the email',
};

const MASTER_ROLES = {
  code: 'the supplier code',
  name: 'the supplier name',
  email: 'the email address',
  fax: 'the fax number',
  channel: 'the order channel',
} as const;

/** The supplier master's field map, as far as roles go. */
export type MasterFieldMap = Partial<Record<keyof typeof MASTER_ROLES, string>>;

/**
 * Pairs of read roles that may share a field. `name` is required while many apps have only
 * one identifying field, and the mapper already shows the SKU where the name is empty, so
 * reading one field as both changes nothing. Every other pair reads one value as two things.
 */
const SHAREABLE_READS: ReadonlyArray<readonly [keyof FieldMap, keyof FieldMap]> = [['sku', 'name']];

const OWN_FIELD_FIX = 'Use a field of its own for each role.';

function shareable(a: string, b: string): boolean {
  return SHAREABLE_READS.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
}

/** Defined entries in declaration order, so the later key of a pair is the one refused. */
function entriesOf<K extends string>(
  map: Partial<Record<K, string | undefined>>,
): Array<[K, string]> {
  return (Object.entries(map) as Array<[K, string | undefined]>).filter(
    (entry): entry is [K, string] => entry[1] !== undefined,
  );
}

/**
 * Every field the app's configuration gives two roles: a write-back field that is also a
 * mapped (read) field, two write-back keys on one field, two mapped keys on one field (except
 * {@link SHAREABLE_READS}), and, for an app whose items are table rows, the table itself as a
 * mapped or write-back field. `writeBack.status` is read as well as written on purpose (staff
 * close an order there); that is its own role, not a second one.
 *
 * @example
 * findAppFieldRoleConflicts({ sku: '品番', name: '品名', onHand: '在庫数', reorderPoint: '発注点' },
 *   { status: '品名', orderNumber: '発注番号', reason: '発注理由' });
 * // [{ key: ['writeBack', 'status'], code: '品名',
 * //    problem: '「品名」 is also fields.name; the bridge would overwrite the item name with its status',
 * //    fix: 'Use a field of its own for each role.' }]
 */
export function findAppFieldRoleConflicts(
  fields: Partial<FieldMap>,
  writeBack: Partial<WriteBackFields>,
  subtable?: string,
): FieldRoleConflict[] {
  const conflicts: FieldRoleConflict[] = [];
  const reads = entriesOf<keyof FieldMap>(fields);
  const writes = entriesOf<keyof WriteBackFields>(writeBack);

  writes.forEach(([key, code], index) => {
    const write = WRITE_BACK_ROLES[key];
    if (code === subtable) {
      conflicts.push({
        key: ['writeBack', key],
        code,
        problem: `「${code}」 is the table itself (subtable.field); the bridge would overwrite the table's rows with ${write}`,
        fix: `Map writeBack.${key} to a field inside the rows of 「${code}」.`,
      });
      return;
    }
    const read = reads.find(([, readCode]) => readCode === code);
    if (read !== undefined) {
      conflicts.push({
        key: ['writeBack', key],
        code,
        problem: `「${code}」 is also fields.${read[0]}; the bridge would overwrite ${FIELD_ROLES[read[0]]} with ${write}`,
        fix: OWN_FIELD_FIX,
      });
      return;
    }
    const earlier = writes.slice(0, index).find(([, other]) => other === code);
    if (earlier !== undefined) {
      conflicts.push({
        key: ['writeBack', key],
        code,
        problem: `「${code}」 is also writeBack.${earlier[0]}; the bridge would overwrite ${WRITE_BACK_ROLES[earlier[0]]} with ${write}`,
        fix: OWN_FIELD_FIX,
      });
    }
  });

  reads.forEach(([key, code], index) => {
    if (code === subtable) {
      conflicts.push({
        key: ['fields', key],
        code,
        problem: `「${code}」 is the table itself (subtable.field), not a field of its rows; the bridge reads ${FIELD_ROLES[key]} from each row`,
        fix: `Map fields.${key} to a field inside the rows of 「${code}」 (or a field of the record).`,
      });
      return;
    }
    const earlier = reads
      .slice(0, index)
      .find(([otherKey, other]) => other === code && !shareable(otherKey, key));
    if (earlier !== undefined) {
      conflicts.push({
        key: ['fields', key],
        code,
        problem: `「${code}」 is also fields.${earlier[0]}; the bridge would read ${FIELD_ROLES[earlier[0]]} as ${FIELD_ROLES[key]}`,
        fix: OWN_FIELD_FIX,
      });
    }
  });
  return conflicts;
}

/**
 * Fields of the supplier master mapped under two keys: the bridge would read one value as,
 * say, both the email address and the fax number. The master is a separate app, so its codes
 * may equal the item app's.
 *
 * @example
 * findMasterFieldRoleConflicts({ code: '仕入先コード', name: '仕入先名', email: '連絡先', fax: '連絡先' });
 * // [{ key: ['fields', 'fax'], code: '連絡先', problem: '「連絡先」 is also supplierMaster.fields.email; …' }]
 */
export function findMasterFieldRoleConflicts(fields: MasterFieldMap): FieldRoleConflict[] {
  const entries = entriesOf<keyof typeof MASTER_ROLES>(fields);
  const conflicts: FieldRoleConflict[] = [];
  entries.forEach(([key, code], index) => {
    const earlier = entries.slice(0, index).find(([, other]) => other === code);
    if (earlier === undefined) return;
    conflicts.push({
      key: ['fields', key],
      code,
      problem: `「${code}」 is also supplierMaster.fields.${earlier[0]}; the bridge would read ${MASTER_ROLES[earlier[0]]} as ${MASTER_ROLES[key]}`,
      fix: OWN_FIELD_FIX,
    });
  });
  return conflicts;
}

/**
 * Status values the bridge writes that are also a closed status: writing one would close the
 * bridge's own order (and re-arm ordering), since a closed status on the record is how staff
 * close it. `statuses` is the app's whole status map; every key but `closed` is written by the
 * bridge. Values equal to each other (needsAttention = failed) are not refused here.
 *
 * @example
 * findClosingStatuses({ ordered: '入荷済', closed: ['入荷済', 'キャンセル'], idle: '未発注' });
 * // [{ key: ['statuses', 'ordered'], code: '入荷済', problem: '"入荷済" is also one of statuses.closed; …' }]
 */
export function findClosingStatuses(
  statuses: Readonly<Record<string, string | readonly string[]>>,
): FieldRoleConflict[] {
  const closed = statuses.closed;
  if (!Array.isArray(closed)) return [];
  const conflicts: FieldRoleConflict[] = [];
  for (const [key, value] of Object.entries(statuses)) {
    if (key === 'closed' || typeof value !== 'string' || !closed.includes(value)) continue;
    conflicts.push({
      key: ['statuses', key],
      code: value,
      problem: `"${value}" is also one of statuses.closed; each time the bridge wrote it, it would close its own order`,
      fix: `Give statuses.${key} a value of its own, or remove "${value}" from statuses.closed.`,
    });
  }
  return conflicts;
}
