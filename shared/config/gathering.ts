import type { AppConfig, BridgeConfig, GatheringRule } from './schema';

/**
 * The gathering rule of an app's items for one supplier: the supplier's own
 * (`suppliers.<code>.gathering`, such as its order deadlines, 締め時間) wins over the app's
 * (`apps[].gathering`). A supplier known by no code (only an email or fax number) takes the
 * app's.
 *
 * @example
 * // { "suppliers": { "S-002": { "gathering": { "rule": "cutoff", "times": ["15:00"] } } } }
 * gatheringFor(config, app, 'S-002'); // { rule: 'cutoff', times: ['15:00'] }
 * gatheringFor(config, app, undefined); // app.gathering
 */
export function gatheringFor(
  config: Pick<BridgeConfig, 'suppliers'>,
  app: AppConfig,
  supplierCode: string | undefined,
): GatheringRule {
  // An own-property lookup: a supplier code comes from a kintone record, and one spelled like an
  // Object.prototype key ("constructor") must not find anything there.
  const own =
    supplierCode !== undefined && Object.hasOwn(config.suppliers, supplierCode)
      ? config.suppliers[supplierCode]?.gathering
      : undefined;
  return own ?? app.gathering;
}

/** True when any of the app's items can wait for a gathered order (the app's rule or a supplier's). */
export function appMayGather(config: Pick<BridgeConfig, 'suppliers'>, app: AppConfig): boolean {
  return (
    app.gathering.rule !== 'immediate' ||
    Object.values(config.suppliers).some(
      (supplier) => supplier.gathering !== undefined && supplier.gathering.rule !== 'immediate',
    )
  );
}
