import type { SupplierScorecard } from '../domain/learning';

/** Writes suppliers' scorecards to the supplier master (config `learning.supplierFields`). */
export interface SupplierScorecardWriter {
  /**
   * Writes each scorecard to its supplier's record, found by supplier code; a code the master
   * does not have is skipped. Returns how many were written and the kintone calls spent.
   */
  write(
    scorecards: readonly SupplierScorecard[],
  ): Promise<{ written: number; kintoneCalls: number }>;
}
