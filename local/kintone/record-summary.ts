import type { KintoneRestAPIClient } from '@kintone/rest-api-client';
import type { AppConfig, WriteBackFields } from '../../shared/config/schema';
import { WRITE_BACK_ROLES } from '../../shared/kintone/write-back';
import { COMMENTS_LIMIT } from './local-kintone';
import { formatDateTime } from './staff-view';

/**
 * `npm run demo -- show`: what the bridge left on an inventory record, read through the REST
 * API as any client would: every write-back field the app's configuration maps (by its form
 * label, with the configuration key, so a missing one is easy to place) and the record's
 * comments, newest first. For an app whose items are table rows, each row's fields.
 */

/** The write-back keys in the order staff meet them: status first, then the order, then delivery. */
const WRITE_BACK_KEYS: ReadonlyArray<keyof WriteBackFields> = WRITE_BACK_ROLES;

/** The item fields printed before the write-backs, to show why the bridge decided as it did. */
const ITEM_KEYS = ['sku', 'name', 'onHand', 'reorderPoint'] as const;

/** A field of a record as the REST API returns it. */
interface FieldJson {
  type?: string;
  value?: unknown;
}

/** A record's comment as GET record/comments.json returns it. */
export interface SummaryComment {
  text: string;
  createdAt: string;
  creator: { name: string };
}

/** Everything {@link formatRecordSummary} prints, already read from kintone. */
export interface RecordSummaryInput {
  app: Pick<AppConfig, 'appId' | 'fields' | 'writeBack' | 'subtable'>;
  recordId: string;
  record: Record<string, FieldJson>;
  /** Field code to its label on the form (a table's fields included). */
  labels: Record<string, string>;
  comments: SummaryComment[];
  /** For comment times, which the REST API gives in UTC. */
  timeZone: string;
}

const EMPTY = '(empty)';

function text(field: FieldJson | undefined): string {
  const value = field?.value;
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** `発注状況 [status]: 発注依頼済`; a line for every mapped field, empty ones included. */
function fieldLines(
  app: RecordSummaryInput['app'],
  values: Record<string, FieldJson>,
  labels: Record<string, string>,
  indent: string,
): string[] {
  const line = (key: string, code: string) => {
    const value = text(values[code]);
    const label = labels[code] ?? code;
    return `${indent}${label} [${key}]: ${value === '' ? EMPTY : value.replace(/\n/g, `\n${indent}  `)}`;
  };
  const item = ITEM_KEYS.map((key) => [key, app.fields[key]] as const);
  const writeBack = WRITE_BACK_KEYS.flatMap((key) => {
    const code = app.writeBack[key];
    return code === undefined ? [] : [[key, code] as const];
  });
  return [
    ...item.map(([key, code]) => line(key, code)),
    `${indent}-- written by the bridge (writeBack) --`,
    ...writeBack.map(([key, code]) => line(key, code)),
  ];
}

/**
 * The summary as printed by `npm run demo -- show`.
 *
 * @example
 * formatRecordSummary({ app, recordId: '1', record, labels, comments, timeZone: 'Asia/Tokyo' });
 * // app 12, record 1
 * //   品番 [sku]: A-100
 * //   ...
 * //   発注状況 [status]: 発注依頼済
 */
export function formatRecordSummary(input: RecordSummaryInput): string {
  const { app, record, labels } = input;
  const lines = [`app ${app.appId}, record ${input.recordId}`];
  if (app.subtable === undefined) {
    lines.push(...fieldLines(app, record, labels, '  '));
  } else {
    const table = app.subtable.field;
    const rows = Array.isArray(record[table]?.value)
      ? (record[table].value as Array<{ id?: string; value?: Record<string, FieldJson> }>)
      : [];
    lines.push(`  ${labels[table] ?? table}: ${rows.length} rows`);
    rows.forEach((row, index) => {
      // A mapped field the row lacks is read from the record, as the bridge does.
      const values = { ...record, ...(row.value ?? {}) };
      lines.push(
        `  row ${index + 1} (id ${row.id ?? '?'})`,
        ...fieldLines(app, values, labels, '    '),
      );
    });
  }
  lines.push(`  comments (${input.comments.length}, newest first):`);
  if (input.comments.length === 0) lines.push(`    ${EMPTY}`);
  for (const comment of input.comments) {
    lines.push(
      `    ${formatDateTime(comment.createdAt, input.timeZone)} ${comment.creator.name}:`,
      ...comment.text.split('\n').map((line) => `      ${line}`),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Field code to label from GET app/form/fields.json, the fields of tables included. */
function labelsOf(properties: Record<string, unknown>): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [code, property] of Object.entries(properties)) {
    const { label, fields } = property as { label?: unknown; fields?: Record<string, unknown> };
    if (typeof label === 'string') labels[code] = label;
    if (fields !== undefined) Object.assign(labels, labelsOf(fields));
  }
  return labels;
}

/**
 * Reads a record, its form's labels and all its comments (newest first, every page), and
 * formats them.
 *
 * @example
 * process.stdout.write(await readRecordSummary(client, appConfig, '1', 'Asia/Tokyo'));
 */
export async function readRecordSummary(
  client: KintoneRestAPIClient,
  app: RecordSummaryInput['app'],
  recordId: string,
  timeZone: string,
): Promise<string> {
  const [{ record }, { properties }] = await Promise.all([
    client.record.getRecord({ app: app.appId, id: recordId }),
    client.app.getFormFields({ app: app.appId }),
  ]);
  const comments: SummaryComment[] = [];
  for (let offset = 0; ; offset += COMMENTS_LIMIT) {
    const page = await client.record.getRecordComments({
      app: app.appId,
      record: recordId,
      order: 'desc',
      offset,
      limit: COMMENTS_LIMIT,
    });
    comments.push(...page.comments);
    if (!page.older) break;
  }
  return formatRecordSummary({
    app,
    recordId,
    record: record as Record<string, FieldJson>,
    labels: labelsOf(properties as Record<string, unknown>),
    comments,
    timeZone,
  });
}
