import type { LedgerRecordValues, OrderLedger } from '../../shared/ports/order-ledger';

/**
 * The order app (発注管理) in memory: records by id, and every call named in `calls` as kintone
 * would count it (`find` a GET, `add` a POST, `update` a PUT, `comment` a POST).
 */
export class RecordingOrderLedger implements OrderLedger {
  readonly records = new Map<string, LedgerRecordValues>();
  readonly calls: string[] = [];
  private next = 1;

  async findByOrderNumber(orderNumber: string): Promise<string | undefined> {
    this.calls.push('find');
    return [...this.records].find(([, values]) => values['発注番号']?.value === orderNumber)?.[0];
  }

  async add(values: LedgerRecordValues): Promise<string> {
    this.calls.push('add');
    const id = String(this.next++);
    this.records.set(id, values);
    return id;
  }

  async update(recordId: string, values: LedgerRecordValues): Promise<void> {
    this.calls.push('update');
    this.records.set(recordId, { ...this.records.get(recordId), ...values });
  }

  async addComment(): Promise<void> {
    this.calls.push('comment');
  }

  /** The value of `field` on the only record. */
  shown(field: string): unknown {
    const [record, ...more] = [...this.records.values()];
    if (!record || more.length > 0)
      throw new Error(`expected one record, not ${this.records.size}`);
    return record[field]?.value;
  }
}
