import {
  KintoneSupplierScorecards,
  type ScorecardRecordsClient,
} from '../../shared/adapters/kintone/kintone-supplier-scorecards';
import type { SupplierScorecard } from '../../shared/domain/learning';
import { learnReorderPoints } from '../../shared/use-cases/learn-reorder-points';
import { FIELDS, feedSimulation, learningDeps } from '../support/learning-simulation';

/** The demo configuration's supplier master (app 13, codes in 仕入先コード). */
const MASTER = (() => {
  const master = learningDeps().deps.config.supplierMaster;
  if (!master) throw new Error('config/demo.json has no supplierMaster');
  return master;
})();
const SUPPLIER_FIELDS = { otifRate: '納期遵守率', leadTimeDays: '実績リードタイム' };

/** A supplier master with the given codes that records the bulk updates it takes. */
function masterClient(codes: readonly string[]) {
  const updates: unknown[] = [];
  const client = {
    record: {
      getRecords: ({ query }: { query: string }) =>
        Promise.resolve({
          records: codes
            .filter((code) => query.includes(`"${code}"`))
            .map((code, index) => ({
              $id: { value: String(index + 1) },
              仕入先コード: { value: code },
            })),
          totalCount: null,
        }),
      updateRecords: (params: unknown) => {
        updates.push(params);
        return Promise.resolve({ records: [] });
      },
    },
  } as unknown as ScorecardRecordsClient;
  return { client, updates };
}

function card(supplierCode: string, otifRate: number | undefined): SupplierScorecard {
  return {
    supplierCode,
    orders: 4,
    judged: 4,
    onTimeInFull: 3,
    otifRate,
    answered: 2,
    medianAnswerHours: 5,
    leadTime: { receipts: 4, ewma: 5, lastThree: 5, mean: 5, standardDeviation: 0.5 },
  };
}

describe('supplier scorecards on the supplier master (issue 14)', () => {
  it('writes each known supplier, found by its code, in one bulk update by record id, skipping codes the master lacks', async () => {
    // Prepare
    const { client, updates } = masterClient(['S-1']);
    const writer = new KintoneSupplierScorecards(MASTER, SUPPLIER_FIELDS, () =>
      Promise.resolve(client),
    );

    // Act
    const result = await writer.write([card('S-1', 0.75), card('S-9', undefined)]);

    // Assess
    expect(result).toEqual({ written: 1, kintoneCalls: 2 });
    expect(updates).toEqual([
      {
        app: '13',
        records: [
          {
            id: '1',
            record: { 納期遵守率: { value: '75.0' }, 実績リードタイム: { value: '5.0' } },
          },
        ],
      },
    ]);
  });

  it('the daily run writes the scorecards of the suppliers its histories name', async () => {
    // Prepare
    const subject = learningDeps({ fields: FIELDS });
    subject.deps.config.learning = {
      serviceLevel: 0.95,
      windowDays: 60,
      orderCycleDays: 10,
      fields: {},
      correctionLabels: ['棚卸'],
      overwriteStaffFields: false,
      shadow: false,
      supplierFields: SUPPLIER_FIELDS,
    };
    const written: SupplierScorecard[][] = [];
    subject.deps.scorecards = {
      write: (cards) => {
        written.push([...cards]);
        return Promise.resolve({ written: cards.length, kintoneCalls: 2 });
      },
    };
    const now = await feedSimulation(subject, 5);

    // Act
    const outcome = await learnReorderPoints(subject.deps, now);

    // Assess
    expect(outcome.scorecards).toBe(1);
    expect(outcome.kintoneCalls).toBe(3);
    expect(written[0]).toEqual([
      expect.objectContaining({
        supplierCode: 'S-1',
        otifRate: 1,
        leadTime: expect.objectContaining({ mean: 5 }),
      }),
    ]);
  });
});
