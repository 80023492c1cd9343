import type { SESClient } from '@aws-sdk/client-ses';
import { ConfigError, resolveSecret } from '../../config/load-config';
import type { BridgeConfig } from '../../config/schema';
import { renderOrderPdf, type OrderFormFontPaths } from '../../documents/order-form-pdf';
import type { FaxGateway, OutgoingFax, SentFax } from '../../ports/fax-gateway';
import type { SecretSource } from '../../ports/secret-source';
import { EmailToFaxGateway } from './email-to-fax-gateway';
import { phaxioCallbackSettings } from './phaxio-callback-settings';
import { PhaxioFaxGateway } from './phaxio-fax-gateway';
import type { FaxSending } from '../../ports/fax-gateway';

export interface FaxWiring {
  config: BridgeConfig;
  secrets: SecretSource;
  fonts: OrderFormFontPaths;
  /** For the email-to-fax gateway (SES raw email). */
  sesClient?: SESClient;
  configurationSetName?: string;
  /** Overrides of the configured Phaxio URLs (the local emulator, the deployed API's URL). */
  phaxioBaseUrl?: string;
  phaxioCallbackUrl?: string;
}

/**
 * The configured gateway, built on first use: its credentials come from the secret source,
 * which is asynchronous, and a deployment that never sends a fax never reads them.
 */
class LazyFaxGateway implements FaxGateway {
  private gateway: Promise<FaxGateway> | undefined;
  constructor(private readonly build: () => Promise<FaxGateway>) {}

  sendFax(fax: OutgoingFax): Promise<SentFax> {
    this.gateway ??= this.build().catch((error: unknown) => {
      // Do not cache a failure: the next attempt may find the secret readable again.
      this.gateway = undefined;
      throw error;
    });
    return this.gateway.then((gateway) => gateway.sendFax(fax));
  }
}

/** Builds fax sending from the configuration, or undefined when no fax gateway is configured. */
export function buildFaxSending(wiring: FaxWiring): FaxSending | undefined {
  const fax = wiring.config.fax;
  if (!fax) return undefined;
  const gatewayConfig = fax.gateway;
  const gateway = new LazyFaxGateway(async () => {
    if (gatewayConfig.type === 'phaxio') {
      const env = await wiring.secrets.get();
      const { callbackUrl } = await phaxioCallbackSettings(
        fax,
        wiring.secrets,
        wiring.phaxioCallbackUrl,
      );
      return new PhaxioFaxGateway({
        baseUrl: wiring.phaxioBaseUrl ?? gatewayConfig.baseUrl,
        apiKey: resolveSecret(gatewayConfig.apiKey, env, 'fax.gateway.apiKey'),
        apiSecret: resolveSecret(gatewayConfig.apiSecret, env, 'fax.gateway.apiSecret'),
        callbackUrl,
      });
    }
    if (!wiring.sesClient) throw new ConfigError('the email-to-fax gateway needs an SES client');
    return new EmailToFaxGateway({
      client: wiring.sesClient,
      from: wiring.config.company.email,
      fromName: wiring.config.company.name,
      gatewayDomain: gatewayConfig.domain,
      numberFormat: gatewayConfig.numberFormat,
      textCharset: gatewayConfig.textCharset,
      region: fax.region as NonNullable<
        ConstructorParameters<typeof EmailToFaxGateway>[0]['region']
      >,
      ...(wiring.configurationSetName ? { configurationSetName: wiring.configurationSetName } : {}),
    });
  });
  return {
    gateway,
    renderPdf: (request) => renderOrderPdf(request, wiring.fonts),
    region: fax.region,
  };
}
