import { SESClient } from '@aws-sdk/client-ses';
import { SesOrderMailer } from '../shared/adapters/ses/ses-order-mailer';
import {
  orderLinkSigner,
  supplierPageSettings,
} from '../shared/adapters/supplier/order-link-signer';
import type { Env } from '../shared/config/env';
import type { BridgeConfig } from '../shared/config/schema';
import type { FaxHandoff } from '../shared/ports/fax-gateway';
import type { OrderLinkSigner } from '../shared/ports/order-links';
import type { SecretSource } from '../shared/ports/secret-source';
import type { CompleteOrderDeps } from '../shared/use-cases/complete-order';
import { approvalDepsFromEnv } from './approval-wiring';
import { awsClientConfig, type CommonWiring, type WiringOverrides } from './common-wiring';
import { faxHandoffFromEnv } from './fax-handoff-wiring';

/**
 * What every function that sends an order request needs: SES, the handoff of faxes to the fax
 * function, the link signer.
 */
export interface OrderSending {
  /** One SES client for the mailer and approval mails. */
  sesClient: SESClient;
  mailer: SesOrderMailer;
  faxHandoff?: FaxHandoff;
  orderLinks?: OrderLinkSigner;
}

/**
 * Builds the order-sending adapters from the environment, the same way for the dispatcher (an
 * immediate order) and the scheduled send (a gathered one), so the two can never send
 * differently. Environment: `SES_CONFIGURATION_SET`, `SUPPLIER_PAGE_BASE_URL`,
 * `AWS_ENDPOINT_URL_SES` and `FAX_QUEUE_URL` (see `faxHandoffFromEnv`). Faxes are rendered and
 * sent by the fax function alone, so these functions never load the PDF renderer.
 */
export function orderSendingFromEnv(
  env: Env,
  deps: { config: BridgeConfig; secrets: SecretSource },
  overrides: Pick<WiringOverrides, 'faxQueue'> = {},
): OrderSending {
  const { config, secrets } = deps;
  const configurationSetName = env.SES_CONFIGURATION_SET?.trim();
  const sesClient = new SESClient(awsClientConfig(env, 'SES'));
  const mailer = new SesOrderMailer({
    client: sesClient,
    ...(configurationSetName ? { configurationSetName } : {}),
  });
  const faxHandoff = faxHandoffFromEnv(env, config, overrides);
  // Links go to the order page function behind the same HTTP API; its URL comes from the stack.
  const orderLinks = config.supplierPage
    ? orderLinkSigner(
        supplierPageSettings(config.supplierPage, secrets, env.SUPPLIER_PAGE_BASE_URL),
      )
    : undefined;
  return {
    sesClient,
    mailer,
    ...(faxHandoff ? { faxHandoff } : {}),
    ...(orderLinks ? { orderLinks } : {}),
  };
}

/** The collaborators {@link orderCompletionFromEnv} builds. */
export type OrderCompletion = Omit<OrderSending, 'sesClient'> &
  Pick<CompleteOrderDeps, 'ledger' | 'approvalMailer' | 'approvalLinks'>;

/**
 * What the functions that complete orders (dispatch, send-due-orders) send and record them
 * with: {@link orderSendingFromEnv}'s mailer, fax handoff and link signer, and
 * `approvalDepsFromEnv`'s order ledger and approval collaborators, on one SES client. Only the
 * parts the configuration has are set, so the result spreads into the handler's deps.
 */
export function orderCompletionFromEnv(
  env: Env,
  common: Pick<CommonWiring, 'config' | 'secrets' | 'kintoneBaseUrl' | 'budget'>,
  overrides: Pick<WiringOverrides, 'faxQueue'> = {},
): OrderCompletion {
  const { sesClient, ...sending } = orderSendingFromEnv(env, common, overrides);
  return { ...sending, ...approvalDepsFromEnv(env, { ...common, sesClient }) };
}
