import * as learning from '../../../shared/domain/learning';
import { pick, poisson, simulateItem, TIME_ZONE, weekdays } from './generate';

describe('the learning API (index), the flow its doc comment shows', () => {
  it('goes from observations and receipts to a suggestion worth writing once', () => {
    const item = simulateItem({
      seed: 42,
      days: 120,
      demand: (random) => poisson(random, 5),
      leadTime: (random) => pick(random, [2, 3, 4]),
      orderAt: 60,
      orderQuantity: 30,
      initialStock: 90,
      correctionChance: 0.05,
    });
    const history = learning.demandHistory(item.observations, {
      isBusinessDay: weekdays,
      timeZone: TIME_ZONE,
      through: item.through,
    });
    expect(history.days).toHaveLength(learning.DEFAULT_DEMAND_WINDOW_DAYS);
    const demand = learning.estimateDemand(history.days.map((day) => day.quantity));
    const learned = learning.learnLeadTimes(item.receipts, {
      isBusinessDayFor: () => weekdays,
      timeZone: TIME_ZONE,
    });
    const leadTime = learning.leadTimeFor(learned, 'S-1', 'A-1');
    expect(leadTime?.scope).toBe('item');
    const result = learning.suggestReorder({
      demand,
      leadTime: learning.planningLeadTime(leadTime as learning.LeadTimeEstimate),
    });
    if (result.kind !== 'suggestion') throw new Error(result.reason);
    expect(result.reason).toMatch(
      /^平均出荷 \d+\.\d\/日 × リードタイム \d\.\d日 \+ 安全在庫 \d+ \(サービス率95%\)/,
    );
    expect(learning.changedMaterially(undefined, result)).toBe(true);
    expect(learning.changedMaterially(result, result)).toBe(false);
  });
});
