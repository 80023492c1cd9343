import type { BridgeStore, StoredOrder } from '../../shared/ports/bridge-store';

/**
 * Stores an order as the dispatcher keeps one made for table rows: the order at its lead row,
 * and a membership (the request without steps, not found by number) at every other row.
 */
export async function createRowOrder(store: BridgeStore, lead: StoredOrder): Promise<void> {
  await store.createOrder(lead);
  for (const member of lead.rows?.members ?? []) {
    if (member.itemRecordId === lead.recordId) continue;
    const { rows: _rows, ...order } = lead;
    await store.createOrder({
      ...order,
      recordId: member.itemRecordId,
      cycle: member.cycle,
      steps: {},
      memberOf: { recordId: lead.recordId, cycle: lead.cycle },
    });
  }
}
