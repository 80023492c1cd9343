import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import {
  isWritableFieldType,
  type LocalAppDefinition,
  type LocalFieldDefinition,
} from './app-definition';
import {
  invalidParameter,
  recordNotFound,
  revisionConflict,
  validationError,
  type KintoneFieldErrors,
} from './kintone-errors';

/** A kintone user reference as records and comments show it. */
export interface KintoneUser {
  code: string;
  name: string;
}

/** Who kintone names as author of anything written with an API token. */
export const API_TOKEN_USER: KintoneUser = { code: 'Administrator', name: 'Administrator' };

/** kintone's largest number of records one DELETE records.json may name. */
export const DELETE_RECORDS_LIMIT = 100;

/** One field of a record in kintone's JSON shape. */
export interface RecordFieldJson {
  type: string;
  value: string | KintoneUser | KintoneUser[] | string[];
}

/** A record in the shape GET record.json returns and webhooks carry. */
export type RecordJson = Record<string, RecordFieldJson>;

/** Values sent for one field in a write: `{ value }`. */
export type RecordWriteInput = Record<string, { value?: unknown }>;

/** What to do with a write naming a field code the app does not have. */
export type UnknownFieldPolicy = 'reject' | 'ignore';

const userSchema = z.object({ code: z.string(), name: z.string() });

const storedCommentSchema = z.object({
  id: z.number().int().positive(),
  text: z.string(),
  createdAt: z.string(),
  creator: userSchema,
});

const storedRecordSchema = z.object({
  id: z.number().int().positive(),
  revision: z.number().int().positive(),
  createdAt: z.string(),
  updatedAt: z.string(),
  creator: userSchema,
  modifier: userSchema,
  values: z.record(z.string(), z.string()),
  nextCommentId: z.number().int().positive(),
  comments: z.array(storedCommentSchema),
});

const dataFileSchema = z.object({
  format: z.literal(1),
  apps: z.record(
    z.string(),
    z.object({ nextRecordId: z.number().int().positive(), records: z.array(storedRecordSchema) }),
  ),
});

/** A record as the local kintone keeps it. */
export type StoredRecord = z.infer<typeof storedRecordSchema>;
/** A comment as the local kintone keeps it. */
export type StoredComment = z.infer<typeof storedCommentSchema>;

interface AppState {
  definition: LocalAppDefinition;
  nextRecordId: number;
  records: Map<number, StoredRecord>;
}

/** Identifies the record of an update: by id, or by a unique field's value. */
export type RecordTarget = { id: number } | { updateKey: { field: string; value: string } };

/**
 * kintone keeps record timestamps to the minute (the fixtures' `...:00Z`); ISO without
 * milliseconds.
 */
export function recordTimestamp(date: Date): string {
  const minute = new Date(date.getTime());
  minute.setUTCSeconds(0, 0);
  return minute.toISOString().replace('.000Z', 'Z');
}

/** Comment and deletion times keep their seconds (`2026-12-02T09:38:09Z`). */
export function secondTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function normalizeDateTime(text: string): string | undefined {
  const match = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  const time = match === null ? NaN : Date.parse(text);
  return Number.isNaN(time) ? undefined : recordTimestamp(new Date(time));
}

function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

/** Returns the stored form of a value, or a message saying why kintone would refuse it. */
function convertValue(
  field: LocalFieldDefinition,
  raw: unknown,
): { ok: true; value: string } | { ok: false; message: string } {
  let text: string;
  if (raw === undefined || raw === null) text = '';
  else if (typeof raw === 'string') text = raw;
  else if (typeof raw === 'number' && Number.isFinite(raw)) text = String(raw);
  else return { ok: false, message: 'The value must be a string.' };

  switch (field.type) {
    case 'DROP_DOWN':
    case 'RADIO_BUTTON':
      if (text === '' && field.type === 'DROP_DOWN') return { ok: true, value: text };
      return (field.options ?? []).includes(text)
        ? { ok: true, value: text }
        : {
            ok: false,
            message: `The value, "${text}", is not in options (${(field.options ?? []).join(', ')}).`,
          };
    case 'DATE':
      return text === '' || isCalendarDate(text)
        ? { ok: true, value: text }
        : { ok: false, message: 'Incorrect date format (YYYY-MM-DD).' };
    case 'DATETIME': {
      if (text === '') return { ok: true, value: text };
      const normalized = normalizeDateTime(text);
      return normalized === undefined
        ? { ok: false, message: 'Incorrect date-time format (ISO 8601 with Z or an offset).' }
        : { ok: true, value: normalized };
    }
    case 'TIME': {
      const match = /^([01]\d|2[0-3]):([0-5]\d)(:[0-5]\d)?$/.exec(text);
      if (text === '') return { ok: true, value: text };
      return match === null
        ? { ok: false, message: 'Incorrect time format (HH:MM).' }
        : { ok: true, value: `${match[1]}:${match[2]}` };
    }
    default:
      // NUMBER deliberately accepts any string: the product must be testable with stock
      // values kintone itself would refuse (see README limitation in local-kintone.ts).
      return { ok: true, value: text };
  }
}

/** In-memory records of every local app, optionally mirrored to a JSON file. */
export class LocalRecordStore {
  private readonly apps = new Map<string, AppState>();

  constructor(
    definitions: readonly LocalAppDefinition[],
    private readonly options: {
      dataFile?: string;
      now: () => Date;
      unknownFieldCodes: UnknownFieldPolicy;
    },
  ) {
    const saved = this.readDataFile();
    for (const definition of definitions) {
      const savedApp = saved?.apps[definition.appId];
      const state: AppState = {
        definition,
        nextRecordId: savedApp?.nextRecordId ?? 1,
        records: new Map((savedApp?.records ?? []).map((record) => [record.id, record])),
      };
      this.apps.set(definition.appId, state);
      // A file written before this app existed has nothing for it: seed just that app.
      if (savedApp === undefined) {
        for (const row of definition.seed ?? []) {
          const input = Object.fromEntries(Object.entries(row).map(([k, v]) => [k, { value: v }]));
          this.insert(state, this.convertWrite(state, input, 'add'), API_TOKEN_USER);
        }
      }
    }
    this.persist();
  }

  /** The app's definition, or undefined when the local kintone has no such app. */
  definition(appId: string): LocalAppDefinition | undefined {
    return this.apps.get(appId)?.definition;
  }

  /** All records of an app, by ascending id. */
  list(appId: string): StoredRecord[] {
    return [...this.state(appId).records.values()].sort((a, b) => a.id - b.id);
  }

  /** One record; GAIA_RE01 when absent. */
  get(appId: string, id: number): StoredRecord {
    const record = this.state(appId).records.get(id);
    if (record === undefined) throw recordNotFound(String(id));
    return record;
  }

  /** POST record.json. */
  add(appId: string, input: RecordWriteInput, user: KintoneUser): StoredRecord {
    const state = this.state(appId);
    const record = this.insert(state, this.convertWrite(state, input, 'add'), user);
    this.persist();
    return record;
  }

  /** PUT record.json: applies only the given fields and bumps the revision. */
  update(
    appId: string,
    target: RecordTarget,
    input: RecordWriteInput,
    expectedRevision: number | undefined,
    user: KintoneUser,
  ): StoredRecord {
    const state = this.state(appId);
    const current = this.find(state, target);
    // kintone treats -1 (or no revision) as "skip the check".
    if (expectedRevision !== undefined && expectedRevision !== -1) {
      if (expectedRevision !== current.revision) throw revisionConflict();
    }
    if ('updateKey' in target && target.updateKey.field in input) {
      throw invalidParameter(
        `record.${target.updateKey.field}.value`,
        'The field used as updateKey cannot be updated in the same request.',
      );
    }
    const changes = this.convertWrite(state, input, 'update', current.id);
    const updated: StoredRecord = {
      ...current,
      revision: current.revision + 1,
      updatedAt: recordTimestamp(this.options.now()),
      modifier: user,
      values: { ...current.values, ...changes },
    };
    state.records.set(updated.id, updated);
    this.persist();
    return updated;
  }

  /** DELETE records.json: all or nothing, as kintone. Returns the deleted records. */
  delete(appId: string, ids: number[], revisions: number[] | undefined): StoredRecord[] {
    const state = this.state(appId);
    if (ids.length === 0 || ids.length > DELETE_RECORDS_LIMIT) {
      throw invalidParameter('ids', `Give from 1 to ${DELETE_RECORDS_LIMIT} record ids.`);
    }
    if (revisions !== undefined && revisions.length !== ids.length) {
      throw invalidParameter('revisions', 'Give one revision per id, or none.');
    }
    const doomed = ids.map((id) => this.get(appId, id));
    doomed.forEach((record, index) => {
      const expected = revisions?.[index];
      if (expected !== undefined && expected !== -1 && expected !== record.revision) {
        throw revisionConflict();
      }
    });
    for (const record of doomed) state.records.delete(record.id);
    this.persist();
    return doomed;
  }

  /** POST record/comment.json. Comments leave the record's revision unchanged, as in kintone. */
  addComment(appId: string, recordId: number, text: string, user: KintoneUser): StoredComment {
    const state = this.state(appId);
    const record = this.get(appId, recordId);
    const comment: StoredComment = {
      id: record.nextCommentId,
      text,
      createdAt: secondTimestamp(this.options.now()),
      creator: user,
    };
    state.records.set(record.id, {
      ...record,
      nextCommentId: record.nextCommentId + 1,
      comments: [...record.comments, comment],
    });
    this.persist();
    return comment;
  }

  /** Renders a record in kintone's JSON shape, optionally limited to some field codes. */
  toJson(appId: string, record: StoredRecord, only?: readonly string[]): RecordJson {
    const { fields } = this.state(appId).definition;
    const json: RecordJson = {
      $id: { type: '__ID__', value: String(record.id) },
      $revision: { type: '__REVISION__', value: String(record.revision) },
    };
    for (const [code, field] of Object.entries(fields)) {
      json[code] = { type: field.type, value: this.fieldValue(code, field, record) };
    }
    if (only === undefined || only.length === 0) return json;
    return Object.fromEntries(Object.entries(json).filter(([code]) => only.includes(code)));
  }

  private fieldValue(
    code: string,
    field: LocalFieldDefinition,
    record: StoredRecord,
  ): RecordFieldJson['value'] {
    switch (field.type) {
      case 'RECORD_NUMBER':
        return String(record.id);
      case 'CREATOR':
        return record.creator;
      case 'MODIFIER':
        return record.modifier;
      case 'CREATED_TIME':
        return record.createdAt;
      case 'UPDATED_TIME':
        return record.updatedAt;
      case 'STATUS':
        return field.options?.[0] ?? '';
      case 'STATUS_ASSIGNEE':
      case 'CATEGORY':
        return [];
      default:
        return record.values[code] ?? '';
    }
  }

  private state(appId: string): AppState {
    const state = this.apps.get(appId);
    if (state === undefined) throw new Error(`No local kintone app ${appId}.`);
    return state;
  }

  private find(state: AppState, target: RecordTarget): StoredRecord {
    if ('id' in target) return this.get(state.definition.appId, target.id);
    const { field, value } = target.updateKey;
    const definition = state.definition.fields[field];
    if (definition === undefined || !definition.unique) {
      throw invalidParameter(
        'updateKey.field',
        `The field "${field}" cannot be an updateKey: it must exist and prohibit duplicate values (unique: true).`,
      );
    }
    const record = [...state.records.values()].find((r) => r.values[field] === value);
    if (record === undefined) throw recordNotFound(`${field} = ${value}`);
    return record;
  }

  private insert(state: AppState, values: Record<string, string>, user: KintoneUser): StoredRecord {
    const now = recordTimestamp(this.options.now());
    const record: StoredRecord = {
      id: state.nextRecordId,
      revision: 1,
      createdAt: now,
      updatedAt: now,
      creator: user,
      modifier: user,
      values,
      nextCommentId: 1,
      comments: [],
    };
    state.nextRecordId += 1;
    state.records.set(record.id, record);
    return record;
  }

  /**
   * Validates a write the way kintone would (known field, writable type, options, dates,
   * required, unique) and returns the values to store. On add, unset fields get defaults.
   */
  private convertWrite(
    state: AppState,
    input: RecordWriteInput,
    mode: 'add' | 'update',
    recordId?: number,
  ): Record<string, string> {
    const { fields, appId } = state.definition;
    const errors: KintoneFieldErrors = {};
    const fail = (code: string, message: string) => {
      errors[`record.${code}.value`] = { messages: [message] };
    };
    const values: Record<string, string> = {};
    if (mode === 'add') {
      for (const [code, field] of Object.entries(fields)) {
        if (isWritableFieldType(field.type)) values[code] = field.defaultValue ?? '';
      }
    }
    for (const [code, entry] of Object.entries(input)) {
      const field = fields[code];
      if (field === undefined) {
        // Real kintone ignores unknown codes; refusing them by default surfaces typos in
        // the bridge's field mapping instead of letting a write-back vanish silently.
        if (this.options.unknownFieldCodes === 'reject') {
          fail(
            code,
            `The field (code: ${code}) not found in local app ${appId}. Real kintone ignores unknown field codes; the local kintone refuses them so mapping typos show up.`,
          );
        }
        continue;
      }
      if (!isWritableFieldType(field.type)) {
        fail(code, `The local kintone does not let a record write set ${field.type} fields.`);
        continue;
      }
      const converted = convertValue(field, entry.value);
      if (converted.ok) values[code] = converted.value;
      else fail(code, converted.message);
    }
    for (const [code, field] of Object.entries(fields)) {
      const value = values[code];
      const checked = mode === 'add' || value !== undefined;
      if (field.required && checked && (value ?? '') === '') fail(code, 'Required.');
      if (field.unique && value !== undefined && value !== '') {
        const clash = [...state.records.values()].some(
          (record) => record.id !== recordId && record.values[code] === value,
        );
        if (clash) fail(code, 'This value already exists in another record.');
      }
    }
    if (Object.keys(errors).length > 0) throw validationError(errors);
    return values;
  }

  private readDataFile(): z.infer<typeof dataFileSchema> | undefined {
    const file = this.options.dataFile;
    if (file === undefined || !existsSync(file)) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(
        `Local kintone data file ${file} is not valid JSON (${String(error)}). Delete it to start again from the seed data.`,
      );
    }
    const result = dataFileSchema.safeParse(parsed);
    if (!result.success) {
      throw new Error(
        `Local kintone data file ${file} has an unexpected shape (${result.error.issues[0]?.message ?? 'invalid'}). Delete it to start again from the seed data.`,
      );
    }
    return result.data;
  }

  /** Writes via a temporary file and rename, so a crash never leaves half a file. */
  private persist(): void {
    const file = this.options.dataFile;
    if (file === undefined) return;
    const apps: z.infer<typeof dataFileSchema>['apps'] = {};
    for (const [appId, state] of this.apps) {
      apps[appId] = {
        nextRecordId: state.nextRecordId,
        records: [...state.records.values()].sort((a, b) => a.id - b.id),
      };
    }
    mkdirSync(dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify({ format: 1, apps }, null, 2)}\n`);
    renameSync(temporary, file);
  }
}
