import { ConfigError, resolveSecret } from '../../config/load-config';
import type { SupplierPageConfig } from '../../config/schema';
import type { SupplierContact } from '../../domain/item';
import type { SecretSource } from '../../ports/secret-source';
import { orderLinkExpiry, orderPageUrl, signOrderLink } from '../../edge/order-link';
import { supplierIdentity } from '../../domain/supplier-answer';
import type { OrderLinkSigner } from '../../ports/order-links';
import type { ApprovalLinkSigner } from '../../ports/approval-mailer';
import { approvalPageUrl, signApprovalLink } from '../../edge/approval-link';

/** Where the order page lives and how its links are signed, resolved for one deployment. */
export interface SupplierPageSettings {
  /** Public base URL of the HTTP API; pages are `${baseUrl}/o/<token>`. */
  baseUrl: string;
  linkTtlDays: number;
  /** The current signing key, read through the (cached) secret source on every call. */
  signingKey: () => Promise<string>;
}

/**
 * Resolves the order page settings: the base URL from the configuration, else from
 * `baseUrlFallback` (the stack's own URL, or the local bridge's), and the signing key from the
 * secret source, so a rotated key is picked up without a redeploy.
 *
 * @throws ConfigError when neither gives a base URL.
 * @example
 * const settings = supplierPageSettings(config.supplierPage, secrets, env.SUPPLIER_PAGE_BASE_URL);
 */
export function supplierPageSettings(
  page: SupplierPageConfig,
  secrets: SecretSource,
  baseUrlFallback: string | undefined,
): SupplierPageSettings {
  const baseUrl = page.baseUrl ?? baseUrlFallback?.trim();
  if (!baseUrl) {
    throw new ConfigError(
      'supplierPage.baseUrl is not set (the public URL of the HTTP API); set it or SUPPLIER_PAGE_BASE_URL',
    );
  }
  return { baseUrl, linkTtlDays: page.linkTtlDays, signingKey: orderLinkKey(page, secrets) };
}

/**
 * The key that signs and checks order links, resolved on every call from the (cached) secret
 * source, so a rotated key is picked up without a redeploy.
 *
 * @throws ConfigError (from the returned function) when the secret is not set.
 * @example
 * const signingKey = orderLinkKey(config.supplierPage, secrets);
 * verifyOrderLink(token, await signingKey(), supplier, now);
 */
export function orderLinkKey(
  page: SupplierPageConfig,
  secrets: SecretSource,
): () => Promise<string> {
  return async () =>
    resolveSecret(page.signingKey, await secrets.get(), 'supplierPage.signingKey', (name) =>
      secrets.describe(name),
    );
}

/**
 * Signs order page links for new orders: bound to the order number and the supplier's
 * identity, valid for the configured number of days from the order.
 *
 * @example
 * const links = orderLinkSigner(settings);
 * await links.sign('PO-20261128-0001', supplier, now); // 'https://.../o/PO-20261128-0001.tqhdog.…'
 */
export function orderLinkSigner(settings: SupplierPageSettings): OrderLinkSigner {
  return {
    async sign(orderNumber: string, supplier: SupplierContact, now: Date): Promise<string> {
      const token = signOrderLink(
        {
          orderNumber,
          supplier: supplierIdentity(supplier),
          expiresAt: orderLinkExpiry(now, settings.linkTtlDays),
        },
        await settings.signingKey(),
      );
      return orderPageUrl(settings.baseUrl, token);
    },
  };
}

/**
 * Signs the approver's one-click links (`/a/<token>`), with a key derived from the order page's
 * signing key for this purpose only (see `edge/approval-link`), valid `ttlDays`.
 */
export function approvalLinkSigner(
  settings: SupplierPageSettings,
  ttlDays: number,
): ApprovalLinkSigner {
  return {
    async sign(orderNumber: string, now: Date): Promise<string> {
      const token = signApprovalLink(orderNumber, await settings.signingKey(), now, ttlDays);
      return approvalPageUrl(settings.baseUrl, token);
    },
  };
}
