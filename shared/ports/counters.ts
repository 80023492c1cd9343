/** Atomic counters: of concurrent callers exactly one sees each number. */
export interface Counters {
  /**
   * Counts one request to an order's page in a time window (such as `2026-11-29T07`, one
   * hour) and returns the count so far, this request included.
   */
  countPageRequest(orderNumber: string, window: string): Promise<number>;

  /**
   * Counts one kintone API request to an app on a quota day (`YYYY-MM-DD`, from
   * `kintoneQuotaDay(now)`) and returns the day's count so far, this request included.
   */
  countKintoneCall(appId: string, day: string): Promise<number>;
}
