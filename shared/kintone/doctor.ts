import type { AppConfig, BridgeConfig, FieldMap } from '../config/schema';
import { DELIVERY_STATUS_LABELS } from '../delivery/record-delivery';
import { channelFromLabel } from '../domain/channels';

/**
 * The config doctor: checks an app's configuration against the live app's form (kintone's
 * form-fields API) and its API token's permissions, and says what to fix. It makes three
 * kintone calls per app (form fields, one record, an update probe), one when the form cannot
 * be read. The kintone client is handed in, so this module stays free of HTTP.
 */

export type FindingLevel = 'error' | 'warning' | 'ok';

/** One result of the doctor. `fix` is empty for `ok` findings. */
export interface Finding {
  level: FindingLevel;
  /** kintone app id. */
  app: string;
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
    getRecords(params: { app: string; query: string; fields: string[] }): Promise<unknown>;
    updateRecord(params: {
      app: string;
      id: string;
      record: Record<string, never>;
    }): Promise<unknown>;
  };
}

/** Builds the client of one app; throws (e.g. a ConfigError) when its API token is not set. */
export type DoctorClients = (app: AppConfig) => DoctorKintoneClient | Promise<DoctorKintoneClient>;

export interface RunDoctorOptions {
  /** Only these app ids; every configured app when omitted. */
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
] as const satisfies readonly (keyof FieldMap)[];

const TEXT_KEYS = [
  'sku',
  'name',
  'unit',
  'supplierCode',
  'supplierName',
  'supplierFax',
  'supplierChannel',
] as const satisfies readonly (keyof FieldMap)[];

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
  return { find: (code) => located.get(code), lookupCopies, properties };
}

function describeTokenSource(app: AppConfig): string {
  return typeof app.apiToken === 'string'
    ? 'the apiToken of the app in the config'
    : `the environment variable ${app.apiToken.env}`;
}

function quoted(code: string): string {
  return `"${code}"`;
}

/** Collects findings for one app, each with the app id filled in. */
class FindingList {
  readonly items: Finding[] = [];

  constructor(private readonly appId: string) {}

  add(level: FindingLevel, message: string, fix: string, field?: string): void {
    this.items.push({
      level,
      app: this.appId,
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
  /** The bridge writes this field. */
  writes: boolean;
}

/**
 * Checks one mapped field: that it exists, can be written if the bridge writes it, and has a
 * usable type. Returns the field when it may be checked further (options).
 */
function checkField(
  form: AppForm,
  rule: FieldRule,
  findings: FindingList,
): FormFieldProperty | undefined {
  const { key, code } = rule;
  const found = form.find(code);
  const name = `${quoted(code)} (${key})`;
  if (found === undefined) {
    const sameLabel = Object.values(form.properties).find((property) => property.label === code);
    findings.add(
      'error',
      `${name}: the app has no field with this code`,
      sameLabel === undefined
        ? `Copy the field code from ${FORM_SETTINGS} > the field's settings > Field code (codes are case-sensitive and differ from labels), and set it as ${key}.`
        : `A field is labelled ${quoted(code)}, but its field code is ${quoted(sameLabel.code)}: set ${key} to ${quoted(sameLabel.code)}, or change the field code in ${FORM_SETTINGS}.`,
      code,
    );
    return undefined;
  }
  const { property, table } = found;
  if (table !== undefined) {
    findings.add(
      'warning',
      `${name} is a field of the table ${quoted(table)}: the bridge reads and writes it only where the app's items are table rows; otherwise it finds no value`,
      `Map ${key} to a field outside the table unless each table row is an item.`,
      code,
    );
  }
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
      `${name} is ${type}; the bridge needs ${rule.expected}`,
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
  findings.ok(`${name} is ${type}`, code);
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
  ];
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

/**
 * Checks an app's field mapping against its form: every mapped field exists and has a type
 * the bridge can read or write, and the status field offers every status value. Pure.
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
  const { fields, writeBack } = app;
  const read = (key: keyof FieldMap, rule: Omit<FieldRule, 'key' | 'code' | 'writes'>) => {
    const code = fields[key];
    return code === undefined
      ? undefined
      : checkField(form, { ...rule, key: `fields.${key}`, code, writes: false }, findings);
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
    const options = property && optionsOf(property);
    if (key === 'supplierChannel' && options !== undefined) {
      const labels = app.channelLabels;
      for (const option of options) {
        if (channelFromLabel(option, labels) !== undefined) continue;
        findings.add(
          'warning',
          `option ${quoted(option)} of ${quoted(fields.supplierChannel ?? '')} (fields.supplierChannel) is none of channelLabels: records with it become "${app.statuses.needsAttention}"`,
          `Add ${quoted(option)} to channelLabels.email, .fax or .both in the config, or rename the option.`,
          fields.supplierChannel,
        );
      }
    }
  }
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

  const byCode = new Map<string, string[]>();
  for (const [key, code] of Object.entries(writeBack)) {
    if (code !== undefined) byCode.set(code, [...(byCode.get(code) ?? []), `writeBack.${key}`]);
  }
  for (const [code, keys] of byCode) {
    if (keys.length < 2) continue;
    findings.add(
      'error',
      `${quoted(code)} is mapped as ${keys.join(' and ')}: each write overwrites the other`,
      `Give each of ${keys.join(', ')} its own field.`,
      code,
    );
  }
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
  app: AppConfig,
  error: unknown,
  what: string,
  permission: string,
  findings: FindingList,
): void {
  const failure = failureOf(error);
  const detail = describeFailure(failure);
  const tokenFix = `In kintone open app ${app.appId}, ${TOKEN_SETTINGS}: generate a token with "View records" (レコード閲覧) and "Edit records" (レコード編集), click Save and then Update App (a token works only after the app is updated), and put it in ${describeTokenSource(app)}.`;
  if (
    failure.code === 'GAIA_IA02' ||
    failure.code === 'CB_WA01' ||
    failure.code === 'CB_AU01' ||
    failure.status === 401
  ) {
    findings.add(
      'error',
      `kintone does not accept the API token of app ${app.appId} (${detail})`,
      tokenFix,
    );
  } else if (failure.code === 'GAIA_AP01') {
    findings.add(
      'error',
      `app ${app.appId} does not exist at this kintone (${detail})`,
      `Check appId (the number after /k/ in the app's URL) and the kintone base URL.`,
    );
  } else if (failure.code === 'CB_NO02' || failure.status === 403) {
    findings.add(
      'error',
      `the API token of app ${app.appId} may not ${what} (${detail})`,
      `In ${TOKEN_SETTINGS} of app ${app.appId}, tick "${permission}" for the token, click Save and then Update App.`,
    );
  } else {
    findings.add(
      'error',
      `could not ${what} in app ${app.appId}: ${detail}`,
      'Check the kintone base URL and the network; if kintone is in maintenance (503), run the doctor again later.',
    );
  }
}

async function checkApp(
  config: BridgeConfig,
  app: AppConfig,
  clients: DoctorClients,
  call: <T>(request: () => Promise<T>) => Promise<T>,
): Promise<Finding[]> {
  const findings = new FindingList(app.appId);
  let client: DoctorKintoneClient;
  try {
    client = await clients(app);
  } catch (error) {
    findings.add(
      'error',
      `no API token for app ${app.appId}: ${failureOf(error).message}`,
      `Set ${describeTokenSource(app)} to the app's API token (${TOKEN_SETTINGS}), or run with --local against the local kintone of npm start.`,
    );
    return findings.items;
  }

  let properties: Readonly<Record<string, FormFieldProperty>>;
  try {
    ({ properties } = await call(() => client.app.getFormFields({ app: app.appId })));
  } catch (error) {
    accessFinding(app, error, "read the app's form", 'View records (レコード閲覧)', findings);
    return findings.items;
  }
  findings.ok(`the API token can read the form of app ${app.appId}`);
  findings.items.push(...checkAppFields(config, app, properties));

  try {
    await call(() =>
      client.record.getRecords({ app: app.appId, query: 'limit 1', fields: ['$id'] }),
    );
    findings.ok(`the API token can view records of app ${app.appId}`);
  } catch (error) {
    accessFinding(app, error, 'view records', 'View records (レコード閲覧)', findings);
  }

  // Edit permission without editing anything: an update of a record that does not exist.
  // kintone checks the token's permission on the app before it looks the record up, so it
  // answers 404 GAIA_RE01 when the token may edit and 403 CB_NO02 when it may not; the empty
  // update changes nothing and fires no webhook either way.
  try {
    await call(() =>
      client.record.updateRecord({ app: app.appId, id: PROBE_RECORD_ID, record: {} }),
    );
    findings.ok(`the API token can edit records of app ${app.appId}`);
  } catch (error) {
    const failure = failureOf(error);
    if (failure.code === 'GAIA_RE01') {
      findings.ok(`the API token can edit records of app ${app.appId}`);
    } else if (failure.code === 'CB_NO02' || failure.status === 403) {
      accessFinding(app, error, 'edit records', 'Edit records (レコード編集)', findings);
    } else {
      findings.add(
        'warning',
        `could not confirm that the API token of app ${app.appId} may edit records (${describeFailure(failure)})`,
        `Check in ${TOKEN_SETTINGS} of app ${app.appId} that "Edit records" (レコード編集) is ticked for the token.`,
      );
    }
  }
  return findings.items;
}

/**
 * Checks each configured app against kintone: the form (every mapped field exists and has a
 * usable type, write-back fields are writable, status values are options) and the API token
 * (it can read the form, view records and edit records).
 *
 * @example
 * const findings = await runDoctor(config, (app) => createKintoneClient(baseUrl, tokenOf(app)), {
 *   call: (request) => withKintoneRetry(request, { attempts: 3 }),
 * });
 * process.stdout.write(formatFindings(findings, config));
 * process.exitCode = hasErrors(findings) ? 1 : 0;
 */
export async function runDoctor(
  config: BridgeConfig,
  clients: DoctorClients,
  options: RunDoctorOptions = {},
): Promise<Finding[]> {
  const call = options.call ?? (<T>(request: () => Promise<T>) => request());
  const findings: Finding[] = [];
  for (const appId of options.apps ?? []) {
    if (config.apps.some((app) => app.appId === appId)) continue;
    findings.push({
      level: 'error',
      app: appId,
      message: `app ${appId} is not in the configuration`,
      fix: `Check the app id; the configuration has ${config.apps.map((app) => app.appId).join(', ')}.`,
    });
  }
  const apps = config.apps.filter(
    (app) => options.apps === undefined || options.apps.includes(app.appId),
  );
  for (const app of apps) findings.push(...(await checkApp(config, app, clients, call)));
  return findings;
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
 * The findings as text, grouped by app, errors first, each problem followed by its fix.
 *
 * @example
 * formatFindings(findings, config);
 * // app 12 (在庫管理)
 * //   ERROR   "在庫" (fields.onHand): the app has no field with this code
 * //           fix: Copy the field code from ...
 */
export function formatFindings(findings: readonly Finding[], config: BridgeConfig): string {
  const order: FindingLevel[] = ['error', 'warning', 'ok'];
  const lines: string[] = [];
  const appIds = [...new Set(findings.map((finding) => finding.app))];
  for (const appId of appIds) {
    const name = config.apps.find((app) => app.appId === appId)?.name;
    lines.push(name === undefined ? `app ${appId}` : `app ${appId} (${name})`);
    const ofApp = findings
      .filter((finding) => finding.app === appId)
      .sort((a, b) => order.indexOf(a.level) - order.indexOf(b.level));
    for (const finding of ofApp) {
      lines.push(`  ${LEVEL_MARKS[finding.level]} ${finding.message}`);
      if (finding.fix !== '') lines.push(`          fix: ${finding.fix}`);
    }
    lines.push('');
  }
  const count = (level: FindingLevel) => findings.filter((f) => f.level === level).length;
  lines.push(`${count('error')} error(s), ${count('warning')} warning(s), ${count('ok')} ok`);
  return `${lines.join('\n')}\n`;
}
