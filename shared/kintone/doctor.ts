import { learningFor } from '../config/learning';
import { appMayGather } from '../config/gathering';
import { inQuery } from './query';
import type {
  AppConfig,
  BridgeConfig,
  FieldMap,
  OrderAppConfig,
  SecretRef,
  SupplierMasterConfig,
} from '../config/schema';
import { findAppFieldRoleConflicts, findClosingStatuses } from '../config/field-roles';
import { channelFromLabel } from '../domain/channels';
import { DELIVERY_STATUS_LABELS } from './write-back';

/**
 * The config doctor: checks an app's configuration against the live app's form (kintone's
 * form-fields API) and its API token's permissions, and says what to fix. It makes three
 * kintone calls per app (form fields, one record, an update probe), one when the form cannot
 * be read, and two for the supplier master (form fields, one record: the bridge only reads it).
 * The kintone client is handed in, so this module stays free of HTTP.
 */

export type FindingLevel = 'error' | 'warning' | 'ok';

/** One result of the doctor. `fix` is empty for `ok` findings. */
export interface Finding {
  level: FindingLevel;
  /** kintone app id. */
  app: string;
  /** Set on findings about the supplier master app or the order app (config `orderApp`). */
  target?: 'supplierMaster' | 'orderApp';
  /** The kintone field code concerned, if any. */
  field?: string;
  message: string;
  fix: string;
}

/** A field as kintone's form-fields API describes it: only what the doctor reads. */
export interface FormFieldProperty {
  type: string;
  code: string;
  label?: string;
  /** DROP_DOWN, RADIO_BUTTON, CHECK_BOX, MULTI_SELECT: option name to label and index. */
  options?: Readonly<Record<string, { label: string; index: string }>>;
  /** CALC: how the result is shown (NUMBER, NUMBER_DIGIT, DATE, ...). */
  format?: string;
  /** "Prohibit duplicate values" (値の重複を禁止する), on the types that offer it. */
  unique?: boolean;
  /** SINGLE_LINE_TEXT: the maximum number of characters, as a string ("" when unlimited). */
  maxLength?: string;
  /** Present on a lookup field; `fieldMappings` are the fields it copies into. */
  lookup?: { fieldMappings: ReadonlyArray<{ field: string }> };
  /** SUBTABLE: the fields of a row. */
  fields?: Readonly<Record<string, FormFieldProperty>>;
}

/**
 * The kintone calls the doctor makes. `KintoneRestAPIClient` of @kintone/rest-api-client
 * satisfies it; tests may pass a fake.
 */
export interface DoctorKintoneClient {
  app: {
    getFormFields(params: {
      app: string;
    }): Promise<{ properties: Readonly<Record<string, FormFieldProperty>> }>;
  };
  record: {
    getRecords(params: {
      app: string;
      query: string;
      fields: string[];
    }): Promise<{ records: ReadonlyArray<Readonly<Record<string, { value: unknown }>>> }>;
    updateRecord(params: {
      app: string;
      id: string;
      record: Record<string, never>;
    }): Promise<unknown>;
  };
}

/** An app the doctor calls, with the API token the configuration gives it. */
export interface DoctorTarget {
  appId: string;
  apiToken: SecretRef;
  /** Where the token is configured: `apps[app 12].apiToken`, `supplierMaster.apiToken`. */
  tokenPath: string;
}

/**
 * Builds the client of one app (an item app or the supplier master); throws (e.g. a
 * ConfigError) when its API token is not set.
 */
export type DoctorClients = (
  target: DoctorTarget,
) => DoctorKintoneClient | Promise<DoctorKintoneClient>;

export interface RunDoctorOptions {
  /**
   * Only these app ids: item apps, or the supplier master's id for the master. Every
   * configured app and the supplier master when omitted.
   */
  apps?: readonly string[];
  /** Wraps each kintone call (e.g. with withKintoneRetry); calls directly by default. */
  call?: <T>(request: () => Promise<T>) => Promise<T>;
}

/**
 * Record id of the update probe. No app reaches two billion records, so kintone answers
 * "record not found" instead of writing anything.
 */
export const PROBE_RECORD_ID = '2147483647';

/** Quantities the bridge reads (it never writes them, so a calculated field is fine). */
const QUANTITY_KEYS = [
  'onHand',
  'reorderPoint',
  'maxStock',
  'reorderQuantity',
  'packSize',
  'minimumOrder',
  'onOrder',
  'reserved',
  'leadTimeDays',
  'unitPrice',
  'receivedQuantity',
] as const satisfies readonly (keyof FieldMap)[];

const TEXT_KEYS = [
  'sku',
  'name',
  'unit',
  'supplierCode',
  'supplierName',
  'supplierFax',
  'supplierChannel',
  'shipTo',
  'stockChangeReason',
] as const satisfies readonly (keyof FieldMap)[];

/** Types the 軽減税率 field may have: a check box or a choice, or text holding the label. */
const TAX_RATE_TYPES = [
  'CHECK_BOX',
  'MULTI_SELECT',
  'DROP_DOWN',
  'RADIO_BUTTON',
  'SINGLE_LINE_TEXT',
];
/** Types whose form settings list their choices (`options`). */
const CHOICE_TYPES = ['CHECK_BOX', 'MULTI_SELECT', 'DROP_DOWN', 'RADIO_BUTTON'];

/** Types whose record value is one plain string the bridge can read as text. */
const TEXT_LIKE_TYPES = [
  'SINGLE_LINE_TEXT',
  'MULTI_LINE_TEXT',
  'LINK',
  'DROP_DOWN',
  'RADIO_BUTTON',
  'NUMBER',
  'CALC',
  'RECORD_NUMBER',
];

/** CALC formats whose value is a plain number. */
const NUMERIC_CALC_FORMATS = ['NUMBER', 'NUMBER_DIGIT'];

/** Types kintone maintains itself: a record update cannot set them. */
const SYSTEM_TYPES = [
  'RECORD_NUMBER',
  '__ID__',
  '__REVISION__',
  'CREATOR',
  'CREATED_TIME',
  'MODIFIER',
  'UPDATED_TIME',
  'STATUS',
  'STATUS_ASSIGNEE',
  'CATEGORY',
];

const OPTION_TYPES = ['DROP_DOWN', 'RADIO_BUTTON'];

/**
 * Types a supplier code may have in the supplier master: the bridge finds a supplier with the
 * query `code = "S-001"`, and kintone allows `=` on these (not on text areas or drop-downs).
 */
const SUPPLIER_CODE_TYPES = ['SINGLE_LINE_TEXT', 'LINK', 'NUMBER', 'RECORD_NUMBER'];

/** Types whose settings offer "Prohibit duplicate values" (値の重複を禁止する). */
const UNIQUE_CAPABLE_TYPES = ['SINGLE_LINE_TEXT', 'LINK', 'NUMBER'];

const FORM_SETTINGS = 'App settings > Form (アプリの設定 > フォーム)';
const TOKEN_SETTINGS = 'App settings > API token (アプリの設定 > APIトークン)';

interface LocatedField {
  property: FormFieldProperty;
  /** The SUBTABLE holding it, when it is a field of a table row. */
  table?: string;
}

/** The app's fields by code, rows' fields included, and the fields a lookup copies into. */
interface AppForm {
  find(code: string): LocatedField | undefined;
  /** Field code to the lookup field that fills it. */
  lookupCopies: ReadonlyMap<string, string>;
  /** Every field, rows' fields included. */
  all: readonly FormFieldProperty[];
  properties: Readonly<Record<string, FormFieldProperty>>;
}

function indexForm(properties: Readonly<Record<string, FormFieldProperty>>): AppForm {
  const located = new Map<string, LocatedField>();
  const lookupCopies = new Map<string, string>();
  const note = (code: string, property: FormFieldProperty, table?: string) => {
    located.set(code, table === undefined ? { property } : { property, table });
    for (const mapping of property.lookup?.fieldMappings ?? []) {
      lookupCopies.set(mapping.field, code);
    }
  };
  for (const [code, property] of Object.entries(properties)) {
    note(code, property);
    for (const [inner, innerProperty] of Object.entries(property.fields ?? {})) {
      note(inner, innerProperty, code);
    }
  }
  const all = [...located.values()].map((field) => field.property);
  return { find: (code) => located.get(code), lookupCopies, all, properties };
}

/**
 * Where the bridge looks a mapped field up: the item record's own fields, the rows of the
 * app's `subtable` (then the record's fields, for reading), or a supplier master record.
 */
type Placement = { kind: 'record' } | { kind: 'row'; table: string } | { kind: 'master' };

/** An app the doctor calls, as its findings name it. */
interface Subject extends DoctorTarget {
  /** For messages: `app 12`, `supplier master app 13`. */
  name: string;
  /** The token permissions the bridge needs, for the fix of a rejected token. */
  permissions: string;
  /** The config key of the app id, for the fix of an unknown app. */
  appIdKey: string;
  target?: Finding['target'];
}

function appSubject(app: AppConfig): Subject {
  return {
    appId: app.appId,
    apiToken: app.apiToken,
    tokenPath: `apps[app ${app.appId}].apiToken`,
    name: `app ${app.appId}`,
    permissions: '"View records" (レコード閲覧) and "Edit records" (レコード編集)',
    appIdKey: 'appId',
  };
}

function masterSubject(master: SupplierMasterConfig): Subject {
  return {
    appId: master.appId,
    apiToken: master.apiToken,
    tokenPath: 'supplierMaster.apiToken',
    name: `supplier master app ${master.appId}`,
    permissions: '"View records" (レコード閲覧) (the bridge never writes the supplier master)',
    appIdKey: 'supplierMaster.appId',
    target: 'supplierMaster',
  };
}

function describeTokenSource(subject: Subject): string {
  return typeof subject.apiToken === 'string'
    ? `${subject.tokenPath} in the config`
    : `the environment variable ${subject.apiToken.env}`;
}

function quoted(code: string): string {
  return `"${code}"`;
}

function quotedList(codes: readonly string[]): string {
  return codes.map(quoted).join(', ');
}

/** Collects findings for one app, each with the app id (and target) filled in. */
class FindingList {
  readonly items: Finding[] = [];

  constructor(
    private readonly appId: string,
    private readonly target?: Finding['target'],
  ) {}

  add(level: FindingLevel, message: string, fix: string, field?: string): void {
    this.items.push({
      level,
      app: this.appId,
      ...(this.target === undefined ? {} : { target: this.target }),
      ...(field === undefined ? {} : { field }),
      message,
      fix,
    });
  }

  ok(message: string, field?: string): void {
    this.add('ok', message, '', field);
  }
}

interface FieldRule {
  /** Config key, for messages: `fields.onHand`, `writeBack.status`. */
  key: string;
  code: string;
  /** Types that are fine. */
  accept: readonly string[];
  /** Types that work with a caveat: type to the caveat. */
  caveats?: Readonly<Record<string, string>>;
  /** What to change the field to, for the fix. */
  expected: string;
  /** Why other types do not work, when it is not obvious. */
  why?: string;
  /** The bridge writes this field. */
  writes: boolean;
}

/**
 * Checks that a field is where the bridge looks for it. Returns a note for the field's `ok`
 * finding ('' for none), or undefined after an error that ends the field's checks.
 */
function checkPlacement(
  found: LocatedField,
  rule: FieldRule,
  where: Placement,
  findings: FindingList,
): string | undefined {
  const { key, code } = rule;
  const name = `${quoted(code)} (${key})`;
  const { table } = found;
  if (where.kind === 'record') {
    if (table === undefined) return '';
    const fix = `Map ${key} to a field outside the table, or, if each row of ${quoted(table)} is an item, set the app's subtable.field to ${quoted(table)}.`;
    if (rule.writes) {
      findings.add(
        'error',
        `${name} is a field of the table ${quoted(table)}: the bridge writes the record's own fields, not table rows, unless the app's subtable is set`,
        fix,
        code,
      );
      return undefined;
    }
    findings.add(
      'warning',
      `${name} is a field of the table ${quoted(table)}: the bridge reads the record's own fields unless the app's subtable is set, so it finds no value`,
      fix,
      code,
    );
    return '';
  }
  if (where.kind === 'master') {
    if (table === undefined) return '';
    findings.add(
      'error',
      `${name} is a field of the table ${quoted(table)}: the bridge reads one supplier per record, from the record's own fields`,
      `Map ${key} to a field outside any table of the supplier master (add one in ${FORM_SETTINGS} if needed).`,
      code,
    );
    return undefined;
  }
  if (table === where.table) return '';
  if (table === undefined) {
    if (!rule.writes)
      return `, a field of the record (one value for every row of ${quoted(where.table)})`;
    findings.add(
      'error',
      `${name} is a field of the record, outside the table ${quoted(where.table)} (subtable.field): write-back fields must be in the row, where each item's outcome goes`,
      `Add a ${rule.expected} field to the table ${quoted(where.table)} in ${FORM_SETTINGS} and map ${key} to it; a write-back field outside the table is not supported for an app whose items are table rows (the rows would overwrite each other's outcome).`,
      code,
    );
    return undefined;
  }
  findings.add(
    'error',
    `${name} is a field of the table ${quoted(table)}, not of ${quoted(where.table)} (subtable.field): the bridge reads the rows of ${quoted(where.table)} and the record's own fields only`,
    rule.writes
      ? `Map ${key} to a field of the table ${quoted(where.table)} (add one in ${FORM_SETTINGS} if needed).`
      : `Map ${key} to a field of the table ${quoted(where.table)} or of the record.`,
    code,
  );
  return undefined;
}

/**
 * Checks one mapped field: that it exists where the bridge looks for it, can be written if the
 * bridge writes it, and has a usable type. Returns the field when it may be checked further
 * (options, duplicate values).
 */
function checkField(
  form: AppForm,
  rule: FieldRule,
  findings: FindingList,
  where: Placement,
): FormFieldProperty | undefined {
  const { key, code } = rule;
  const found = form.find(code);
  const name = `${quoted(code)} (${key})`;
  if (found === undefined) {
    const sameLabel = form.all.find((property) => property.label === code);
    const inRow =
      where.kind === 'row'
        ? ` It must be a field of the table ${quoted(where.table)}${rule.writes ? '' : ' or of the record'}.`
        : '';
    findings.add(
      'error',
      `${name}: the app has no field with this code`,
      sameLabel === undefined
        ? `Copy the field code from ${FORM_SETTINGS} > the field's settings > Field code (codes are case-sensitive and differ from labels), and set it as ${key}.${inRow}`
        : `A field is labelled ${quoted(code)}, but its field code is ${quoted(sameLabel.code)}: set ${key} to ${quoted(sameLabel.code)}, or change the field code in ${FORM_SETTINGS}.`,
      code,
    );
    return undefined;
  }
  const note = checkPlacement(found, rule, where, findings);
  if (note === undefined) return undefined;
  const { property } = found;
  if (rule.writes) {
    const reason = unwritableReason(form, code, property);
    if (reason !== undefined) {
      findings.add(
        'error',
        `${name} cannot be written by the bridge: ${reason}`,
        `Map ${key} to an ordinary ${rule.expected} field that staff and the API can edit (add one in ${FORM_SETTINGS} if needed).`,
        code,
      );
      return undefined;
    }
  }
  const { type } = property;
  const caveat = rule.caveats?.[type];
  if (caveat !== undefined) {
    findings.add(
      'warning',
      `${name} is ${type}: ${caveat}`,
      `Change it to a ${rule.expected} field in ${FORM_SETTINGS}, or map ${key} to one; if it stays, make sure staff keep the values in that form.`,
      code,
    );
    return property;
  }
  if (!rule.accept.includes(type)) {
    findings.add(
      'error',
      `${name} is ${type}; the bridge needs ${rule.expected}${rule.why === undefined ? '' : ` (${rule.why})`}`,
      `Map ${key} to a ${rule.expected} field, or change the field's type in ${FORM_SETTINGS}.`,
      code,
    );
    return undefined;
  }
  if (type === 'CALC' && property.format !== undefined) {
    if (!NUMERIC_CALC_FORMATS.includes(property.format)) {
      findings.add(
        'warning',
        `${name} is a calculated field shown as ${property.format}, not as a number`,
        `Check that its formula computes a quantity and set its display format to Number in ${FORM_SETTINGS}.`,
        code,
      );
      return property;
    }
  }
  findings.ok(`${name} is ${type}${note}`, code);
  return property;
}

function unwritableReason(
  form: AppForm,
  code: string,
  property: FormFieldProperty,
): string | undefined {
  if (SYSTEM_TYPES.includes(property.type)) return `kintone sets ${property.type} fields itself`;
  if (property.type === 'CALC') return 'it is a calculated field';
  const lookup = form.lookupCopies.get(code);
  if (lookup !== undefined) return `the lookup ${quoted(lookup)} copies its value into it`;
  if (property.lookup !== undefined) return 'it is a lookup field (writing it runs the lookup)';
  return undefined;
}

/** Options of a DROP_DOWN or RADIO_BUTTON field; undefined for other types. */
function optionsOf(property: FormFieldProperty): ReadonlySet<string> | undefined {
  if (!OPTION_TYPES.includes(property.type) || property.options === undefined) return undefined;
  return new Set(Object.keys(property.options));
}

/** The status values the bridge writes, or staff set for it, with the config key of each. */
function statusValues(config: BridgeConfig, app: AppConfig): Array<[string, string]> {
  const { statuses } = app;
  const values: Array<[string, string]> = [
    ['statuses.ordered', statuses.ordered],
    ...statuses.closed.map((value, index): [string, string] => [
      `statuses.closed[${index}]`,
      value,
    ]),
    ['statuses.needsAttention', statuses.needsAttention],
    ['statuses.idle', statuses.idle],
    ['statuses.failed', statuses.failed],
    ['statuses.sending', statuses.sending],
  ];
  // 待機中 is written only while a line waits for its gathered order to be sent (the app's rule
  // or a supplier's).
  if (appMayGather(config, app)) values.push(['statuses.waiting', statuses.waiting]);
  // Answer statuses are written only from the supplier page; without it they never occur.
  if (config.supplierPage !== undefined) {
    values.push(
      ['statuses.confirmed', statuses.confirmed],
      ['statuses.partial', statuses.partial],
      ['statuses.declined', statuses.declined],
    );
  }
  return values;
}

function checkOptions(
  code: string,
  options: ReadonlySet<string>,
  wanted: Array<[string, string]>,
  findings: FindingList,
): void {
  const all = [...options].join(', ');
  for (const [key, value] of wanted) {
    if (options.has(value)) continue;
    findings.add(
      'error',
      `option ${quoted(value)} (${key}) is not among the options of ${quoted(code)} (${all}): no record can hold it`,
      `Add the option ${quoted(value)} to ${quoted(code)} in ${FORM_SETTINGS} and update the app, or set ${key} to one of its options.`,
      code,
    );
  }
}

/** Warns about each option of a channel field (if it has options) that no channel label names. */
function checkChannelOptions(
  property: FormFieldProperty | undefined,
  key: string,
  labels: { value: Parameters<typeof channelFromLabel>[1]; key: string },
  consequence: string,
  findings: FindingList,
): void {
  const options = property && optionsOf(property);
  if (property === undefined || options === undefined) return;
  for (const option of options) {
    if (channelFromLabel(option, labels.value) !== undefined) continue;
    findings.add(
      'warning',
      `option ${quoted(option)} of ${quoted(property.code)} (${key}) is none of ${labels.key}: ${consequence}`,
      `Add ${quoted(option)} to ${labels.key}.email, .fax or .both in the config, or rename the option.`,
      property.code,
    );
  }
}

/** Matches a label ignoring width and case, as the record mapper does. */
function sameLabel(a: string, b: string): boolean {
  const normalize = (value: string) => value.normalize('NFKC').trim().toLowerCase();
  return normalize(a) === normalize(b);
}

/**
 * The 軽減税率 field's choices: one of them must be a reduced label, or no item can ever be
 * read as taxed at the reduced rate.
 */
function checkTaxRateOptions(
  property: FormFieldProperty | undefined,
  reducedLabels: readonly string[],
  findings: FindingList,
): void {
  if (property === undefined || !CHOICE_TYPES.includes(property.type)) return;
  const options = Object.keys(property.options ?? {});
  if (options.some((option) => reducedLabels.some((label) => sameLabel(option, label)))) return;
  findings.add(
    'warning',
    `none of the choices of ${quoted(property.code)} (fields.taxRate) is in tax.reducedLabels (${reducedLabels.join(' / ')}): every item is read as taxed at the standard rate`,
    `Add the choice that means 軽減税率 to tax.reducedLabels in the config, or name a choice ${quoted(reducedLabels[0] ?? '軽減税率')}.`,
    property.code,
  );
}

/** Ship-to names the app uses, each in `deliveryAddresses` (the schema refuses others too). */
function checkShipToValues(config: BridgeConfig, app: AppConfig, findings: FindingList): void {
  if (app.shipTo === undefined) return;
  const names = [
    ...(app.shipTo.default === undefined ? [] : [app.shipTo.default]),
    ...Object.values(app.shipTo.byValue),
  ];
  const missing = names.filter((name) => !Object.hasOwn(config.deliveryAddresses, name));
  if (missing.length > 0) {
    findings.add(
      'error',
      `shipTo names delivery addresses that are not in deliveryAddresses: ${quotedList(missing)}`,
      "Add them to deliveryAddresses in the config, or correct the names in the app's shipTo.",
    );
  } else if (names.length > 0) {
    findings.ok(`shipTo: every delivery address named is in deliveryAddresses`);
  }
  if (app.shipTo.default === undefined && app.fields.shipTo !== undefined) {
    // Intended when every site must be mapped: said, not warned about.
    findings.ok(
      `shipTo has no default: a record whose ${quoted(app.fields.shipTo)} value is not in shipTo.byValue becomes "${app.statuses.needsAttention}"`,
      app.fields.shipTo,
    );
  }
}

/**
 * Checks `subtable.field`: a SUBTABLE at the top of the form. Reports the table, or an error
 * that names the app's tables; returns whether the field mapping can be checked against it.
 */
function checkSubtable(code: string, form: AppForm, findings: FindingList): boolean {
  const name = `${quoted(code)} (subtable.field)`;
  const property = form.properties[code];
  if (property?.type === 'SUBTABLE') {
    const count = Object.keys(property.fields ?? {}).length;
    findings.ok(`${name} is SUBTABLE with ${count} field(s) per row: each row is an item`, code);
    // The write-back sends every row with every value it read (kintone replaces the whole
    // table); an attachment's file key as read is not one kintone takes back.
    for (const field of Object.values(property.fields ?? {})) {
      if (field.type !== 'FILE') continue;
      findings.add(
        'warning',
        `${quoted(field.code)} in the table ${quoted(code)} is an attachment (FILE): the bridge's write-back sends the whole table back, and kintone may refuse or drop attachments sent back as read`,
        `Keep attachments outside the table ${quoted(code)} (a field of the record), or test a write-back on a copy of the app first.`,
        field.code,
      );
    }
    return true;
  }
  const tables = Object.values(form.properties).filter((field) => field.type === 'SUBTABLE');
  const found = form.find(code);
  const problem =
    found === undefined
      ? `${name}: the app has no field with this code`
      : `${name} is ${found.property.type}${found.table === undefined ? '' : ` in the table ${quoted(found.table)}`}, not a table (SUBTABLE)`;
  const sameLabel = tables.find((table) => table.label === code);
  let fix: string;
  if (sameLabel !== undefined) {
    fix = `A table is labelled ${quoted(code)}, but its field code is ${quoted(sameLabel.code)}: set subtable.field to ${quoted(sameLabel.code)}.`;
  } else if (tables.length === 0) {
    fix = `The app has no table (SUBTABLE field): add one with a row per item in ${FORM_SETTINGS}, or remove subtable from the app's config if each record is one item.`;
  } else {
    fix = `Set subtable.field to the field code of the table whose rows are the items; the app's tables are ${quotedList(tables.map((table) => table.code))}.`;
  }
  findings.add(
    'error',
    `${problem}; the field mapping is checked once the table is found`,
    fix,
    code,
  );
  return false;
}

/**
 * Checks an app's field mapping against its form: every mapped field exists where the bridge
 * looks for it and has a type the bridge can read or write, and the status field offers every
 * status value. With `subtable`, mapped fields are looked up in the table's rows first (read
 * fields then at the top of the record), and write-back fields must be in the rows. Pure.
 *
 * @example
 * const { properties } = await client.app.getFormFields({ app: '12' });
 * checkAppFields(config, config.apps[0], properties).filter((f) => f.level === 'error');
 */
export function checkAppFields(
  config: BridgeConfig,
  app: AppConfig,
  properties: Readonly<Record<string, FormFieldProperty>>,
): Finding[] {
  const findings = new FindingList(app.appId);
  const form = indexForm(properties);
  let where: Placement = { kind: 'record' };
  if (app.subtable !== undefined) {
    if (!checkSubtable(app.subtable.field, form, findings)) return findings.items;
    where = { kind: 'row', table: app.subtable.field };
  }
  const { fields, writeBack } = app;
  const read = (key: keyof FieldMap, rule: Omit<FieldRule, 'key' | 'code' | 'writes'>) => {
    const code = fields[key];
    return code === undefined
      ? undefined
      : checkField(form, { ...rule, key: `fields.${key}`, code, writes: false }, findings, where);
  };

  for (const key of QUANTITY_KEYS) {
    read(key, {
      accept: ['NUMBER', 'CALC'],
      caveats: {
        SINGLE_LINE_TEXT: `non-numeric values become "${app.statuses.needsAttention}"`,
      },
      expected: 'Number (数値)',
    });
  }
  for (const key of TEXT_KEYS) {
    const property = read(key, {
      accept: TEXT_LIKE_TYPES,
      caveats: { RICH_TEXT: 'its value is HTML, and the markup would show in order requests' },
      expected: 'Text (文字列 1行)',
    });
    if (key === 'supplierChannel') {
      checkChannelOptions(
        property,
        'fields.supplierChannel',
        { value: app.channelLabels, key: 'channelLabels' },
        `records with it become "${app.statuses.needsAttention}"`,
        findings,
      );
    }
  }
  const taxRate = read('taxRate', {
    accept: TAX_RATE_TYPES,
    expected: 'Check box (チェックボックス) or Drop-down with a 軽減税率 choice',
  });
  checkTaxRateOptions(taxRate, config.tax.reducedLabels, findings);
  checkShipToValues(config, app, findings);
  read('supplierEmail', {
    accept: ['LINK', 'SINGLE_LINE_TEXT'],
    expected: 'Link (リンク, e-mail) or Text',
  });
  read('snoozeUntil', {
    accept: ['DATE'],
    caveats: {
      SINGLE_LINE_TEXT: `values not written as YYYY-MM-DD become "${app.statuses.needsAttention}"`,
    },
    expected: 'Date (日付)',
  });

  const write = (key: keyof AppConfig['writeBack'], accept: string[], expected: string) => {
    const code = writeBack[key];
    return code === undefined
      ? undefined
      : checkField(
          form,
          { key: `writeBack.${key}`, code, accept, expected, writes: true },
          findings,
          where,
        );
  };
  const status = write(
    'status',
    ['DROP_DOWN', 'RADIO_BUTTON', 'SINGLE_LINE_TEXT'],
    'Drop-down (ドロップダウン)',
  );
  const statusOptions = status && optionsOf(status);
  if (statusOptions !== undefined) {
    checkOptions(writeBack.status, statusOptions, statusValues(config, app), findings);
  }
  write('orderNumber', ['SINGLE_LINE_TEXT'], 'Text (文字列 1行)');
  write('orderedAt', ['DATETIME'], 'Date and time (日時)');
  write('reason', ['SINGLE_LINE_TEXT', 'MULTI_LINE_TEXT'], 'Text area (文字列 複数行)');
  write('deliveryDate', ['DATE'], 'Date (日付)');
  const delivery = write(
    'deliveryStatus',
    ['SINGLE_LINE_TEXT', 'MULTI_LINE_TEXT', 'DROP_DOWN', 'RADIO_BUTTON'],
    'Text (文字列 1行) or Drop-down',
  );
  const deliveryOptions = delivery && optionsOf(delivery);
  if (deliveryOptions !== undefined && writeBack.deliveryStatus !== undefined) {
    checkOptions(
      writeBack.deliveryStatus,
      deliveryOptions,
      Object.values(DELIVERY_STATUS_LABELS).map((label): [string, string] => [
        'delivery status',
        label,
      ]),
      findings,
    );
  }

  checkWriteBackSettings(config, app, form, findings);

  // The learning's suggestion fields (issue 14): the daily run writes them.
  for (const [key, code] of Object.entries(learningFor(config, app)?.fields ?? {})) {
    if (code === undefined) continue;
    const reason = key === 'reason';
    checkField(
      form,
      {
        key: `learning.fields.${key}`,
        code,
        writes: true,
        accept: reason ? ['SINGLE_LINE_TEXT', 'MULTI_LINE_TEXT'] : ['NUMBER'],
        expected: reason ? 'Text (文字列 1行)' : 'Number (数値)',
      },
      findings,
      where,
    );
  }

  // The same refusals as at start-up (the schema's), for a configuration handed in directly.
  for (const conflict of [
    ...findAppFieldRoleConflicts(fields, writeBack, app.subtable?.field),
    ...findClosingStatuses(app.statuses),
  ]) {
    findings.add(
      'error',
      `${conflict.key.join('.')}: ${conflict.problem}`,
      conflict.fix,
      conflict.code,
    );
  }
  return findings.items;
}

/** Longest order number the bridge writes: `PREFIX-YYYYMMDD-NNNN`. */
function longestOrderNumber(config: BridgeConfig): number {
  return `${config.orderNumberPrefix}-YYYYMMDD-NNNN`.length;
}

/**
 * Field settings that make kintone refuse the bridge's write-back: "Prohibit duplicate values"
 * on a field the bridge writes one value into on many records (発注依頼済 on every ordered
 * item), and a maximum length shorter than what the bridge writes. Either would fail every
 * write-back of the second such record, leaving the order sent but not shown in kintone.
 */
function checkWriteBackSettings(
  config: BridgeConfig,
  app: AppConfig,
  form: AppForm,
  findings: FindingList,
): void {
  const { writeBack } = app;
  const statusValuesWritten = statusValues(config, app).map(([, value]) => value);
  const needs: Array<[keyof AppConfig['writeBack'], number | undefined]> = [
    ['status', Math.max(...statusValuesWritten.map((value) => value.length))],
    ['orderNumber', longestOrderNumber(config)],
    // A reason's length depends on the record; any limit may refuse one.
    ['reason', undefined],
    ['orderedAt', undefined],
    ['deliveryDate', undefined],
    ['deliveryStatus', Math.max(...Object.values(DELIVERY_STATUS_LABELS).map((v) => v.length))],
  ];
  for (const [key, needed] of needs) {
    const code = writeBack[key];
    const property = code === undefined ? undefined : form.find(code)?.property;
    if (code === undefined || property === undefined) continue;
    const name = `${quoted(code)} (writeBack.${key})`;
    // One order number is on one record (or the rows of one order): unique numbers are fine.
    if (property.unique === true && key !== 'orderNumber') {
      findings.add(
        'error',
        `${name} prohibits duplicate values: the bridge writes the same value into many records, and kintone would refuse the second write`,
        `In ${FORM_SETTINGS}, open the field's settings, untick "Prohibit duplicate values" (値の重複を禁止する), save and update the app.`,
        code,
      );
    }
    const maxLength = Number(property.maxLength ?? '');
    if (property.maxLength === undefined || property.maxLength === '' || !(maxLength > 0)) continue;
    if (needed === undefined) {
      findings.add(
        'warning',
        `${name} allows at most ${maxLength} characters: kintone refuses a longer value, and the bridge's write-back of that record fails`,
        `Clear the maximum length in the field's settings (${FORM_SETTINGS}), or map writeBack.${key} to a Text area (文字列 複数行).`,
        code,
      );
    } else if (needed > maxLength) {
      findings.add(
        'error',
        `${name} allows at most ${maxLength} characters, but the bridge writes up to ${needed}`,
        `Raise or clear the maximum length in the field's settings (${FORM_SETTINGS}).`,
        code,
      );
    }
  }
}

/**
 * Checks the supplier master's field mapping against its form: every mapped field exists
 * outside any table with a type the bridge can read (the code one it can query with `=`), the
 * code field prohibits duplicate values, and the channel field's options are understood
 * through `supplierMaster.channelLabels`. Pure.
 *
 * @example
 * const { properties } = await client.app.getFormFields({ app: config.supplierMaster.appId });
 * checkSupplierMasterFields(config.supplierMaster, properties);
 */
export function checkSupplierMasterFields(
  master: SupplierMasterConfig,
  properties: Readonly<Record<string, FormFieldProperty>>,
): Finding[] {
  const findings = new FindingList(master.appId, 'supplierMaster');
  const form = indexForm(properties);
  const { fields } = master;
  const read = (
    key: keyof SupplierMasterConfig['fields'],
    rule: Omit<FieldRule, 'key' | 'code' | 'writes'>,
  ) => {
    const code = fields[key];
    return code === undefined
      ? undefined
      : checkField(
          form,
          { ...rule, key: `supplierMaster.fields.${key}`, code, writes: false },
          findings,
          { kind: 'master' },
        );
  };
  const textCaveats = {
    RICH_TEXT: 'its value is HTML, and the markup would show in order requests',
  };

  const code = read('code', {
    accept: SUPPLIER_CODE_TYPES,
    caveats: {
      CALC: 'kintone cannot prohibit duplicate values of a calculated field, so two suppliers may share a code',
    },
    expected: 'Text (文字列 1行)',
    why: `it finds a supplier with the query ${fields.code} = "S-001", which kintone allows on Text, Link, Number and Record number fields`,
  });
  if (code !== undefined && UNIQUE_CAPABLE_TYPES.includes(code.type) && code.unique !== true) {
    findings.add(
      'warning',
      `${quoted(fields.code)} (supplierMaster.fields.code) does not prohibit duplicate values: the bridge looks suppliers up by code, and of two records with one code it uses one without telling`,
      `In ${FORM_SETTINGS} of supplier master app ${master.appId}, open the field's settings, tick "Prohibit duplicate values" (値の重複を禁止する), save and update the app.`,
      fields.code,
    );
  }
  read('name', { accept: TEXT_LIKE_TYPES, caveats: textCaveats, expected: 'Text (文字列 1行)' });
  read('email', {
    accept: ['LINK', 'SINGLE_LINE_TEXT'],
    expected: 'Link (リンク, e-mail) or Text',
  });
  read('fax', { accept: TEXT_LIKE_TYPES, caveats: textCaveats, expected: 'Text (文字列 1行)' });
  checkChannelOptions(
    read('channel', {
      accept: ['DROP_DOWN', 'RADIO_BUTTON', 'SINGLE_LINE_TEXT'],
      expected: 'Drop-down (ドロップダウン)',
    }),
    'supplierMaster.fields.channel',
    { value: master.channelLabels, key: 'supplierMaster.channelLabels' },
    "the bridge ignores it and uses the item record's channel (or defaults.channel)",
    findings,
  );
  return findings.items;
}

interface KintoneFailure {
  status?: number;
  code?: string;
  message: string;
}

/** Status and code of a kintone error, read structurally (this module knows no client). */
function failureOf(error: unknown): KintoneFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (typeof error !== 'object' || error === null) return { message };
  const status = 'status' in error && typeof error.status === 'number' ? error.status : undefined;
  const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  return {
    message,
    ...(status === undefined ? {} : { status }),
    ...(code === undefined ? {} : { code }),
  };
}

function describeFailure(failure: KintoneFailure): string {
  const tags = [failure.status, failure.code].filter((part) => part !== undefined).join(' ');
  return tags === '' ? failure.message : `${tags}: ${failure.message}`;
}

/** A failed call, as a finding: a bad token, a missing app, a permission or no answer. */
function accessFinding(
  subject: Subject,
  error: unknown,
  what: string,
  permission: string,
  findings: FindingList,
): void {
  const failure = failureOf(error);
  const detail = describeFailure(failure);
  const { appId, name } = subject;
  const tokenFix = `In kintone open app ${appId}, ${TOKEN_SETTINGS}: generate a token with ${subject.permissions}, click Save and then Update App (a token works only after the app is updated), and put it in ${describeTokenSource(subject)}.`;
  if (
    failure.code === 'GAIA_IA02' ||
    failure.code === 'CB_WA01' ||
    failure.code === 'CB_AU01' ||
    failure.status === 401
  ) {
    findings.add('error', `kintone does not accept the API token of ${name} (${detail})`, tokenFix);
  } else if (failure.code === 'GAIA_AP01') {
    findings.add(
      'error',
      `${name} does not exist at this kintone (${detail})`,
      `Check ${subject.appIdKey} (the number after /k/ in the app's URL) and the kintone base URL.`,
    );
  } else if (failure.code === 'CB_NO02' || failure.status === 403) {
    findings.add(
      'error',
      `the API token of ${name} may not ${what} (${detail})`,
      `In ${TOKEN_SETTINGS} of app ${appId}, tick "${permission}" for the token, click Save and then Update App.`,
    );
  } else {
    findings.add(
      'error',
      `could not ${what} in ${name}: ${detail}`,
      'Check the kintone base URL and the network; if kintone is in maintenance (503), run the doctor again later.',
    );
  }
}

type Call = <T>(request: () => Promise<T>) => Promise<T>;

const VIEW_RECORDS = 'View records (レコード閲覧)';

/**
 * The client of an app and its form, or undefined after an error finding (no token, a
 * rejected token, a missing app): the app's other checks need both.
 */
async function openForm(
  subject: Subject,
  clients: DoctorClients,
  call: Call,
  findings: FindingList,
): Promise<
  | { client: DoctorKintoneClient; properties: Readonly<Record<string, FormFieldProperty>> }
  | undefined
> {
  let client: DoctorKintoneClient;
  try {
    client = await clients({
      appId: subject.appId,
      apiToken: subject.apiToken,
      tokenPath: subject.tokenPath,
    });
  } catch (error) {
    findings.add(
      'error',
      `no API token for ${subject.name}: ${failureOf(error).message}`,
      `Set ${describeTokenSource(subject)} to the app's API token (${TOKEN_SETTINGS}), or run with --local against the local kintone of npm start.`,
    );
    return undefined;
  }
  try {
    const { properties } = await call(() => client.app.getFormFields({ app: subject.appId }));
    findings.ok(`the API token can read the form of ${subject.name}`);
    return { client, properties };
  } catch (error) {
    accessFinding(subject, error, "read the app's form", VIEW_RECORDS, findings);
    return undefined;
  }
}

/** One record with only `fields`: whether the token may view records. */
async function checkViewRecords(
  subject: Subject,
  client: DoctorKintoneClient,
  fields: string[],
  call: Call,
  findings: FindingList,
): Promise<void> {
  try {
    await call(() => client.record.getRecords({ app: subject.appId, query: 'limit 1', fields }));
    findings.ok(`the API token can view records of ${subject.name}`);
  } catch (error) {
    accessFinding(subject, error, 'view records', VIEW_RECORDS, findings);
  }
}

async function checkApp(
  config: BridgeConfig,
  app: AppConfig,
  clients: DoctorClients,
  call: Call,
): Promise<Finding[]> {
  const subject = appSubject(app);
  const findings = new FindingList(app.appId);
  const opened = await openForm(subject, clients, call, findings);
  if (opened === undefined) return findings.items;
  const { client, properties } = opened;
  findings.items.push(...checkAppFields(config, app, properties));
  await checkViewRecords(subject, client, ['$id'], call, findings);

  // Edit permission without editing anything: an update of a record that does not exist.
  // kintone checks the token's permission on the app before it looks the record up, so it
  // answers 404 GAIA_RE01 when the token may edit and 403 CB_NO02 when it may not; the empty
  // update changes nothing and fires no webhook either way.
  try {
    await call(() =>
      client.record.updateRecord({ app: app.appId, id: PROBE_RECORD_ID, record: {} }),
    );
    findings.ok(`the API token can edit records of ${subject.name}`);
  } catch (error) {
    const failure = failureOf(error);
    if (failure.code === 'GAIA_RE01') {
      findings.ok(`the API token can edit records of ${subject.name}`);
    } else if (failure.code === 'CB_NO02' || failure.status === 403) {
      accessFinding(subject, error, 'edit records', 'Edit records (レコード編集)', findings);
    } else {
      findings.add(
        'warning',
        `could not confirm that the API token of ${subject.name} may edit records (${describeFailure(failure)})`,
        `Check in ${TOKEN_SETTINGS} of app ${app.appId} that "Edit records" (レコード編集) is ticked for the token.`,
      );
    }
  }
  return findings.items;
}

/**
 * The supplier master: its form, and one record read (which also looks up the codes of the
 * configuration's `suppliers`, when there are any). The bridge never writes it.
 */
async function checkSupplierMaster(
  config: BridgeConfig,
  master: SupplierMasterConfig,
  clients: DoctorClients,
  call: Call,
): Promise<Finding[]> {
  const subject = masterSubject(master);
  const findings = new FindingList(master.appId, 'supplierMaster');
  const opened = await openForm(subject, clients, call, findings);
  if (opened === undefined) return findings.items;
  const { client, properties } = opened;
  findings.items.push(...checkSupplierMasterFields(master, properties));
  // The code field, as the bridge reads it; a missing one was reported above and would only
  // make this read fail for another reason.
  const hasCode = properties[master.fields.code] !== undefined;
  const codes = hasCode ? Object.keys(config.suppliers) : [];
  if (codes.length === 0) {
    await checkViewRecords(subject, client, [hasCode ? master.fields.code : '$id'], call, findings);
    return findings.items;
  }
  // The read that shows the token may view records also looks up the configured supplier codes.
  try {
    const found = await masterCodes(client, master, codes, call);
    findings.ok(`the API token can view records of ${subject.name}`);
    for (const code of codes.filter((candidate) => !found.has(candidate))) {
      findings.add(
        'warning',
        `suppliers["${code}"]: no supplier with the code "${code}" in ${subject.name}, so its closed days and gathering rule apply only where a record itself names that code`,
        `Check the code against the field "${master.fields.code}" of the supplier master (a typing slip leaves the supplier on the app's rule and the company's calendar).`,
        master.fields.code,
      );
    }
  } catch (error) {
    accessFinding(subject, error, 'view records', VIEW_RECORDS, findings);
  }
  return findings.items;
}

/** How many codes one `in (...)` query names: kintone answers at most 500 records a call. */
const CODES_PER_QUERY = 100;

/** Which of `codes` the supplier master has, a query per 100 codes. */
async function masterCodes(
  client: DoctorKintoneClient,
  master: SupplierMasterConfig,
  codes: readonly string[],
  call: Call,
): Promise<Set<string>> {
  const found = new Set<string>();
  const field = master.fields.code;
  for (let start = 0; start < codes.length; start += CODES_PER_QUERY) {
    const batch = codes.slice(start, start + CODES_PER_QUERY);
    const answer = await call(() =>
      client.record.getRecords({
        app: master.appId,
        query: `${inQuery(field, batch)} limit 500`,
        fields: [field],
      }),
    );
    for (const record of answer.records) {
      const value = record[field]?.value;
      if (typeof value === 'string') found.add(value);
    }
  }
  return found;
}

/**
 * Checks each configured app against kintone: the form (every mapped field exists and has a
 * usable type, write-back fields are writable, status values are options) and the API token
 * (it can read the form, view records and edit records); then the supplier master, when
 * configured (its fields, and that its token can view records).
 *
 * @example
 * const findings = await runDoctor(
 *   config,
 *   (target) => createKintoneClient(baseUrl, resolveSecret(target.apiToken, env, target.tokenPath)),
 *   { call: (request) => withKintoneRetry(request, { attempts: 3 }) },
 * );
 * process.stdout.write(formatFindings(findings, config));
 * process.exitCode = hasErrors(findings) ? 1 : 0;
 */
export async function runDoctor(
  config: BridgeConfig,
  clients: DoctorClients,
  options: RunDoctorOptions = {},
): Promise<Finding[]> {
  const call = options.call ?? (<T>(request: () => Promise<T>) => request());
  const master = config.supplierMaster;
  const selected = (appId: string) => options.apps === undefined || options.apps.includes(appId);
  const findings: Finding[] = [];
  for (const appId of options.apps ?? []) {
    if (config.apps.some((app) => app.appId === appId) || master?.appId === appId) continue;
    if (config.orderApp?.appId === appId) continue;
    const known = [
      ...config.apps.map((app) => app.appId),
      ...(master === undefined ? [] : [`${master.appId} (supplier master)`]),
    ];
    findings.push({
      level: 'error',
      app: appId,
      message: `app ${appId} is not in the configuration`,
      fix: `Check the app id; the configuration has ${known.join(', ')}.`,
    });
  }
  for (const app of config.apps.filter((app) => selected(app.appId))) {
    findings.push(...(await checkApp(config, app, clients, call)));
  }
  if (master !== undefined && selected(master.appId)) {
    findings.push(...(await checkSupplierMaster(config, master, clients, call)));
  }
  const orderApp = config.orderApp;
  if (orderApp !== undefined && selected(orderApp.appId)) {
    findings.push(...(await checkOrderApp(config, orderApp, clients, call)));
  }
  return findings;
}

/** Field types the order app's record fields may have: what the bridge writes there. */
const ORDER_APP_FIELD_TYPES: Readonly<Record<string, readonly string[]>> = {
  text: ['SINGLE_LINE_TEXT', 'MULTI_LINE_TEXT', 'DROP_DOWN', 'RADIO_BUTTON'],
  number: ['NUMBER'],
  date: ['DATE'],
  datetime: ['DATETIME'],
};

const ORDER_APP_KINDS: Readonly<Record<keyof OrderAppConfig['fields'], string>> = {
  orderNumber: 'text',
  supplier: 'text',
  shipTo: 'text',
  lines: 'table',
  lineSku: 'text',
  lineName: 'text',
  lineQuantity: 'number',
  lineUnit: 'text',
  lineUnitPrice: 'number',
  lineAmount: 'number',
  subtotal: 'number',
  tax: 'number',
  total: 'number',
  status: 'text',
  channels: 'text',
  answer: 'text',
  orderDate: 'date',
  sentAt: 'datetime',
  answeredAt: 'datetime',
  note: 'text',
};

/**
 * Checks the order app's form (config `orderApp`): each mapped field exists with a type the
 * bridge can write (the line columns inside the lines table, the others outside), the order
 * number prohibits duplicates (a retried first write must find, not add), and with approval
 * through process management the STATUS field is there. Pure.
 */
export function checkOrderAppFields(
  orderApp: OrderAppConfig,
  properties: Readonly<Record<string, FormFieldProperty>>,
  approval: boolean,
): Finding[] {
  const findings = new FindingList(orderApp.appId, 'orderApp');
  const table = properties[orderApp.fields.lines];
  const settings = `${FORM_SETTINGS} of order app ${orderApp.appId}`;
  if (table?.type !== 'SUBTABLE') {
    findings.add(
      'error',
      `${quoted(orderApp.fields.lines)} (orderApp.fields.lines) is not a table (SUBTABLE) of the order app`,
      `In ${settings}, add a Table (テーブル) with the line columns, or set orderApp.fields.lines to its field code.`,
      orderApp.fields.lines,
    );
  }
  for (const [key, kind] of Object.entries(ORDER_APP_KINDS) as Array<
    [keyof OrderAppConfig['fields'], string]
  >) {
    const code = orderApp.fields[key];
    if (code === undefined || kind === 'table') continue;
    const inLine = key.startsWith('line');
    const property = inLine ? table?.fields?.[code] : properties[code];
    const accept = ORDER_APP_FIELD_TYPES[kind] ?? [];
    if (property === undefined) {
      findings.add(
        'error',
        `${quoted(code)} (orderApp.fields.${key}) is not a field of the order app${inLine ? `'s table ${quoted(orderApp.fields.lines)}` : ''}`,
        `In ${settings}, add the field${inLine ? ' to the lines table' : ''} or correct orderApp.fields.${key}.`,
        code,
      );
    } else if (!accept.includes(property.type)) {
      findings.add(
        'error',
        `${quoted(code)} (orderApp.fields.${key}) is a ${property.type} field; the bridge writes ${kind} values there`,
        `Use a field of type ${accept.join(' / ')}.`,
        code,
      );
    } else {
      findings.ok(`${quoted(code)} (orderApp.fields.${key}) is a ${property.type} field`, code);
    }
  }
  const orderNumber = properties[orderApp.fields.orderNumber];
  if (orderNumber !== undefined && orderNumber.unique !== true) {
    findings.add(
      'warning',
      `${quoted(orderApp.fields.orderNumber)} (orderApp.fields.orderNumber) does not prohibit duplicate values`,
      `In ${settings}, tick "Prohibit duplicate values" (値の重複を禁止する): the bridge finds an order's record by its number, and kintone then refuses a second record for one order.`,
      orderApp.fields.orderNumber,
    );
  }
  if (approval) {
    const status = orderApp.approval.statusField;
    if (properties[status]?.type !== 'STATUS') {
      findings.add(
        'error',
        `the order app has no process management status ${quoted(status)} (orderApp.approval.statusField)`,
        `Turn on process management (プロセス管理) in the order app's settings with the statuses ${[...orderApp.approval.approved, ...orderApp.approval.rejected].join(', ')}, add a webhook for "ステータスの更新" to the bridge's URL with orderApp.webhookTokens, and update the app.`,
        status,
      );
    } else {
      findings.ok(`the order app has process management (${quoted(status)})`, status);
    }
    const reason = orderApp.approval.reasonField;
    if (reason !== undefined && properties[reason] === undefined) {
      findings.add(
        'warning',
        `${quoted(reason)} (orderApp.approval.reasonField) is not a field of the order app`,
        'Add a text field for the rejection reason, or remove reasonField.',
        reason,
      );
    }
    if (orderApp.webhookTokens.length === 0) {
      findings.add(
        'error',
        "orderApp.webhookTokens is empty: the bridge refuses the order app's status webhook",
        "Set the token of the order app's webhook URL in orderApp.webhookTokens.",
      );
    }
  }
  return findings.items;
}

/** The order app: its form, and one record read (the bridge adds and updates its records). */
async function checkOrderApp(
  config: BridgeConfig,
  orderApp: OrderAppConfig,
  clients: DoctorClients,
  call: Call,
): Promise<Finding[]> {
  const subject: Subject = {
    appId: orderApp.appId,
    apiToken: orderApp.apiToken,
    tokenPath: 'orderApp.apiToken',
    name: `order app ${orderApp.appId}`,
    permissions:
      '"View records" (レコード閲覧), "Add records" (レコード追加) and "Edit records" (レコード編集)',
    appIdKey: 'orderApp.appId',
    target: 'orderApp',
  };
  const findings = new FindingList(orderApp.appId, 'orderApp');
  const opened = await openForm(subject, clients, call, findings);
  if (opened === undefined) return findings.items;
  findings.items.push(
    ...checkOrderAppFields(orderApp, opened.properties, config.approval !== undefined),
  );
  await checkViewRecords(subject, opened.client, ['$id'], call, findings);
  return findings.items;
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((finding) => finding.level === 'error');
}

const LEVEL_MARKS: Record<FindingLevel, string> = {
  ok: 'ok     ',
  warning: 'WARNING',
  error: 'ERROR  ',
};

/**
 * The findings as text, grouped by app (the supplier master under its own heading), errors
 * first, each problem followed by its fix.
 *
 * @example
 * formatFindings(findings, config);
 * // app 12 (在庫管理)
 * //   ERROR   "在庫" (fields.onHand): the app has no field with this code
 * //           fix: Copy the field code from ...
 * //
 * // supplier master app 13
 * //   ok      "仕入先コード" (supplierMaster.fields.code) is SINGLE_LINE_TEXT
 */
export function formatFindings(findings: readonly Finding[], config: BridgeConfig): string {
  const order: FindingLevel[] = ['error', 'warning', 'ok'];
  const groupOf = (finding: Finding) => `${finding.target ?? 'app'} ${finding.app}`;
  const lines: string[] = [];
  for (const group of new Set(findings.map(groupOf))) {
    const ofGroup = findings
      .filter((finding) => groupOf(finding) === group)
      .sort((a, b) => order.indexOf(a.level) - order.indexOf(b.level));
    const first = ofGroup[0];
    if (first === undefined) continue;
    if (first.target === 'supplierMaster') {
      lines.push(`supplier master app ${first.app}`);
    } else if (first.target === 'orderApp') {
      lines.push(`order app ${first.app} (発注管理)`);
    } else {
      const name = config.apps.find((app) => app.appId === first.app)?.name;
      lines.push(name === undefined ? `app ${first.app}` : `app ${first.app} (${name})`);
    }
    for (const finding of ofGroup) {
      lines.push(`  ${LEVEL_MARKS[finding.level]} ${finding.message}`);
      if (finding.fix !== '') lines.push(`          fix: ${finding.fix}`);
    }
    lines.push('');
  }
  const count = (level: FindingLevel) => findings.filter((f) => f.level === level).length;
  lines.push(`${count('error')} error(s), ${count('warning')} warning(s), ${count('ok')} ok`);
  return `${lines.join('\n')}\n`;
}
