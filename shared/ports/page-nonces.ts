/** One-time nonces of the order page's answer form (so a form is submitted once). */
export interface PageNonces {
  /**
   * Remembers a nonce rendered into an order page's form, valid for that order until
   * `expiresAt` (epoch seconds). Nonces are random; issuing the same one twice replaces it.
   */
  issuePageNonce(orderNumber: string, nonce: string, expiresAt: number): Promise<void>;

  /**
   * Uses up a page nonce: true exactly once for a nonce issued for this order and not expired
   * at `now`; false when it is unknown, expired, issued for another order or already used.
   */
  consumePageNonce(orderNumber: string, nonce: string, now: Date): Promise<boolean>;
}
