/** One record as kintone's REST API returns it: field code to `{ type, value }`. */
export type ReadRecord = Record<string, { type: string; value: unknown }>;

/** kintone's largest page of the cursor API: the sweep reads 500 records per call. */
export const MAX_READ_PAGE_SIZE = 500;

/** One page of an app's records, read with one kintone call. */
export interface InventoryPage {
  /** In ascending `$id`. May be empty (kintone can answer an empty page with more to come). */
  records: readonly ReadRecord[];
  /**
   * The app's kintone calls counted today with the call that read this page, and kintone's
   * daily limit; absent when the calls are not counted (or this one could not be).
   */
  budget?: { count: number; limit: number };
}

/** A read in progress: its pages, and what it cost so far. */
export interface InventoryScan extends AsyncIterable<InventoryPage> {
  /** kintone calls made so far (opening, pages, closing, reopening). */
  readonly calls: number;
  /** Times the read was taken up again from its last record (an expired or lost cursor). */
  readonly restarts: number;
}

/** What to read. */
export interface ReadInventoryOptions {
  /** Field codes to read (kintone's `fields`): only what the bridge maps, `$id`, `$revision`. */
  fields: readonly string[];
  /** Only records with a larger `$id` (to take up a read where an earlier one stopped). */
  afterId?: string;
}

/**
 * Reads whole inventory apps (kintone's cursor API). Leaving the loop early (a `break`, an
 * error) closes what the read holds open in kintone.
 */
export interface InventoryReader {
  read(appId: string, options: ReadInventoryOptions): InventoryScan;
}
