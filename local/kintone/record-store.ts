import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import {
  findTableOf,
  isSubtable,
  isWritableFieldType,
  type LocalAppDefinition,
  type LocalAppField,
  type LocalFieldDefinition,
  type LocalSeedRecord,
  type LocalSubtableDefinition,
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

/** A field of a table row in kintone's JSON shape. */
export interface RowFieldJson {
  type: string;
  value: string;
}

/** One row of a table as kintone returns it: `{ id: "368", value: { code: { type, value } } }`. */
export interface SubtableRowJson {
  id: string;
  value: Record<string, RowFieldJson>;
}

/** One field of a record in kintone's JSON shape. */
export interface RecordFieldJson {
  type: string;
  value: string | KintoneUser | KintoneUser[] | string[] | SubtableRowJson[];
}

/** A record in the shape GET record.json returns and webhooks carry. */
export type RecordJson = Record<string, RecordFieldJson>;

/** Values sent for one field in a write: `{ value }`. */
export type RecordWriteInput = Record<string, { value?: unknown }>;

/** What to do with a write naming a field code the app does not have. */
export type UnknownFieldPolicy = 'reject' | 'ignore';

/**
 * What a NUMBER field accepts: `'any'` string (the default, so the bridge can be tested with
 * stock values kintone itself would refuse) or only `'numeric'` text, as kintone.
 */
export type NumberValuePolicy = 'any' | 'numeric';

const userSchema = z.object({ code: z.string(), name: z.string() });

const storedCommentSchema = z.object({
  id: z.number().int().positive(),
  text: z.string(),
  createdAt: z.string(),
  creator: userSchema,
});

const storedRowSchema = z.object({
  id: z.number().int().positive(),
  values: z.record(z.string(), z.string()),
});

const storedRecordSchema = z.object({
  id: z.number().int().positive(),
  revision: z.number().int().positive(),
  createdAt: z.string(),
  updatedAt: z.string(),
  creator: userSchema,
  modifier: userSchema,
  values: z.record(z.string(), z.string()),
  /** Table code to its rows, in order. Absent in files written before tables existed. */
  tables: z.record(z.string(), z.array(storedRowSchema)).optional(),
  nextCommentId: z.number().int().positive(),
  comments: z.array(storedCommentSchema),
});

const dataFileSchema = z.object({
  format: z.literal(1),
  apps: z.record(
    z.string(),
    z.object({
      nextRecordId: z.number().int().positive(),
      /** Absent in files written before tables existed: then one past the largest row id. */
      nextRowId: z.number().int().positive().optional(),
      records: z.array(storedRecordSchema),
    }),
  ),
});

/** A record as the local kintone keeps it. */
export type StoredRecord = z.infer<typeof storedRecordSchema>;
/** A table row as the local kintone keeps it. */
export type StoredRow = z.infer<typeof storedRowSchema>;
/** A comment as the local kintone keeps it. */
export type StoredComment = z.infer<typeof storedCommentSchema>;

interface AppState {
  definition: LocalAppDefinition;
  nextRecordId: number;
  /** Row ids are unique across the app and only grow, like kintone's. */
  nextRowId: number;
  records: Map<number, StoredRecord>;
}

/** A validated table row; `id` is absent for a row that gets a new id when written. */
interface PendingRow {
  id?: number;
  values: Record<string, string>;
}

/** A validated write: the single-value fields and the tables it sets. */
interface ConvertedWrite {
  values: Record<string, string>;
  tables: Record<string, PendingRow[]>;
}

type FailFunction = (key: string, message: string) => void;

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

/**
 * A number in `'numeric'` mode: an optional sign, digits and an optional decimal part, as
 * kintone's form takes them (its exact rule, e.g. for exponents, is not documented).
 */
const NUMERIC_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** Returns the stored form of a value, or a message saying why kintone would refuse it. */
function convertValue(
  field: LocalFieldDefinition,
  raw: unknown,
  numbers: NumberValuePolicy,
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
    case 'NUMBER':
      // By default NUMBER accepts any string: the product must be testable with stock values
      // kintone itself would refuse (see the limitations in local-kintone.ts).
      return numbers === 'any' || text === '' || NUMERIC_TEXT.test(text)
        ? { ok: true, value: text }
        : { ok: false, message: 'Only numbers are allowed.' };
    default:
      return { ok: true, value: text };
  }
}

/** A seed record as the write a client would send: `{ code: { value } }`, rows as `{ value }`. */
function seedInput(seed: LocalSeedRecord): RecordWriteInput {
  const asFields = (row: Readonly<Record<string, string>>) =>
    Object.fromEntries(Object.entries(row).map(([code, value]) => [code, { value }]));
  return Object.fromEntries(
    Object.entries(seed).map(([code, value]) => [
      code,
      { value: typeof value === 'string' ? value : value.map((row) => ({ value: asFields(row) })) },
    ]),
  );
}

function largestRowId(records: Iterable<StoredRecord>): number {
  let largest = 0;
  for (const record of records) {
    for (const rows of Object.values(record.tables ?? {})) {
      for (const row of rows) largest = Math.max(largest, row.id);
    }
  }
  return largest;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** In-memory records of every local app, optionally mirrored to a JSON file. */
export class LocalRecordStore {
  private readonly apps = new Map<string, AppState>();
  /** Open {@link batch} calls: writes inside them persist once, at the end of the outermost. */
  private deferred = 0;
  private dirty = false;

  constructor(
    definitions: readonly LocalAppDefinition[],
    private readonly options: {
      dataFile?: string;
      now: () => Date;
      unknownFieldCodes: UnknownFieldPolicy;
      numberValues?: NumberValuePolicy;
    },
  ) {
    const saved = this.readDataFile();
    for (const definition of definitions) {
      const savedApp = saved?.apps[definition.appId];
      const records = new Map((savedApp?.records ?? []).map((record) => [record.id, record]));
      const state: AppState = {
        definition,
        nextRecordId: savedApp?.nextRecordId ?? 1,
        nextRowId: savedApp?.nextRowId ?? largestRowId(records.values()) + 1,
        records,
      };
      this.apps.set(definition.appId, state);
      // A file written before this app existed has nothing for it: seed just that app.
      if (savedApp === undefined) {
        for (const seed of definition.seed ?? []) {
          this.insert(state, this.convertWrite(state, seedInput(seed), 'add'), API_TOKEN_USER);
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

  /** True when the app has a record with this id. */
  has(appId: string, id: number): boolean {
    return this.state(appId).records.has(id);
  }

  /** One record; GAIA_RE01 when absent. */
  get(appId: string, id: number): StoredRecord {
    const record = this.state(appId).records.get(id);
    if (record === undefined) throw recordNotFound(String(id));
    return record;
  }

  /** POST record.json. Table rows always get new ids (an id sent with a row is ignored). */
  add(appId: string, input: RecordWriteInput, user: KintoneUser): StoredRecord {
    const state = this.state(appId);
    const record = this.insert(state, this.convertWrite(state, input, 'add'), user);
    this.persist();
    return record;
  }

  /**
   * PUT record.json: applies only the given fields and bumps the revision by one. A table
   * that is given replaces the stored one (see {@link convertTable}); one not given is kept.
   */
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
    const changes = this.convertWrite(state, input, 'update', current);
    const tables = { ...current.tables, ...this.assignRowIds(state, changes.tables) };
    const updated: StoredRecord = {
      ...current,
      revision: current.revision + 1,
      updatedAt: recordTimestamp(this.options.now()),
      modifier: user,
      values: { ...current.values, ...changes.values },
      ...(Object.keys(tables).length > 0 ? { tables } : {}),
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

  /**
   * PUT record/status.json: performs a process management action (the app's `process`) on the
   * record's current status, which moves the STATUS field and bumps the revision, as in kintone.
   */
  performAction(
    appId: string,
    id: number,
    action: string,
    expectedRevision: number | undefined,
    user: KintoneUser,
  ): StoredRecord {
    const state = this.state(appId);
    const current = this.get(appId, id);
    const statusCode = Object.entries(state.definition.fields).find(
      ([, field]) => field.type === 'STATUS',
    )?.[0];
    const process = state.definition.process;
    if (statusCode === undefined || process === undefined) {
      throw invalidParameter(
        'action',
        'Process management is not enabled for the app (GAIA_ST01).',
      );
    }
    if (expectedRevision !== undefined && expectedRevision !== -1) {
      if (expectedRevision !== current.revision) throw revisionConflict();
    }
    const field = state.definition.fields[statusCode];
    const status =
      current.values[statusCode] ??
      (field !== undefined && !isSubtable(field) ? field.options?.[0] : undefined) ??
      '';
    const step = process.actions.find((a) => a.name === action && a.from === status);
    if (step === undefined) {
      throw invalidParameter(
        'action',
        `The action "${action}" cannot be performed on a record whose status is "${status}" (GAIA_IL03).`,
      );
    }
    const updated: StoredRecord = {
      ...current,
      revision: current.revision + 1,
      updatedAt: recordTimestamp(this.options.now()),
      modifier: user,
      values: { ...current.values, [statusCode]: step.to },
    };
    state.records.set(updated.id, updated);
    this.persist();
    return updated;
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
    field: LocalAppField,
    record: StoredRecord,
  ): RecordFieldJson['value'] {
    switch (field.type) {
      case 'SUBTABLE':
        return (record.tables?.[code] ?? []).map((row) => ({
          id: String(row.id),
          value: Object.fromEntries(
            Object.entries(field.fields).map(([rowCode, rowField]) => [
              rowCode,
              { type: rowField.type, value: row.values[rowCode] ?? '' },
            ]),
          ),
        }));
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
        return record.values[code] ?? field.options?.[0] ?? '';
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
    if (definition === undefined || isSubtable(definition) || !definition.unique) {
      throw invalidParameter(
        'updateKey.field',
        `The field "${field}" cannot be an updateKey: it must exist and prohibit duplicate values (unique: true).`,
      );
    }
    const record = [...state.records.values()].find((r) => r.values[field] === value);
    if (record === undefined) throw recordNotFound(`${field} = ${value}`);
    return record;
  }

  private insert(state: AppState, write: ConvertedWrite, user: KintoneUser): StoredRecord {
    const now = recordTimestamp(this.options.now());
    const tables = this.assignRowIds(state, write.tables);
    const record: StoredRecord = {
      id: state.nextRecordId,
      revision: 1,
      createdAt: now,
      updatedAt: now,
      creator: user,
      modifier: user,
      values: write.values,
      ...(Object.keys(tables).length > 0 ? { tables } : {}),
      nextCommentId: 1,
      comments: [],
    };
    state.nextRecordId += 1;
    state.records.set(record.id, record);
    return record;
  }

  /** Gives new rows the app's next row ids, in order; called only once a write is valid. */
  private assignRowIds(
    state: AppState,
    tables: Record<string, PendingRow[]>,
  ): Record<string, StoredRow[]> {
    return Object.fromEntries(
      Object.entries(tables).map(([code, rows]) => [
        code,
        rows.map((row) => {
          if (row.id !== undefined) return { id: row.id, values: row.values };
          const id = state.nextRowId;
          state.nextRowId += 1;
          return { id, values: row.values };
        }),
      ]),
    );
  }

  /**
   * Validates a write the way kintone would (known field, writable type, options, dates,
   * required, unique; the same inside table rows) and returns the values to store. On add,
   * unset fields get defaults and tables start empty.
   */
  private convertWrite(
    state: AppState,
    input: RecordWriteInput,
    mode: 'add' | 'update',
    current?: StoredRecord,
  ): ConvertedWrite {
    const { fields, appId } = state.definition;
    const errors: KintoneFieldErrors = {};
    const fail: FailFunction = (key, message) => {
      const entry = errors[key] ?? { messages: [] };
      entry.messages.push(message);
      errors[key] = entry;
    };
    const values: Record<string, string> = {};
    const tables: Record<string, PendingRow[]> = {};
    if (mode === 'add') {
      for (const [code, field] of Object.entries(fields)) {
        if (isSubtable(field)) tables[code] = [];
        else if (isWritableFieldType(field.type)) values[code] = field.defaultValue ?? '';
      }
    }
    for (const [code, entry] of Object.entries(input)) {
      const field = fields[code];
      const key = `record.${code}.value`;
      if (field === undefined) {
        // Real kintone ignores unknown codes; refusing them by default surfaces typos in
        // the bridge's field mapping instead of letting a write-back vanish silently.
        if (this.options.unknownFieldCodes === 'reject') {
          const inTable = findTableOf(fields, code);
          fail(
            key,
            inTable === undefined
              ? `The field (code: ${code}) not found in local app ${appId}. Real kintone ignores unknown field codes; the local kintone refuses them so mapping typos show up.`
              : `The field (code: ${code}) is inside the table ${inTable.table}: write it in a row of ${inTable.table} ({ value: [{ id, value: { ${code}: { value } } }] }).`,
          );
        }
        continue;
      }
      if (isSubtable(field)) {
        // A new record has no rows yet, so every row sent with POST is new.
        const existing = mode === 'update' ? (current?.tables?.[code] ?? []) : [];
        tables[code] = this.convertTable(code, field, entry.value, existing, fail);
        continue;
      }
      if (!isWritableFieldType(field.type)) {
        fail(key, `The local kintone does not let a record write set ${field.type} fields.`);
        continue;
      }
      const converted = convertValue(field, entry.value, this.options.numberValues ?? 'any');
      if (converted.ok) values[code] = converted.value;
      else fail(key, converted.message);
    }
    for (const [code, field] of Object.entries(fields)) {
      if (isSubtable(field)) continue;
      const value = values[code];
      const checked = mode === 'add' || value !== undefined;
      if (field.required && checked && (value ?? '') === '')
        fail(`record.${code}.value`, 'Required.');
      if (field.unique && value !== undefined && value !== '') {
        const clash = [...state.records.values()].some(
          (record) => record.id !== current?.id && record.values[code] === value,
        );
        if (clash) fail(`record.${code}.value`, 'This value already exists in another record.');
      }
    }
    if (Object.keys(errors).length > 0) throw validationError(errors);
    return { values, tables };
  }

  /**
   * A table as written: the rows given replace the stored ones, in the order given. A row
   * whose `id` is one of the record's rows keeps that id; a row without an id, or with an
   * id the table does not have, is new (kintone's handling of an unknown id is not
   * documented; the local kintone adds it as a new row). Stored rows not given are deleted.
   * Each given row is rebuilt from what is sent: a field left out of it gets the value a
   * new row would (its default, else empty), so clients must send whole rows.
   */
  private convertTable(
    code: string,
    table: LocalSubtableDefinition,
    raw: unknown,
    existing: readonly StoredRow[],
    fail: FailFunction,
  ): PendingRow[] {
    const tableKey = `record.${code}.value`;
    if (!Array.isArray(raw)) {
      fail(
        tableKey,
        'A table value must be an array of rows ({ id?, value: { code: { value } } }).',
      );
      return [];
    }
    const existingIds = new Set(existing.map((row) => row.id));
    const kept = new Set<number>();
    return raw.map((rawRow: unknown, index): PendingRow => {
      const rowKey = `${tableKey}[${index}]`;
      const values: Record<string, string> = {};
      for (const [rowCode, rowField] of Object.entries(table.fields)) {
        values[rowCode] = rowField.defaultValue ?? '';
      }
      if (!isPlainObject(rawRow)) {
        fail(rowKey, 'A row must be an object { id?, value: { code: { value } } }.');
        return { values };
      }
      let id: number | undefined;
      const rawId = rawRow.id;
      if (rawId !== undefined && rawId !== null && rawId !== '') {
        const text = typeof rawId === 'number' ? String(rawId) : rawId;
        if (typeof text !== 'string' || !/^[1-9]\d*$/.test(text)) {
          fail(`${rowKey}.id`, 'A row id must be a positive whole number (as a string).');
        } else if (existingIds.has(Number(text))) {
          id = Number(text);
          if (kept.has(id)) fail(`${rowKey}.id`, `The row id ${id} is given more than once.`);
          kept.add(id);
        }
      }
      const given = rawRow.value ?? {};
      if (!isPlainObject(given)) {
        fail(`${rowKey}.value`, 'A row value must be an object { code: { value } }.');
        return id === undefined ? { values } : { id, values };
      }
      for (const [rowCode, entry] of Object.entries(given)) {
        const key = `${rowKey}.value.${rowCode}.value`;
        const rowField = table.fields[rowCode];
        if (rowField === undefined) {
          if (this.options.unknownFieldCodes === 'reject') {
            fail(
              key,
              `The field (code: ${rowCode}) not found in the table ${code}. Real kintone ignores unknown field codes; the local kintone refuses them so mapping typos show up.`,
            );
          }
          continue;
        }
        if (!isPlainObject(entry)) {
          fail(key, 'Give the field as { value }.');
          continue;
        }
        const converted = convertValue(rowField, entry.value, this.options.numberValues ?? 'any');
        if (converted.ok) values[rowCode] = converted.value;
        else fail(key, converted.message);
      }
      for (const [rowCode, rowField] of Object.entries(table.fields)) {
        if (rowField.required && values[rowCode] === '') {
          fail(`${rowKey}.value.${rowCode}.value`, 'Required.');
        }
      }
      return id === undefined ? { values } : { id, values };
    });
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

  /**
   * Runs `work` and writes the data file once at its end instead of once per record (a CSV
   * import of thousands of records). What `work` wrote before a failure stays written.
   */
  batch<T>(work: () => T): T {
    this.deferred += 1;
    try {
      return work();
    } finally {
      this.deferred -= 1;
      if (this.deferred === 0 && this.dirty) {
        this.dirty = false;
        this.persist();
      }
    }
  }

  /** Writes via a temporary file and rename, so a crash never leaves half a file. */
  private persist(): void {
    const file = this.options.dataFile;
    if (file === undefined) return;
    if (this.deferred > 0) {
      this.dirty = true;
      return;
    }
    const apps: z.infer<typeof dataFileSchema>['apps'] = {};
    for (const [appId, state] of this.apps) {
      apps[appId] = {
        nextRecordId: state.nextRecordId,
        nextRowId: state.nextRowId,
        records: [...state.records.values()].sort((a, b) => a.id - b.id),
      };
    }
    mkdirSync(dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify({ format: 1, apps }, null, 2)}\n`);
    renameSync(temporary, file);
  }
}
