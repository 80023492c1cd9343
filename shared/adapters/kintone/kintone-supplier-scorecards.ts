import type { KintoneRestAPIClient } from '@kintone/rest-api-client';
import type { LearningConfig } from '../../config/learning';
import type { SupplierMasterConfig } from '../../config/schema';
import type { SupplierScorecard } from '../../domain/learning';
import type { SupplierScorecardWriter } from '../../ports/supplier-scorecards';
import type { KintoneCallBudget } from './kintone-call-budget';
import { inQuery } from '../../kintone/query';

/** kintone's limit of records per bulk update (and the codes read per query here). */
const RECORDS_PER_CALL = 100;

type ScorecardFields = NonNullable<LearningConfig['supplierFields']>;

/** What this adapter uses of the official client. */
export interface ScorecardRecordsClient {
  record: Pick<KintoneRestAPIClient['record'], 'getRecords' | 'updateRecords'>;
}

/** The values a scorecard writes, by the configured field codes (empty for what is unknown). */
export function scorecardValues(
  fields: ScorecardFields,
  card: SupplierScorecard,
): Record<string, { value: string }> {
  const values: Record<string, { value: string }> = {};
  const put = (code: string | undefined, value: number | undefined, digits: number) => {
    if (code !== undefined)
      values[code] = { value: value === undefined ? '' : value.toFixed(digits) };
  };
  put(fields.otifRate, card.otifRate === undefined ? undefined : card.otifRate * 100, 1);
  put(fields.medianAnswerHours, card.medianAnswerHours, 1);
  put(fields.leadTimeDays, card.leadTime?.mean, 1);
  put(fields.leadTimeDeviation, card.leadTime?.standardDeviation, 1);
  return values;
}

/**
 * {@link SupplierScorecardWriter} on the kintone supplier master: per 100 suppliers, one read
 * of which codes the master has and one bulk update of their records by code (`updateKey`, the
 * code field prohibits duplicates). The master's API token needs edit permission on the
 * scorecard fields.
 *
 * @example
 * const writer = new KintoneSupplierScorecards(config.supplierMaster, fields, client);
 * await writer.write(scorecards); // { written: 12, kintoneCalls: 2 }
 */
export class KintoneSupplierScorecards implements SupplierScorecardWriter {
  constructor(
    private readonly master: SupplierMasterConfig,
    private readonly fields: ScorecardFields,
    private readonly client: () => Promise<ScorecardRecordsClient>,
    private readonly budget?: Pick<KintoneCallBudget, 'call'>,
  ) {}

  async write(
    scorecards: readonly SupplierScorecard[],
  ): Promise<{ written: number; kintoneCalls: number }> {
    const cards = scorecards.filter((card) => card.supplierCode !== '');
    const client = await this.client();
    const app = this.master.appId;
    const codeField = this.master.fields.code;
    const call = <T>(request: () => Promise<T>) =>
      this.budget ? this.budget.call(app, request) : request();
    let written = 0;
    let kintoneCalls = 0;
    for (let start = 0; start < cards.length; start += RECORDS_PER_CALL) {
      const batch = cards.slice(start, start + RECORDS_PER_CALL);
      const { records } = await call(() =>
        client.record.getRecords({
          app,
          query: inQuery(
            codeField,
            batch.map((card) => card.supplierCode),
          ),
          fields: ['$id', codeField],
        }),
      );
      kintoneCalls += 1;
      // Written by record id (the read found them), so the code field need not be unique.
      const idOf = new Map(
        records.map((record) => [
          String(record[codeField]?.value ?? ''),
          String(record.$id?.value),
        ]),
      );
      const updates = batch.flatMap((card) => {
        const id = idOf.get(card.supplierCode);
        return id === undefined ? [] : [{ id, record: scorecardValues(this.fields, card) }];
      });
      if (updates.length === 0) continue;
      await call(() => client.record.updateRecords({ app, records: updates }));
      kintoneCalls += 1;
      written += updates.length;
    }
    return { written, kintoneCalls };
  }
}
