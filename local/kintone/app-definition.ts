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

/** A kintone field type the local emulator understands. */
export type FieldType = (typeof WRITABLE_FIELD_TYPES)[number] | (typeof SYSTEM_FIELD_TYPES)[number];

/** The subset of field types a record write may set. */
export type WritableFieldType = (typeof WRITABLE_FIELD_TYPES)[number];

/** One field of a local app, keyed by its field code in {@link LocalAppDefinition.fields}. */
export interface LocalFieldDefinition {
  type: FieldType;
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
  /** Value given to a new record that does not set the field. */
  defaultValue?: string;
}

/**
 * Computes a record's title from its field values (field code to stored string), e.g.
 * `(v) => \`${v['品番']} ${v['品名']}\``.
 */
export type RecordTitleFunction = (values: Readonly<Record<string, string>>) => string;

/** An app served by the local kintone. */
export interface LocalAppDefinition {
  /** kintone app id, digits as a string (`"12"`). */
  appId: string;
  name: string;
  /** Field code to definition, in the order records list them. */
  fields: Record<string, LocalFieldDefinition>;
  /** Records created at first start (field code to value); ids are given from 1 in order. */
  seed?: Array<Record<string, string>>;
  /** Field whose value is the notification's `recordTitle`, as kintone's title setting. */
  recordTitleField?: string;
  /**
   * Overrides {@link recordTitleField}: a function of the values, or a template where
   * `{code}` is replaced by that field's value (`'{品番} {品名}'`).
   */
  recordTitle?: string | RecordTitleFunction;
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

/**
 * Checks a definition once at start-up, so a typo in a seed or title field fails loudly
 * instead of surfacing later as an empty value.
 */
export function assertValidAppDefinition(app: LocalAppDefinition): void {
  const problems: string[] = [];
  if (!/^\d+$/.test(app.appId)) problems.push(`appId "${app.appId}" must be digits`);
  for (const [code, field] of Object.entries(app.fields)) {
    const needsOptions = field.type === 'DROP_DOWN' || field.type === 'RADIO_BUTTON';
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
  }
  if (app.recordTitleField !== undefined && !(app.recordTitleField in app.fields)) {
    problems.push(`recordTitleField "${app.recordTitleField}" is not a field`);
  }
  if (typeof app.recordTitle === 'string') {
    for (const [, code] of app.recordTitle.matchAll(/\{([^{}]+)\}/g)) {
      if (code !== undefined && !(code in app.fields)) {
        problems.push(`recordTitle refers to unknown field "${code}"`);
      }
    }
  }
  (app.seed ?? []).forEach((row, index) => {
    for (const code of Object.keys(row)) {
      const field = app.fields[code];
      if (field === undefined) problems.push(`seed[${index}] sets unknown field "${code}"`);
      else if (!isWritableFieldType(field.type)) {
        problems.push(`seed[${index}] sets system field "${code}" (${field.type})`);
      }
    }
  });
  if (problems.length > 0) {
    throw new Error(
      `Local kintone app ${app.appId} (${app.name}) is invalid: ${problems.join('; ')}.`,
    );
  }
}
