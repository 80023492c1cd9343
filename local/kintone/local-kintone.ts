/**
 * A local stand-in for kintone: the REST API subset the bridge uses, kintone's error
 * shapes, webhooks in kintone's format, JSON persistence and fault injection, so the
 * product runs and is tested on one laptop.
 *
 * Tables (SUBTABLE fields) behave as in kintone's REST API: each row has an id, numeric,
 * unique across the app and increasing; records, webhooks and the form fields API show
 * tables in kintone's shape. A write that leaves a table out keeps it; a write that gives it
 * replaces it: rows sent with the id of one of its rows keep that id, rows without an id are
 * added with a new one, rows not sent are deleted, and a field left out of a sent row is
 * reset to its default (else empty), so clients must send whole rows. Row values are
 * validated like the record's, with errors keyed `record.<table>.value[<i>].value.<code>.value`.
 *
 * Known limitations (by design, keep them in mind when a test passes locally):
 * - NUMBER fields (in tables too) store any string, because the bridge must be exercised
 *   with stock values kintone itself would refuse ("abc", "1,000"); real kintone answers
 *   CB_VA01 for those. Pass `numberValues: 'numeric'` to refuse them as kintone does.
 * - A write naming an unknown field code is refused (CB_VA01) by default, where real
 *   kintone silently ignores the field; pass `unknownFieldCodes: 'ignore'` to match it.
 * - Not confirmed against kintone, so chosen and documented here (and in
 *   docs/local-kintone.md): a table row sent with an id the table does not have is added as a
 *   new row with a new id; the same row id sent twice in one write is refused (CB_VA01); a
 *   field left out of a sent row takes its default value, where kintone may leave it empty; a
 *   new record that leaves a table out gets an empty table (no rows).
 * - Queries cannot name fields of tables (CB_VA01, where kintone allows `in` / `not in`);
 *   nor can the `fields` parameter of records.json (name the table instead).
 * - Only API-token auth; no process management actions, files, bulk adds (POST records.json),
 *   guest spaces or preview endpoints. A bulk update (PUT records.json) checks that every
 *   record exists before writing any, but a value refused midway leaves the records before it
 *   written (kintone writes none). As in kintone, a bulk update sends no webhook (pass
 *   `bulkUpdateWebhooks: true` to act like kintone's March 2025 incident, when it did); nor
 *   does a CSV import ({@link LocalKintone.importRecords}).
 * - The cursor API (records/cursor.json) follows kintone's rules: see record-cursors.ts.
 * - The query language is a subset (see record-query.ts); other queries get CB_VA01.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import {
  assertValidAppDefinition,
  findTableOf,
  isSubtable,
  recordTitleOf,
  type LocalAppDefinition,
  type LocalAppField,
} from './app-definition';
import {
  appNotFound,
  invalidParameter,
  LocalKintoneApiError,
  newErrorId,
  type KintoneErrorBody,
} from './kintone-errors';
import { parseRecordQuery, selectRecords } from './record-query';
import { cursorNotFound, cursorSize, LocalCursors } from './record-cursors';
import { paramsFromSearch, parseParams } from './request-params';
import {
  API_TOKEN_USER,
  LocalRecordStore,
  secondTimestamp,
  type RecordJson,
  type RecordTarget,
  type RecordWriteInput,
  type NumberValuePolicy,
  type StoredRecord,
  type UnknownFieldPolicy,
} from './record-store';
import { listenError } from '../listen';
import { staffViewPage, type StaffViewSource } from './staff-view';
import {
  WebhookDispatcher,
  type LocalWebhookNotification,
  type WebhookApp,
  type WebhookDelivery,
} from './webhook-dispatcher';

export type {
  FieldType,
  LocalAppDefinition,
  LocalAppField,
  LocalFieldDefinition,
  LocalSeedRecord,
  LocalSeedRow,
  LocalSubtableDefinition,
  RecordTitleFunction,
} from './app-definition';
export type { KintoneErrorBody } from './kintone-errors';
export type {
  KintoneUser,
  NumberValuePolicy,
  RecordFieldJson,
  RecordJson,
  RowFieldJson,
  SubtableRowJson,
  UnknownFieldPolicy,
} from './record-store';
export type {
  CommentWebhookNotification,
  DeleteWebhookNotification,
  LocalWebhookNotification,
  RecordWebhookNotification,
  WebhookDelivery,
} from './webhook-dispatcher';

/** kintone's page size for GET record/comments.json. */
export const COMMENTS_LIMIT = 10;
/** Request bodies above this are refused; kintone's own limits are far above the bridge's needs. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const REST_PREFIX = '/k/v1/';

/** Options of {@link startLocalKintone}. */
export interface LocalKintoneOptions {
  /** TCP port on the loopback interface; 0 (the default) picks a free one. */
  port?: number;
  /**
   * JSON file holding the records. When it exists it is loaded instead of seeding; every
   * write rewrites it. Without it, data lives in memory only.
   */
  dataFile?: string;
  apps: LocalAppDefinition[];
  /** App id to the API tokens that may call it (`X-Cybozu-API-Token`). */
  apiTokens: Record<string, string[]>;
  /** App id to webhook URLs notified after each add, update, delete and comment. */
  webhooks?: Record<string, string[]>;
  /** Receives one line per REST call and per webhook delivery. Silent by default. */
  log?: (line: string) => void;
  /** Clock for record and comment timestamps; tests pass a fixed one. */
  now?: () => Date;
  /** `'reject'` (default) or kintone's own behaviour, `'ignore'`. */
  unknownFieldCodes?: UnknownFieldPolicy;
  /** `'any'` string in NUMBER fields (default) or kintone's own check, `'numeric'`. */
  numberValues?: NumberValuePolicy;
  /** Time zone of the staff view's times (kintone shows them in the user's); Asia/Tokyo. */
  timeZone?: string;
  /**
   * `true` sends an UPDATE_RECORD webhook per record of a bulk update (PUT records.json), as
   * kintone did during its March 2025 incident; by default none, as kintone documents.
   */
  bulkUpdateWebhooks?: boolean;
}

/** One record of a CSV-style import: an update when it names an id, else a new record. */
export interface ImportedRecord {
  id?: string | number;
  record: RecordWriteInput;
}

/** HTTP method as kintone's REST API sees it (after `X-HTTP-Method-Override`). */
export type RestMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Makes the next matching REST calls fail, to test the bridge's retry and error paths. */
export interface FailureInjection {
  /** 429 answers JSON GAIA_TO04; 503 answers kintone's HTML maintenance page; 500 JSON. */
  status: 429 | 503 | 500;
  /** Error code of a JSON failure (defaults: GAIA_TO04 for 429, LOCAL_INJECTED_500). */
  code?: string;
  /** How many matching requests fail. */
  times: number;
  /** Only these methods (after method override); all when omitted. */
  methods?: RestMethod[];
  /** Only this endpoint: `/k/v1/record.json` or `record.json`; all when omitted. */
  path?: string;
}

/** One REST call the local kintone answered. */
export interface RestCallLogEntry {
  method: string;
  /** Full path, e.g. `/k/v1/records.json`. */
  path: string;
  /** The `app` parameter, when the request had one. */
  app?: string;
  status: number;
}

/** A running local kintone. */
export interface LocalKintone {
  /** `http://localhost:PORT`: the form @kintone/rest-api-client accepts over plain HTTP. */
  baseUrl: string;
  port: number;
  /** Stops listening, drops open connections and waits for queued webhooks. */
  close(): Promise<void>;
  /** Replaces the app's webhook URLs (an empty list turns notifications off). */
  setWebhooks(appId: string, urls: string[]): void;
  /** Queues failures; several injections are consumed in the order given. */
  injectFailures(injection: FailureInjection): void;
  /** Every webhook attempt so far, oldest first. */
  webhookDeliveries(): WebhookDelivery[];
  /** Resolves when every webhook delivery queued so far has been attempted. */
  idle(): Promise<void>;
  /** Every REST call so far, oldest first (including refused and injected ones). */
  requestLog(): RestCallLogEntry[];
  /** The app's records as GET record.json shows them, by ascending id. */
  records(appId: string): RecordJson[];
  /**
   * Writes records as kintone's CSV import does: each one named by id is updated (its
   * revision goes up by one), the others are added, and no webhook is sent. The data file is
   * written once. Returns each record's id and new revision, in order.
   */
  importRecords(
    appId: string,
    records: readonly ImportedRecord[],
  ): Array<{ id: string; revision: string }>;
  /** How many cursors are open now (kintone allows ten per domain). */
  openCursors(): number;
}

interface HandlerResult {
  body: unknown;
  notifications?: LocalWebhookNotification[];
}

interface RouteContext {
  params: Record<string, unknown>;
  app: LocalAppDefinition;
}

const MAINTENANCE_PAGE = `<!DOCTYPE html>
<html lang="ja">
<head><meta charset="utf-8"><title>メンテナンス中 | kintone</title></head>
<body>
<h1>ただいまメンテナンス中です</h1>
<p>kintone is currently undergoing maintenance. (Injected by the local kintone.)</p>
</body>
</html>
`;

const idText = z.union([z.string(), z.number()]).transform(String);
const appParam = idText.pipe(z.string().regex(/^\d+$/, 'Enter the app ID (digits).'));
const recordIdParam = idText
  .pipe(z.string().regex(/^[1-9]\d*$/, 'Enter a record ID (a positive whole number).'))
  .transform(Number);
const revisionParam = idText
  .pipe(z.string().regex(/^(-1|[1-9]\d*)$/, 'Enter a revision number, or -1 to skip the check.'))
  .transform(Number);
const recordInput = z.record(z.string(), z.object({ value: z.unknown() }));
const wholeNumber = idText.pipe(z.string().regex(/^\d+$/)).transform(Number);

const schemas = {
  getRecord: z.object({ app: appParam, id: recordIdParam }),
  getRecords: z.object({
    app: appParam,
    query: z.string().optional(),
    fields: z.array(z.string()).optional(),
    totalCount: z.union([z.boolean(), z.string()]).optional(),
  }),
  addRecord: z.object({ app: appParam, record: recordInput.optional() }),
  updateStatus: z.object({
    app: appParam,
    id: recordIdParam,
    action: z.string().min(1),
    assignee: z.string().optional(),
    revision: revisionParam.optional(),
  }),
  updateRecord: z.object({
    app: appParam,
    id: recordIdParam.optional(),
    updateKey: z.object({ field: z.string(), value: idText }).optional(),
    record: recordInput.optional(),
    revision: revisionParam.optional(),
  }),
  updateRecords: z.object({
    app: appParam,
    records: z
      .array(
        z.object({
          id: recordIdParam,
          record: recordInput.optional(),
          revision: revisionParam.optional(),
        }),
      )
      .min(1, 'Required.')
      .max(100, 'Up to 100 records can be updated at once.'),
  }),
  deleteRecords: z.object({
    app: appParam,
    ids: z.array(recordIdParam),
    revisions: z.array(revisionParam).optional(),
  }),
  addComment: z.object({
    app: appParam,
    record: recordIdParam,
    comment: z.object({
      text: z.string().min(1, 'Required.').max(65_535),
      mentions: z.array(z.unknown()).optional(),
    }),
  }),
  getComments: z.object({
    app: appParam,
    record: recordIdParam,
    order: z.enum(['asc', 'desc']).optional(),
    offset: wholeNumber.optional(),
    limit: wholeNumber.pipe(z.number().min(1).max(COMMENTS_LIMIT)).optional(),
  }),
  formFields: z.object({ app: appParam, lang: z.string().optional() }),
  createCursor: z.object({
    app: appParam,
    fields: z.array(z.string()).optional(),
    query: z.string().optional(),
    size: z.union([z.string(), z.number()]).optional(),
  }),
  cursorId: z.object({ id: z.string().min(1, 'Required.') }),
};

const CURSOR_ENDPOINT = 'records/cursor.json';

function appOf(params: Record<string, unknown>): string | undefined {
  const { app } = params;
  return typeof app === 'string' || typeof app === 'number' ? String(app) : undefined;
}

/** A field as GET app/form/fields.json describes it; a table lists its fields the same way. */
function formProperty(code: string, field: LocalAppField): Record<string, unknown> {
  if (isSubtable(field)) {
    return {
      type: field.type,
      code,
      noLabel: false,
      label: field.label,
      fields: Object.fromEntries(
        Object.entries(field.fields).map(([rowCode, rowField]) => [
          rowCode,
          formProperty(rowCode, rowField),
        ]),
      ),
    };
  }
  const base: Record<string, unknown> = {
    type: field.type,
    code,
    label: field.label,
    noLabel: false,
  };
  switch (field.type) {
    case 'RECORD_NUMBER':
    case 'CREATOR':
    case 'CREATED_TIME':
    case 'MODIFIER':
    case 'UPDATED_TIME':
      return base;
    case 'STATUS':
    case 'STATUS_ASSIGNEE':
    case 'CATEGORY':
      return { type: field.type, code, label: field.label, enabled: true };
    default: {
      const property: Record<string, unknown> = {
        ...base,
        required: field.required ?? false,
        defaultValue: field.defaultValue ?? '',
      };
      if (field.type !== 'DROP_DOWN' && field.type !== 'RADIO_BUTTON') {
        property.unique = field.unique ?? false;
      }
      if (field.options !== undefined) {
        property.options = Object.fromEntries(
          field.options.map((option, index) => [option, { label: option, index: String(index) }]),
        );
      }
      return property;
    }
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) {
      throw new LocalKintoneApiError(413, 'CB_VA01', 'The request body is too large.');
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The local kintone's name in port errors. */
const SERVICE = 'local kintone';

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive sockets of HTTP clients would otherwise hold close() open.
    server.closeAllConnections();
  });
}

/**
 * Listens on 127.0.0.1 and, where the machine has it, on ::1 with the same port: the
 * official client only accepts plain HTTP for the host name `localhost`, which may resolve
 * to either address. Loopback only, so the emulator is never exposed to the network.
 */
async function listenOnLoopback(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  requestedPort: number,
): Promise<{ servers: Server[]; port: number }> {
  for (let attempt = 0; ; attempt += 1) {
    const ipv4 = createServer(handler);
    await listen(ipv4, requestedPort, '127.0.0.1').catch((error: unknown) => {
      throw listenError(error, { port: requestedPort, host: '127.0.0.1', service: SERVICE });
    });
    const { port } = ipv4.address() as AddressInfo;
    const ipv6 = createServer(handler);
    try {
      await listen(ipv6, port, '::1');
      return { servers: [ipv4, ipv6], port };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT') {
        return { servers: [ipv4], port };
      }
      await closeServer(ipv4);
      // A random port free on IPv4 may be taken on IPv6: pick another.
      if (code !== 'EADDRINUSE' || requestedPort !== 0 || attempt >= 5)
        throw listenError(error, { port, host: '::1', service: SERVICE });
    }
  }
}

function validateOptions(options: LocalKintoneOptions): void {
  if (options.apps.length === 0) throw new Error('startLocalKintone needs at least one app.');
  const ids = new Set<string>();
  for (const app of options.apps) {
    assertValidAppDefinition(app);
    if (ids.has(app.appId)) throw new Error(`Local kintone app ${app.appId} is defined twice.`);
    ids.add(app.appId);
  }
  for (const [label, map] of [
    ['apiTokens', options.apiTokens],
    ['webhooks', options.webhooks ?? {}],
  ] as const) {
    for (const appId of Object.keys(map)) {
      if (!ids.has(appId)) throw new Error(`${label} names app ${appId}, which is not defined.`);
    }
  }
  for (const urls of Object.values(options.webhooks ?? {})) urls.forEach(assertWebhookUrl);
}

/** CB_VA01 for a field of a table in `fields`: the local kintone returns tables whole. */
function checkFields(app: LocalAppDefinition, fields: readonly string[] | undefined): void {
  for (const code of fields ?? []) {
    const inTable = findTableOf(app.fields, code);
    if (inTable !== undefined) {
      throw invalidParameter(
        'fields',
        `"${code}" is a field inside the table "${inTable.table}": the local kintone returns tables whole, so name "${inTable.table}" in fields instead.`,
      );
    }
  }
}

function assertWebhookUrl(url: string): void {
  const protocol = URL.canParse(url) ? new URL(url).protocol : '';
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new Error(`Webhook URL "${url}" must be an absolute http(s) URL.`);
  }
}

/**
 * Starts a local kintone on the loopback interface.
 *
 * @example
 * ```ts
 * const kintone = await startLocalKintone({
 *   apps: [demoInventoryApp],
 *   apiTokens: { '12': ['local-token'] },
 *   webhooks: { '12': ['http://localhost:3000/webhook?secret=...'] },
 * });
 * const client = new KintoneRestAPIClient({
 *   baseUrl: kintone.baseUrl,
 *   auth: { apiToken: 'local-token' },
 * });
 * await client.record.updateRecord({ app: '12', id: '1', record: { 在庫数: { value: '5' } } });
 * await kintone.idle(); // the UPDATE_RECORD webhook has been attempted
 * await kintone.close();
 * ```
 */
export async function startLocalKintone(options: LocalKintoneOptions): Promise<LocalKintone> {
  validateOptions(options);
  const log = options.log ?? (() => undefined);
  const now = options.now ?? (() => new Date());
  const store = new LocalRecordStore(options.apps, {
    ...(options.dataFile === undefined ? {} : { dataFile: options.dataFile }),
    now,
    unknownFieldCodes: options.unknownFieldCodes ?? 'reject',
    numberValues: options.numberValues ?? 'any',
  });
  const webhookUrls = new Map(Object.entries(options.webhooks ?? {}).map(([k, v]) => [k, [...v]]));
  const dispatcher = new WebhookDispatcher((appId) => webhookUrls.get(appId) ?? [], log);
  const tokenApps = new Map<string, Set<string>>();
  for (const [appId, tokens] of Object.entries(options.apiTokens)) {
    for (const token of tokens)
      tokenApps.set(token, (tokenApps.get(token) ?? new Set()).add(appId));
  }
  const injections: FailureInjection[] = [];
  const calls: RestCallLogEntry[] = [];
  const cursors = new LocalCursors(now);
  let baseUrl = '';

  const webhookApp = (app: LocalAppDefinition): WebhookApp => ({ id: app.appId, name: app.name });
  const recordUrl = (appId: string, recordId: number) =>
    `${baseUrl}/k/${appId}/show#record=${recordId}`;

  const recordNotification = (
    type: 'ADD_RECORD' | 'UPDATE_RECORD' | 'UPDATE_STATUS',
    app: LocalAppDefinition,
    record: StoredRecord,
  ): LocalWebhookNotification => ({
    id: randomUUID(),
    type,
    app: webhookApp(app),
    record: store.toJson(app.appId, record),
    recordTitle: recordTitleOf(app, record.values),
    url: recordUrl(app.appId, record.id),
  });

  /** The tokens of the request; CB_AU01 (401) when it carries no credentials at all. */
  const requireCredentials = (req: IncomingMessage): string[] => {
    const header = req.headers['x-cybozu-api-token'];
    const raw = Array.isArray(header) ? header.join(',') : header;
    if (raw !== undefined && raw.trim() !== '') return raw.split(',').map((token) => token.trim());
    if (req.headers['x-cybozu-authorization'] !== undefined) {
      throw new LocalKintoneApiError(
        401,
        'CB_WA01',
        'Password authentication failed. The local kintone accepts only API tokens (X-Cybozu-API-Token).',
      );
    }
    throw new LocalKintoneApiError(401, 'CB_AU01', 'Please login.');
  };

  const authorizeTokens = (tokens: string[], appId: string): void => {
    // Real kintone answers 400 (not 401) GAIA_IA02 for a token it does not know, even
    // next to a valid one (kintone/cli-kintone e2e features), so the bridge must not
    // read every 400 as a validation error.
    const invalidToken = new LocalKintoneApiError(
      400,
      'GAIA_IA02',
      'The specified API token does not match the API token generated via an app.',
    );
    if (tokens.some((token) => !tokenApps.has(token))) throw invalidToken;
    const forApp = tokens.filter((token) => tokenApps.get(token)?.has(appId));
    if (forApp.length > 1) {
      throw new LocalKintoneApiError(
        400,
        'GAIA_DA03',
        'You cannot specify a duplicate API token for the same app.',
      );
    }
    if (forApp.length === 0) throw invalidToken;
  };

  const routes: Record<string, (context: RouteContext) => HandlerResult> = {
    'GET record.json': ({ params, app }) => {
      const { id } = parseParams(schemas.getRecord, params);
      return { body: { record: store.toJson(app.appId, store.get(app.appId, id)) } };
    },
    'GET records.json': ({ params, app }) => {
      const { query, fields, totalCount } = parseParams(schemas.getRecords, params);
      checkFields(app, fields);
      const parsed = parseRecordQuery(query ?? '', app.fields);
      const { page, totalCount: count } = selectRecords(store.list(app.appId), parsed);
      return {
        body: {
          records: page.map((record) => store.toJson(app.appId, record, fields)),
          // kintone returns null unless the caller asked for the count.
          totalCount: totalCount === true || totalCount === 'true' ? String(count) : null,
        },
      };
    },
    'POST record.json': ({ params, app }) => {
      const { record } = parseParams(schemas.addRecord, params);
      const added = store.add(app.appId, record ?? {}, API_TOKEN_USER);
      return {
        body: { id: String(added.id), revision: String(added.revision) },
        notifications: [recordNotification('ADD_RECORD', app, added)],
      };
    },
    'PUT record.json': ({ params, app }) => {
      const { id, updateKey, record, revision } = parseParams(schemas.updateRecord, params);
      let target: RecordTarget;
      if (id !== undefined && updateKey === undefined) target = { id };
      else if (id === undefined && updateKey !== undefined) target = { updateKey };
      else throw invalidParameter('id', 'Give either id or updateKey, not both or neither.');
      const updated = store.update(app.appId, target, record ?? {}, revision, API_TOKEN_USER);
      return {
        body: { revision: String(updated.revision) },
        notifications: [recordNotification('UPDATE_RECORD', app, updated)],
      };
    },
    'PUT record/status.json': ({ params, app }) => {
      const { id, action, revision } = parseParams(schemas.updateStatus, params);
      const updated = store.performAction(app.appId, id, action, revision, API_TOKEN_USER);
      return {
        body: { revision: String(updated.revision) },
        notifications: [recordNotification('UPDATE_STATUS', app, updated)],
      };
    },
    'PUT records.json': ({ params, app }) => {
      const { records } = parseParams(schemas.updateRecords, params);
      // kintone writes none of a bulk update that names a missing record (404 GAIA_RE01).
      for (const { id } of records) store.get(app.appId, id);
      const updated = records.map(({ id, record, revision }) =>
        store.update(app.appId, { id }, record ?? {}, revision, API_TOKEN_USER),
      );
      return {
        body: {
          records: updated.map((record) => ({
            id: String(record.id),
            revision: String(record.revision),
          })),
        },
        // kintone sends no webhook for a bulk update (it did during the March 2025 incident).
        notifications: options.bulkUpdateWebhooks
          ? updated.map((record) => recordNotification('UPDATE_RECORD', app, record))
          : [],
      };
    },
    'POST records/cursor.json': ({ params, app }) => {
      const { fields: named, query, size } = parseParams(schemas.createCursor, params);
      // A field inside a table stands for its table, returned whole (kintone accepts such
      // codes; whether it then trims the rows is not confirmed, and the bridge reads either).
      const fields =
        named === undefined
          ? undefined
          : [...new Set(named.map((code) => findTableOf(app.fields, code)?.table ?? code))];
      const parsed = parseRecordQuery(query ?? '', app.fields);
      if (parsed.hasLimit || parsed.hasOffset) {
        throw invalidParameter(
          'query',
          'limit and offset cannot be used in the query of a cursor.',
        );
      }
      const pageSize = cursorSize(size);
      const { page } = selectRecords(store.list(app.appId), {
        ...parsed,
        limit: Number.POSITIVE_INFINITY,
        offset: 0,
      });
      return {
        body: cursors.create(
          app.appId,
          page.map((record) => record.id),
          pageSize,
          fields,
        ),
      };
    },
    'GET records/cursor.json': ({ params, app }) => {
      const { id } = parseParams(schemas.cursorId, params);
      if (cursors.appOf(id) !== app.appId) throw cursorNotFound();
      const page = cursors.next(id, (recordId) => store.has(app.appId, recordId));
      return {
        body: {
          records: page.ids.map((recordId) =>
            store.toJson(app.appId, store.get(app.appId, recordId), page.fields),
          ),
          next: page.next,
        },
      };
    },
    'DELETE records/cursor.json': ({ params, app }) => {
      const { id } = parseParams(schemas.cursorId, params);
      if (cursors.appOf(id) !== app.appId) throw cursorNotFound();
      cursors.delete(id);
      return { body: {} };
    },
    'DELETE records.json': ({ params, app }) => {
      const { ids, revisions } = parseParams(schemas.deleteRecords, params);
      const deleted = store.delete(app.appId, ids, revisions);
      const deletedAt = secondTimestamp(now());
      return {
        body: {},
        notifications: deleted.map((record) => ({
          id: randomUUID(),
          type: 'DELETE_RECORD' as const,
          app: webhookApp(app),
          recordId: String(record.id),
          deletedBy: API_TOKEN_USER,
          deletedAt,
        })),
      };
    },
    'POST record/comment.json': ({ params, app }) => {
      const { record, comment } = parseParams(schemas.addComment, params);
      if ((comment.mentions ?? []).length > 0) {
        throw invalidParameter(
          'comment.mentions',
          'The local kintone has no users or groups to mention; send the comment without mentions.',
        );
      }
      const added = store.addComment(app.appId, record, comment.text, API_TOKEN_USER);
      return {
        body: { id: String(added.id) },
        notifications: [
          {
            id: randomUUID(),
            type: 'ADD_RECORD_COMMENT',
            app: webhookApp(app),
            recordId: String(record),
            comment: {
              id: String(added.id),
              text: added.text,
              createdAt: added.createdAt,
              creator: added.creator,
              mentions: [],
            },
            url: `${recordUrl(app.appId, record)}&comment=${added.id}`,
          },
        ],
      };
    },
    'GET record/comments.json': ({ params, app }) => {
      const {
        record,
        order = 'desc',
        offset = 0,
        limit = COMMENTS_LIMIT,
      } = parseParams(schemas.getComments, params);
      const all = [...store.get(app.appId, record).comments].sort((a, b) =>
        order === 'desc' ? b.id - a.id : a.id - b.id,
      );
      const page = all.slice(offset, offset + limit);
      const beyond = offset + limit < all.length;
      return {
        body: {
          comments: page.map((comment) => ({
            id: String(comment.id),
            text: comment.text,
            createdAt: comment.createdAt,
            creator: comment.creator,
            mentions: [],
          })),
          older: order === 'desc' ? beyond : offset > 0,
          newer: order === 'desc' ? offset > 0 : beyond,
        },
      };
    },
    'GET app/form/fields.json': ({ params, app }) => {
      parseParams(schemas.formFields, params);
      const properties = Object.fromEntries(
        Object.entries(app.fields).map(([code, field]) => [code, formProperty(code, field)]),
      );
      return { body: { properties, revision: '1' } };
    },
  };

  const takeInjection = (method: string, endpoint: string): FailureInjection | undefined => {
    const index = injections.findIndex(
      (injection) =>
        (injection.methods === undefined || injection.methods.some((m) => m === method)) &&
        (injection.path === undefined ||
          injection.path === endpoint ||
          injection.path === `${REST_PREFIX}${endpoint}`),
    );
    const injection = injections[index];
    if (injection === undefined) return undefined;
    injection.times -= 1;
    if (injection.times <= 0) injections.splice(index, 1);
    return injection;
  };

  const staffView: StaffViewSource = {
    apps: options.apps,
    records: (appId) => store.list(appId).map((record) => store.toJson(appId, record)),
    record: (appId, id) => {
      const record = store.list(appId).find((candidate) => candidate.id === id);
      return record === undefined ? undefined : store.toJson(appId, record);
    },
    comments: (appId, id) => store.get(appId, id).comments,
    timeZone: options.timeZone ?? 'Asia/Tokyo',
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // Staff's read-only pages: plain GETs outside the REST API, no token (loopback only).
    const staffPage =
      (req.method === 'GET' || req.method === 'HEAD') && !url.pathname.startsWith(REST_PREFIX)
        ? staffViewPage(url, staffView)
        : undefined;
    if (staffPage !== undefined) {
      res.writeHead(staffPage.status, staffPage.headers);
      res.end(req.method === 'HEAD' ? undefined : staffPage.body);
      log(`${req.method} ${url.pathname} (staff view) -> ${staffPage.status}`);
      return;
    }
    const override = req.headers['x-http-method-override'];
    const method =
      req.method === 'POST' && typeof override === 'string'
        ? override.toUpperCase()
        : (req.method ?? 'GET');
    const entry: RestCallLogEntry = { method, path: url.pathname, status: 0 };
    const notifications: LocalWebhookNotification[] = [];
    let status = 200;
    let body: unknown;
    let contentType = 'application/json; charset=utf-8';
    try {
      if (!url.pathname.startsWith(REST_PREFIX)) {
        throw new LocalKintoneApiError(
          404,
          'LOCAL_NOT_IMPLEMENTED',
          `The local kintone serves only ${REST_PREFIX}... REST endpoints and the staff view (/k/, /k/{appId}/, /k/{appId}/show?record={id}), not ${url.pathname}.`,
        );
      }
      calls.push(entry);
      const endpoint = url.pathname.slice(REST_PREFIX.length);
      const text = await readBody(req);
      let params = paramsFromSearch(url.searchParams);
      if (text.trim() !== '') {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          throw new LocalKintoneApiError(400, 'CB_IJ01', 'Invalid JSON string.');
        }
        if (typeof json !== 'object' || json === null || Array.isArray(json)) {
          throw new LocalKintoneApiError(400, 'CB_IJ01', 'The request body must be a JSON object.');
        }
        params = { ...params, ...(json as Record<string, unknown>) };
      }
      // GET and DELETE of a cursor name no app: the cursor's own app is the one authorised.
      const appId =
        appOf(params) ?? (endpoint === CURSOR_ENDPOINT ? cursors.appOf(params.id) : undefined);
      if (appId !== undefined) entry.app = appId;

      const injection = takeInjection(method, endpoint);
      if (injection?.status === 503) {
        status = 503;
        contentType = 'text/html; charset=utf-8';
        body = MAINTENANCE_PAGE;
      } else if (injection !== undefined) {
        const code =
          injection.code ?? (injection.status === 429 ? 'GAIA_TO04' : 'LOCAL_INJECTED_500');
        const message =
          injection.status === 429
            ? 'The number of concurrent API requests exceeds the limit.'
            : 'An unexpected error occurred (injected by the local kintone).';
        throw new LocalKintoneApiError(injection.status, code, message);
      } else {
        const route = routes[`${method} ${endpoint}`];
        if (route === undefined) {
          throw new LocalKintoneApiError(
            404,
            'LOCAL_NOT_IMPLEMENTED',
            `The local kintone does not implement ${method} ${url.pathname}. Supported: ${Object.keys(routes).join(', ')}.`,
          );
        }
        // Credentials first, so a caller without them learns nothing about the apps.
        const tokens = requireCredentials(req);
        if (appId === undefined && endpoint === CURSOR_ENDPOINT && method !== 'POST') {
          throw cursorNotFound();
        }
        if (appId === undefined) throw invalidParameter('app', 'Required field.');
        const app = store.definition(appId);
        if (app === undefined) throw appNotFound(appId);
        authorizeTokens(tokens, appId);
        const result = route({ params, app });
        body = result.body;
        notifications.push(...(result.notifications ?? []));
      }
    } catch (error) {
      if (!(error instanceof LocalKintoneApiError)) throw error;
      status = error.status;
      body = error.toBody();
      res.setHeader('X-Cybozu-Error', error.code);
    }
    entry.status = status;
    res.statusCode = status;
    res.setHeader('Content-Type', contentType);
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
    const errorCode =
      status >= 400 && typeof body === 'object' ? (body as KintoneErrorBody).code : '';
    log(`${method} ${url.pathname} app=${entry.app ?? '-'} -> ${status} ${errorCode}`.trimEnd());
    for (const notification of notifications) dispatcher.enqueue(notification.app.id, notification);
  };

  const requestListener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((error: unknown) => {
      // An emulator bug: answer like kintone's internal error, keep the details in the log.
      log(`local kintone internal error: ${error instanceof Error ? error.stack : String(error)}`);
      if (!res.headersSent) {
        res.statusCode = 500;
        res.setHeader('Content-Type', 'application/json; charset=utf-8');
        res.end(
          JSON.stringify({
            code: 'LOCAL_INTERNAL',
            id: newErrorId(),
            message: 'Local kintone bug.',
          }),
        );
      } else {
        res.destroy();
      }
    });
  };

  const { servers, port } = await listenOnLoopback(requestListener, options.port ?? 0);
  baseUrl = `http://localhost:${port}`;
  log(
    `local kintone listening on ${baseUrl} (apps: ${options.apps.map((a) => a.appId).join(', ')})`,
  );
  let closing: Promise<void> | undefined;

  return {
    baseUrl,
    port,
    close: () => {
      closing ??= (async () => {
        await Promise.all(servers.map(closeServer));
        await dispatcher.idle();
      })();
      return closing;
    },
    setWebhooks: (appId, urls) => {
      if (store.definition(appId) === undefined) throw new Error(`No local kintone app ${appId}.`);
      urls.forEach(assertWebhookUrl);
      webhookUrls.set(appId, [...urls]);
    },
    injectFailures: (injection) => {
      if (!Number.isInteger(injection.times) || injection.times < 1) {
        throw new Error('injectFailures needs times to be a whole number of at least 1.');
      }
      injections.push({ ...injection });
    },
    webhookDeliveries: () => dispatcher.history(),
    idle: () => dispatcher.idle(),
    requestLog: () => calls.map((call) => ({ ...call })),
    records: (appId) => {
      if (store.definition(appId) === undefined) throw new Error(`No local kintone app ${appId}.`);
      return store.list(appId).map((record) => store.toJson(appId, record));
    },
    importRecords: (appId, records) => {
      if (store.definition(appId) === undefined) throw new Error(`No local kintone app ${appId}.`);
      const importer = { code: 'csv-import', name: 'CSV import' };
      // No notifications: kintone sends no webhook for a CSV import.
      return store.batch(() =>
        records.map(({ id, record }) => {
          const written =
            id === undefined
              ? store.add(appId, record, importer)
              : store.update(appId, { id: Number(id) }, record, undefined, importer);
          return { id: String(written.id), revision: String(written.revision) };
        }),
      );
    },
    openCursors: () => cursors.openCount(),
  };
}
