import { SESClient } from '@aws-sdk/client-ses';
import { SesOrderMailer } from '../shared/adapters/ses/ses-order-mailer';
import {
  orderLinkSigner,
  supplierPageSettings,
} from '../shared/adapters/supplier/order-link-signer';
import type { Env } from '../shared/config/env';
import type { BridgeConfig } from '../shared/config/schema';
import type { FaxSending } from '../shared/ports/fax-gateway';
import type { OrderLinkSigner } from '../shared/ports/order-links';
import type { SecretSource } from '../shared/ports/secret-source';
import { awsClientConfig } from './common-wiring';
import { faxSendingFromEnv } from './fax-wiring';

/** What every function that sends an order request needs: SES, the fax gateway, the link signer. */
export interface OrderSending {
  /** One SES client for the mailer, the email-to-fax gateway and approval mails. */
  sesClient: SESClient;
  mailer: SesOrderMailer;
  fax?: FaxSending;
  orderLinks?: OrderLinkSigner;
}

/**
 * Builds the order-sending adapters from the environment, the same way for the dispatcher (an
 * immediate order) and the scheduled send (a gathered one), so the two can never send
 * differently. Environment: `SES_CONFIGURATION_SET`, `SUPPLIER_PAGE_BASE_URL`,
 * `AWS_ENDPOINT_URL_SES` and the fax settings of `faxSendingFromEnv`.
 */
export function orderSendingFromEnv(
  env: Env,
  deps: { config: BridgeConfig; secrets: SecretSource },
): OrderSending {
  const { config, secrets } = deps;
  const configurationSetName = env.SES_CONFIGURATION_SET?.trim();
  const sesClient = new SESClient(awsClientConfig(env, 'SES'));
  const mailer = new SesOrderMailer({
    client: sesClient,
    ...(configurationSetName ? { configurationSetName } : {}),
  });
  const fax = faxSendingFromEnv(env, { config, secrets }, sesClient);
  // Links go to the order page function behind the same HTTP API; its URL comes from the stack.
  const orderLinks = config.supplierPage
    ? orderLinkSigner(
        supplierPageSettings(config.supplierPage, secrets, env.SUPPLIER_PAGE_BASE_URL),
      )
    : undefined;
  return {
    sesClient,
    mailer,
    ...(fax ? { fax } : {}),
    ...(orderLinks ? { orderLinks } : {}),
  };
}
