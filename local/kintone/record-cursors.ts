/**
 * kintone's cursor API (`POST / GET / DELETE /k/v1/records/cursor.json`) for the local kintone,
 * with kintone's rules as far as they are known:
 *
 * - the set of records (and their order) is fixed when the cursor is created; each page shows
 *   the records' values at the time of the GET (a record deleted meanwhile is left out);
 * - `size` 1 to 500 (default 100); the query may not give `limit` or `offset` (CB_VA01);
 * - a domain holds at most {@link MAX_OPEN_CURSORS} cursors: creating one more answers 429
 *   `GAIA_TM12` (measured against kintone by third parties);
 * - a cursor expires {@link CURSOR_IDLE_MS} after its creation or its last GET; an expired,
 *   deleted or unknown cursor answers 404 `GAIA_CN01` (the same for all three);
 * - the GET that returns the last page (`next: false`) deletes the cursor.
 *
 * Not emulated: kintone's five-minute timeout on creating a cursor over a huge app.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { LocalKintoneApiError, invalidParameter } from './kintone-errors';

/** kintone's limit of open cursors per domain. */
export const MAX_OPEN_CURSORS = 10;
/** How long kintone keeps an unused cursor: ten minutes after its creation or last GET. */
export const CURSOR_IDLE_MS = 10 * 60_000;
/** kintone's largest and default page size. */
export const MAX_CURSOR_SIZE = 500;
export const DEFAULT_CURSOR_SIZE = 100;

interface OpenCursor {
  appId: string;
  /** The records the cursor was created over, in the query's order. */
  ids: number[];
  position: number;
  size: number;
  fields: readonly string[] | undefined;
  /** Epoch ms after which the cursor is gone. */
  expiresAt: number;
}

/** 404 GAIA_CN01: kintone's answer for a cursor that is unknown, deleted or expired. */
export function cursorNotFound(): LocalKintoneApiError {
  return new LocalKintoneApiError(
    404,
    'GAIA_CN01',
    '指定したカーソルは存在しないか、既に有効期限が切れています。',
  );
}

/** 429 GAIA_TM12: the domain's open cursors are all taken. */
export function tooManyCursors(): LocalKintoneApiError {
  return new LocalKintoneApiError(
    429,
    'GAIA_TM12',
    '作成できるカーソルの上限に達しているため、カーソルを作成できません。不要なカーソルを削除するか、しばらく経ってから再実行してください。',
  );
}

/** The page size of a create request: 1 to 500, 100 when not given. */
export function cursorSize(raw: unknown): number {
  if (raw === undefined || raw === null || raw === '') return DEFAULT_CURSOR_SIZE;
  const text = String(raw);
  const size = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(size >= 1 && size <= MAX_CURSOR_SIZE)) {
    throw invalidParameter('size', `Enter a number from 1 to ${MAX_CURSOR_SIZE}.`);
  }
  return size;
}

/** The local kintone's open cursors (one "domain"). */
export class LocalCursors {
  private readonly cursors = new Map<string, OpenCursor>();

  constructor(private readonly now: () => Date) {}

  /** Opens a cursor over `ids` (already filtered and sorted); GAIA_TM12 past the limit. */
  create(
    appId: string,
    ids: number[],
    size: number,
    fields: readonly string[] | undefined,
  ): { id: string; totalCount: string } {
    this.purgeExpired();
    if (this.cursors.size >= MAX_OPEN_CURSORS) throw tooManyCursors();
    const id = randomUUID();
    this.cursors.set(id, {
      appId,
      ids,
      position: 0,
      size,
      fields,
      expiresAt: this.now().getTime() + CURSOR_IDLE_MS,
    });
    return { id, totalCount: String(ids.length) };
  }

  /** The app a live cursor reads, or undefined (unknown, deleted or expired). */
  appOf(id: unknown): string | undefined {
    return typeof id === 'string' ? this.live(id)?.appId : undefined;
  }

  /**
   * The next page's record ids and whether more follow; the last page deletes the cursor.
   * `exists` filters out records deleted since the cursor was created.
   */
  next(
    id: string,
    exists: (recordId: number) => boolean,
  ): { ids: number[]; next: boolean; fields: readonly string[] | undefined } {
    const cursor = this.live(id);
    if (cursor === undefined) throw cursorNotFound();
    const page = cursor.ids.slice(cursor.position, cursor.position + cursor.size);
    cursor.position += page.length;
    const next = cursor.position < cursor.ids.length;
    if (next) cursor.expiresAt = this.now().getTime() + CURSOR_IDLE_MS;
    else this.cursors.delete(id);
    return { ids: page.filter(exists), next, fields: cursor.fields };
  }

  /** DELETE: GAIA_CN01 when the cursor is not open (any more). */
  delete(id: string): void {
    if (this.live(id) === undefined) throw cursorNotFound();
    this.cursors.delete(id);
  }

  /** How many cursors are open now (expired ones not counted). */
  openCount(): number {
    this.purgeExpired();
    return this.cursors.size;
  }

  private live(id: string): OpenCursor | undefined {
    const cursor = this.cursors.get(id);
    if (cursor === undefined) return undefined;
    if (cursor.expiresAt <= this.now().getTime()) {
      this.cursors.delete(id);
      return undefined;
    }
    return cursor;
  }

  private purgeExpired(): void {
    for (const id of [...this.cursors.keys()]) this.live(id);
  }
}
