import type { SupplierContact } from '../../shared/domain/item';
import type { SupplierDirectory } from '../../shared/ports/supplier-directory';

/** {@link SupplierDirectory} in memory, recording the codes it is asked for. */
export class InMemorySupplierDirectory implements SupplierDirectory {
  readonly lookups: string[] = [];

  constructor(private readonly suppliers: Record<string, SupplierContact>) {}

  async find(code: string): Promise<SupplierContact | undefined> {
    this.lookups.push(code);
    return this.suppliers[code];
  }
}
