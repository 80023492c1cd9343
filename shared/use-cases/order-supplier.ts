import { faxNumberReader } from '../edge/fax-number';
import type { AppConfig, BridgeConfig } from '../config/schema';
import { resolveChannels, type OrderChannel } from '../domain/channels';
import type { SupplierContact } from '../domain/item';
import type { BridgeLogger } from '../ports/logger';
import type { SupplierDirectory } from '../ports/supplier-directory';
import type { FaxHandoff, FaxSending } from '../ports/fax-gateway';

/** What finding the supplier needs: the master (optional), fax availability, the logger. */
export interface SupplierReachDeps {
  config: BridgeConfig;
  logger: BridgeLogger;
  fax?: FaxSending;
  /** Where other functions hand faxes to the fax function: fax is available as with `fax`. */
  faxHandoff?: FaxHandoff;
  suppliers?: SupplierDirectory;
}

/** The supplier to order from and the channels that reach them, or why none does. */
export type SupplierReach =
  { ok: true; contact: SupplierContact; channels: OrderChannel[] } | { ok: false; reason: string };

/**
 * Who an order goes to and how: the record's supplier overlaid with the supplier master, and
 * the channels resolved for it. Asked only when an order is due, so a notification that needs
 * no order costs no read of the master.
 */
export async function supplierReach(
  fromRecord: SupplierContact,
  app: AppConfig,
  deps: SupplierReachDeps,
): Promise<SupplierReach> {
  const { contact, missingFromMaster = '' } = await currentSupplier(fromRecord, deps);
  if (!contact.name) {
    return { ok: false, reason: `仕入先名がありません${missingFromMaster}` };
  }
  const faxRegion = (deps.fax ?? deps.faxHandoff)?.region;
  const channels = resolveChannels(contact, contact.channel ?? app.defaults.channel, {
    faxAvailable: faxRegion !== undefined,
    readFaxNumber: faxNumberReader(faxRegion ?? deps.config.fax?.region ?? 'JP'),
  });
  return channels.ok
    ? { ok: true, contact, channels: channels.channels }
    : { ok: false, reason: `${channels.reason}${missingFromMaster}` };
}

/**
 * The supplier to order from: the record's contact, overlaid with the supplier master's
 * non-empty values when a master is configured and knows the record's code. The master wins
 * because a lookup copies the values once, when the record is saved: a supplier's new address
 * reaches the master at once but the item records only when each is saved again.
 */
async function currentSupplier(
  fromRecord: SupplierContact,
  deps: SupplierReachDeps,
): Promise<{ contact: SupplierContact; missingFromMaster?: string }> {
  const code = fromRecord.code;
  if (!deps.suppliers || !code) return { contact: fromRecord };
  const master = await deps.suppliers.find(code);
  if (!master) {
    deps.logger.warn('supplier not in the supplier master; using the record', {
      supplierCode: code,
    });
    return {
      contact: fromRecord,
      missingFromMaster: ` (仕入先マスタに仕入先コード "${code}" がありません)`,
    };
  }
  const contact: SupplierContact = { ...fromRecord, code };
  if (master.name) contact.name = master.name;
  if (master.email) contact.email = master.email;
  if (master.fax) contact.fax = master.fax;
  if (master.channel) contact.channel = master.channel;
  return { contact };
}
