import type { SESClient } from '@aws-sdk/client-ses';
import type { KintoneCallBudget } from '../shared/adapters/kintone/kintone-call-budget';
import { buildOrderLedger } from '../shared/adapters/kintone/kintone-order-ledger';
import { SesApprovalMailer } from '../shared/adapters/ses/ses-approval-mailer';
import {
  approvalLinkSigner,
  supplierPageSettings,
} from '../shared/adapters/supplier/order-link-signer';
import type { Env } from '../shared/config/env';
import type { BridgeConfig } from '../shared/config/schema';
import type { SecretSource } from '../shared/ports/secret-source';
import type { CompleteOrderDeps } from '../shared/use-cases/complete-order';

/**
 * The order app (発注管理) and approval collaborators of the functions that complete orders
 * (dispatch, send-due-orders): the ledger when `orderApp` is configured, the approver's mailer
 * when `approval.approverEmail` is, and the one-click link signer when approval goes by link
 * (no order app; needs `supplierPage` for its key and URL).
 */
export function approvalDepsFromEnv(
  env: Env,
  parts: {
    config: BridgeConfig;
    secrets: SecretSource;
    kintoneBaseUrl: string;
    budget: KintoneCallBudget;
    sesClient: SESClient;
  },
): Pick<CompleteOrderDeps, 'ledger' | 'approvalMailer' | 'approvalLinks'> {
  const { config, secrets, kintoneBaseUrl, budget, sesClient } = parts;
  const ledger = buildOrderLedger(config, secrets, kintoneBaseUrl, { budget });
  const configurationSetName = env.SES_CONFIGURATION_SET?.trim();
  const approvalMailer =
    config.approval?.approverEmail !== undefined
      ? new SesApprovalMailer({
          client: sesClient,
          ...(configurationSetName ? { configurationSetName } : {}),
        })
      : undefined;
  const approvalLinks =
    config.approval && !config.orderApp && config.supplierPage
      ? approvalLinkSigner(
          supplierPageSettings(config.supplierPage, secrets, env.SUPPLIER_PAGE_BASE_URL),
          config.approval.linkTtlDays,
        )
      : undefined;
  return {
    ...(ledger ? { ledger } : {}),
    ...(approvalMailer ? { approvalMailer } : {}),
    ...(approvalLinks ? { approvalLinks } : {}),
  };
}
