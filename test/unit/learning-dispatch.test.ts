import { processNotification } from '../../shared/use-cases/process-notification';
import { InMemoryStockHistory } from '../fakes/in-memory-stock-history';
import { dispatchHarness, lowNotification, type HarnessOptions } from '../support/dispatch-harness';

const EVER = ['2000-01-01T00:00:00.000Z', '2100-01-01T00:00:00.000Z'] as const;

function learningHarness(
  learning: Record<string, unknown> | undefined,
  options: HarnessOptions = {},
) {
  const harness = dispatchHarness({
    ...options,
    configure: (raw) => {
      if (learning) raw.learning = learning;
      options.configure?.(raw);
    },
  });
  const history = new InMemoryStockHistory();
  harness.deps.stockHistory = history;
  return { ...harness, history };
}

describe('the dispatcher feeds the learning (issue 14)', () => {
  it('records the stock, the levels staff set and the order it placed, in one write', async () => {
    // Prepare
    const { deps, history, mailer } = learningHarness({});

    // Act
    const outcome = await processNotification(lowNotification(), deps);

    // Assess
    expect(mailer.sent).toHaveLength(1);
    expect(history.callsOf('record')).toHaveLength(1);
    await expect(history.list('12', ...EVER)).resolves.toEqual([
      expect.objectContaining({
        appId: '12',
        itemId: '7',
        sku: 'A-100',
        quantity: 18,
        reorderPoint: 20,
        maxStock: 100,
        at: '2026-11-28T02:15:00.000Z',
        ordered: { orderNumber: outcome.orderNumber, quantity: 84 },
      }),
    ]);
  });

  it('records 入出庫区分 as the record shows it, when the app maps it', async () => {
    // Prepare: app 12 maps its 入出庫区分 field (kintone sends it with the record).
    const { deps, history } = learningHarness(
      {},
      {
        configure: (raw) => {
          const app = raw.apps.find((candidate) => candidate.appId === '12');
          if (app) (app.fields as Record<string, string>).stockChangeReason = '入出庫区分';
        },
      },
    );

    // Act
    await processNotification(lowNotification({ values: { 入出庫区分: '棚卸' } }), deps);

    // Assess
    await expect(history.list('12', ...EVER)).resolves.toEqual([
      expect.objectContaining({ itemId: '7', quantity: 18, changeReason: '棚卸' }),
    ]);
  });

  it('records nothing for an app that does not learn', async () => {
    const { deps, history } = learningHarness(undefined);
    await processNotification(lowNotification(), deps);
    expect(history.calls).toEqual([]);
  });

  it('marks the receipt of the line staff closed as 入荷済 with what it brought', async () => {
    // Prepare
    const { deps, history, advance } = learningHarness({});
    const placed = await processNotification(lowNotification({ id: 'n-1', revision: 5 }), deps);
    advance(60 * 24 * 3);

    // Act
    await processNotification(
      lowNotification({
        id: 'n-2',
        revision: 7,
        values: { 在庫数: '96', 発注状況: '入荷済', 発注番号: placed.orderNumber ?? '' },
      }),
      deps,
    );

    // Assess
    const listed = await history.list('12', ...EVER);
    expect(listed.at(-1)).toMatchObject({
      quantity: 96,
      cause: { kind: 'receipt', received: 84 },
    });
  });

  it('in shadow mode records the order it would place and sends nothing', async () => {
    // Prepare
    const { deps, history, mailer, state, kintone } = learningHarness({ shadow: true });

    // Act
    const outcome = await processNotification(lowNotification(), deps);

    // Assess
    expect(mailer.sent).toEqual([]);
    expect(state.allOrders()).toEqual([]);
    expect([...kintone.updates, ...kintone.comments]).toEqual([]);
    expect(outcome.decision).toEqual({
      kind: 'no-order',
      reason: expect.stringMatching(/^シャドーモード \(送信していません\): /),
    });
    const [observed] = await history.list('12', ...EVER);
    expect(observed).toMatchObject({ quantity: 18, wouldOrder: { quantity: 84 } });
    expect(observed?.ordered).toBeUndefined();
  });

  it('never fails a notification for the learning: a failed write is logged', async () => {
    // Prepare
    const { deps, history, mailer, logger } = learningHarness({});
    history.record = () => Promise.reject(new Error('ProvisionedThroughputExceededException'));

    // Act
    await processNotification(lowNotification(), deps);

    // Assess
    expect(mailer.sent).toHaveLength(1);
    expect(logger.entries.map((entry) => entry.message)).toContain(
      'stock history not recorded: the learning misses this change',
    );
  });
});
