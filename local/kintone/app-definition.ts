/**
 * How a local kintone app is described: its fields, seed data and record title. These
 * types are the emulator's configuration surface; nothing here touches HTTP or disk.
 */

/** Field types whose value the REST API may write (all stored as strings). */
export const WRITABLE_FIELD_TYPES = [
  'SINGLE_LINE_TEXT',
  'MULTI_LINE_TEXT',
  'RICH_TEXT',
  'NUMBER',
  'LINK',
  'DATE',
  'DATETIME',
  'TIME',
  'DROP_DOWN',
  'RADIO_BUTTON',
] as const;

/**
 * Field types kintone maintains itself. They appear in records when the app defines them
 * (as the fixtures' app does) but a record write may not set them.
 */
export const SYSTEM_FIELD_TYPES = [
  'RECORD_NUMBER',
  'CREATOR',
  'CREATED_TIME',
  'MODIFIER',
  'UPDATED_TIME',
  'STATUS',
  'STATUS_ASSIGNEE',
  'CATEGORY',
] as const;

/** A field type holding one value (a string, a user, a list): every type but SUBTABLE. */
export type ScalarFieldType =
  (typeof WRITABLE_FIELD_TYPES)[number] | (typeof SYSTEM_FIELD_TYPES)[number];

/** A kintone field type the local emulator understands. */
export type FieldType = ScalarFieldType | 'SUBTABLE';

/** The subset of field types a record write may set. */
export type WritableFieldType = (typeof WRITABLE_FIELD_TYPES)[number];

/** One field of a local app, keyed by its field code in {@link LocalAppDefinition.fields}. */
export interface LocalFieldDefinition {
  type: ScalarFieldType;
  label: string;
  /**
   * Choices of a DROP_DOWN or RADIO_BUTTON field; for STATUS the process-management
   * states, the first being the state of a new record.
   */
  options?: string[];
  /** Adding a record without a value (or with `""`) fails with CB_VA01, as in kintone. */
  required?: boolean;
  /** "Prohibit duplicate values": needed for a field to serve as `updateKey`. */
  unique?: boolean;
  /** Value given to a new record (or a new table row) that does not set the field. */
  defaultValue?: string;
}

/**
 * A table (kintone's SUBTABLE field): an ordered list of rows, each holding the values of
 * {@link fields}. As in kintone, the codes of those fields are unique across the whole app,
 * they must be writable types, and none may prohibit duplicate values.
 *
 * @example
 * ```ts
 * const stockRows: LocalSubtableDefinition = {
 *   type: 'SUBTABLE',
 *   label: '在庫明細',
 *   fields: {
 *     明細_品番: { type: 'SINGLE_LINE_TEXT', label: '品番' },
 *     明細_在庫数: { type: 'NUMBER', label: '在庫数' },
 *   },
 * };
 * ```
 */
export interface LocalSubtableDefinition {
  type: 'SUBTABLE';
  label: string;
  /** Field code to definition of the fields of each row, in the order rows list them. */
  fields: Record<string, LocalFieldDefinition>;
}

/** Any field of a local app: a single-value field or a table. */
export type LocalAppField = LocalFieldDefinition | LocalSubtableDefinition;

/** One table row of a seed record: field code (of the table's fields) to value. */
export type LocalSeedRow = Readonly<Record<string, string>>;

/** The values of one seed record: a string per field, a list of rows per table. */
export type LocalSeedRecord = Readonly<Record<string, string | readonly LocalSeedRow[]>>;

/**
 * Computes a record's title from its field values (field code to stored string), e.g.
 * `(v) => \`${v['品番']} ${v['品名']}\``.
 */
export type RecordTitleFunction = (values: Readonly<Record<string, string>>) => string;

/**
 * An app served by the local kintone. `TSeed` narrows the seed's type for apps without
 * tables, so code reading their seed gets plain strings.
 */
export interface LocalAppDefinition<TSeed extends LocalSeedRecord = LocalSeedRecord> {
  /** kintone app id, digits as a string (`"12"`). */
  appId: string;
  name: string;
  /** Field code to definition, in the order records list them. */
  fields: Record<string, LocalAppField>;
  /**
   * Records created at first start (field code to value, a table as a list of rows); ids
   * are given from 1 in order.
   */
  seed?: TSeed[];
  /** Field whose value is the notification's `recordTitle`, as kintone's title setting. */
  recordTitleField?: string;
  /**
   * Overrides {@link recordTitleField}: a function of the values, or a template where
   * `{code}` is replaced by that field's value (`'{品番} {品名}'`).
   */
  recordTitle?: string | RecordTitleFunction;
  /**
   * Fields the staff view's list of records shows as columns (kintone's 一覧 setting), in
   * order; by default the app's first few fields after kintone's own.
   */
  listFields?: readonly string[];
  /**
   * Process management: the actions `PUT record/status.json` performs, each from one status
   * of the app's STATUS field to another (the STATUS field's first option is a new record's).
   */
  process?: { actions: ReadonlyArray<{ name: string; from: string; to: string }> };
}

/** True for a table (SUBTABLE) field. */
export function isSubtable(field: LocalAppField): field is LocalSubtableDefinition {
  return field.type === 'SUBTABLE';
}

/**
 * The table holding a field code that is not a field of the app itself, with the field's
 * definition; undefined when no table has it.
 */
export function findTableOf(
  fields: Readonly<Record<string, LocalAppField>>,
  code: string,
): { table: string; field: LocalFieldDefinition } | undefined {
  for (const [table, definition] of Object.entries(fields)) {
    const field = isSubtable(definition) ? definition.fields[code] : undefined;
    if (field !== undefined) return { table, field };
  }
  return undefined;
}

/** True when a record write may set a field of this type. */
export function isWritableFieldType(type: FieldType): type is WritableFieldType {
  return (WRITABLE_FIELD_TYPES as readonly FieldType[]).includes(type);
}

/** Computes `recordTitle` for a webhook, following the app's title setting. */
export function recordTitleOf(
  app: LocalAppDefinition,
  values: Readonly<Record<string, string>>,
): string {
  const { recordTitle, recordTitleField } = app;
  if (typeof recordTitle === 'function') return recordTitle(values);
  if (typeof recordTitle === 'string') {
    return recordTitle.replace(/\{([^{}]+)\}/g, (_whole, code: string) => values[code] ?? '');
  }
  return recordTitleField === undefined ? '' : (values[recordTitleField] ?? '');
}

function optionProblems(code: string, field: LocalFieldDefinition): string[] {
  const needsOptions = field.type === 'DROP_DOWN' || field.type === 'RADIO_BUTTON';
  const problems: string[] = [];
  if (needsOptions && (field.options === undefined || field.options.length === 0)) {
    problems.push(`field "${code}" (${field.type}) needs options`);
  }
  if (
    field.defaultValue !== undefined &&
    needsOptions &&
    field.defaultValue !== '' &&
    !(field.options ?? []).includes(field.defaultValue)
  ) {
    problems.push(`field "${code}" defaultValue "${field.defaultValue}" is not an option`);
  }
  return problems;
}

/** What kintone would refuse in a table: shared codes, types a row cannot hold, a duplicate ban. */
function subtableProblems(
  table: string,
  subtable: LocalSubtableDefinition,
  topLevel: Readonly<Record<string, LocalAppField>>,
  seenInTables: Map<string, string>,
): string[] {
  const problems: string[] = [];
  const entries = Object.entries(subtable.fields ?? {});
  if (entries.length === 0) problems.push(`table "${table}" needs at least one field`);
  for (const [code, field] of entries) {
    const where = `field "${code}" of table "${table}"`;
    if (code in topLevel) problems.push(`${where} has the code of a field of the app`);
    const other = seenInTables.get(code);
    if (other !== undefined) problems.push(`${where} has the code of a field of table "${other}"`);
    seenInTables.set(code, table);
    if (!isWritableFieldType(field.type)) {
      problems.push(`${where} is ${field.type}: a table holds only writable field types`);
    }
    // kintone offers "prohibit duplicate values" only outside tables.
    if (field.unique) problems.push(`${where} cannot be unique`);
    problems.push(...optionProblems(`${table}.${code}`, field));
  }
  return problems;
}

function seedProblems(app: LocalAppDefinition): string[] {
  const problems: string[] = [];
  (app.seed ?? []).forEach((record, index) => {
    for (const [code, value] of Object.entries(record)) {
      const field = app.fields[code];
      if (field === undefined) {
        problems.push(`seed[${index}] sets unknown field "${code}"`);
      } else if (isSubtable(field)) {
        if (typeof value === 'string') {
          problems.push(`seed[${index}] sets table "${code}" to a string, not a list of rows`);
          continue;
        }
        value.forEach((row, rowIndex) => {
          for (const rowCode of Object.keys(row)) {
            if (!(rowCode in field.fields)) {
              problems.push(`seed[${index}].${code}[${rowIndex}] sets unknown field "${rowCode}"`);
            }
          }
        });
      } else if (!isWritableFieldType(field.type)) {
        problems.push(`seed[${index}] sets system field "${code}" (${field.type})`);
      } else if (typeof value !== 'string') {
        problems.push(`seed[${index}] sets field "${code}" to a list, but it is not a table`);
      }
    }
  });
  return problems;
}

function titleProblems(app: LocalAppDefinition): string[] {
  // kintone's record title is a field of the record itself, never a table or a field in one.
  const whyUnusable = (code: string): string | undefined => {
    const field = app.fields[code];
    if (field !== undefined) return isSubtable(field) ? 'is a table' : undefined;
    const holder = findTableOf(app.fields, code);
    return holder === undefined ? 'is not a field' : `is inside table "${holder.table}"`;
  };
  const problems: string[] = [];
  if (app.recordTitleField !== undefined) {
    const why = whyUnusable(app.recordTitleField);
    if (why !== undefined) problems.push(`recordTitleField "${app.recordTitleField}" ${why}`);
  }
  if (typeof app.recordTitle === 'string') {
    for (const [, code] of app.recordTitle.matchAll(/\{([^{}]+)\}/g)) {
      const why = code === undefined ? undefined : whyUnusable(code);
      if (why !== undefined) problems.push(`recordTitle refers to "${code}", which ${why}`);
    }
  }
  return problems;
}

/**
 * Checks a definition once at start-up, so a typo in a seed or title field fails loudly
 * instead of surfacing later as an empty value. Tables are checked as kintone's form
 * settings would: field codes unique across the app, only writable types in rows.
 */
export function assertValidAppDefinition(app: LocalAppDefinition): void {
  const problems: string[] = [];
  if (!/^\d+$/.test(app.appId)) problems.push(`appId "${app.appId}" must be digits`);
  const seenInTables = new Map<string, string>();
  for (const [code, field] of Object.entries(app.fields)) {
    if (isSubtable(field)) {
      problems.push(...subtableProblems(code, field, app.fields, seenInTables));
    } else {
      problems.push(...optionProblems(code, field));
    }
  }
  for (const code of app.listFields ?? []) {
    if (!(code in app.fields)) problems.push(`listFields names "${code}", which is not a field`);
  }
  problems.push(...titleProblems(app), ...seedProblems(app));
  if (problems.length > 0) {
    throw new Error(
      `Local kintone app ${app.appId} (${app.name}) is invalid: ${problems.join('; ')}.`,
    );
  }
}
