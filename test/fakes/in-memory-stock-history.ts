import type {
  ItemStockObservation,
  LearningRunClaim,
  StockHistory,
  WrittenSuggestion,
} from '../../shared/ports/stock-history';

/**
 * {@link StockHistory} in memory, with the semantics of `DynamoDbStockHistory` (checked by the
 * same contract suite, `test/integration/stock-history.contract.test.ts`): one entry per
 * `record` call, listed oldest first; values copied in and out; every call recorded in
 * {@link InMemoryStockHistory.calls}.
 *
 * @example
 * const history = new InMemoryStockHistory();
 * await history.record('12', 'n-1', [observation]);
 * expect(history.callsOf('record')).toHaveLength(1);
 */
export class InMemoryStockHistory implements StockHistory {
  readonly calls: Array<{ method: keyof StockHistory; appId: string }> = [];
  /** Entries by app and sk: recording the same key again replaces the entry, as a Put does. */
  private readonly entries = new Map<
    string,
    { appId: string; sk: string; rows: ItemStockObservation[] }
  >();
  private readonly written = new Map<string, WrittenSuggestion>();
  private readonly runs = new Map<
    string,
    { day: string; state: 'running' | 'done' | 'failed'; until: number; attempt: number }
  >();

  record(
    appId: string,
    notificationId: string,
    observations: readonly ItemStockObservation[],
  ): Promise<void> {
    this.calls.push({ method: 'record', appId });
    const [first] = observations;
    if (first) {
      const sk = `${first.at}#${notificationId}`;
      const rows = observations.map((row) => structuredClone({ ...row, appId, at: first.at }));
      this.entries.set(`${appId}\u0000${sk}`, { appId, sk, rows });
    }
    return Promise.resolve();
  }

  list(appId: string, from: string, to: string): Promise<ItemStockObservation[]> {
    this.calls.push({ method: 'list', appId });
    return Promise.resolve(
      [...this.entries.values()]
        .filter((entry) => entry.appId === appId)
        .sort((a, b) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0))
        .flatMap((entry) => entry.rows)
        .filter((row) => row.at >= from && row.at < to)
        .map((row) => structuredClone(row)),
    );
  }

  lastWritten(appId: string): Promise<WrittenSuggestion[]> {
    this.calls.push({ method: 'lastWritten', appId });
    return Promise.resolve(
      [...this.written]
        .filter(([key]) => key.startsWith(`${appId}\u0000`))
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([, value]) => ({ ...value })),
    );
  }

  rememberWritten(appId: string, written: readonly WrittenSuggestion[]): Promise<void> {
    this.calls.push({ method: 'rememberWritten', appId });
    for (const entry of written) this.written.set(`${appId}\u0000${entry.itemId}`, { ...entry });
    return Promise.resolve();
  }

  claimRun(
    appId: string,
    day: string,
    now: Date,
    holdUntil: Date,
  ): Promise<LearningRunClaim | undefined> {
    this.calls.push({ method: 'claimRun', appId });
    const last = this.runs.get(appId);
    let attempt = 1;
    if (last !== undefined && last.day > day) return Promise.resolve(undefined);
    if (last?.day === day) {
      if (last.state === 'done' || last.until > now.getTime()) return Promise.resolve(undefined);
      attempt = last.attempt + 1;
    }
    this.runs.set(appId, { day, state: 'running', until: holdUntil.getTime(), attempt });
    return Promise.resolve({ attempt });
  }

  finishRun(appId: string, day: string): Promise<void> {
    this.calls.push({ method: 'finishRun', appId });
    const run = this.runs.get(appId);
    if (run?.day === day) run.state = 'done';
    return Promise.resolve();
  }

  failRun(appId: string, day: string, retryAt: Date): Promise<void> {
    this.calls.push({ method: 'failRun', appId });
    const run = this.runs.get(appId);
    if (run?.day === day && run.state !== 'done') {
      run.state = 'failed';
      run.until = retryAt.getTime();
    }
    return Promise.resolve();
  }

  /** The calls of one method. */
  callsOf(method: keyof StockHistory): Array<{ method: keyof StockHistory; appId: string }> {
    return this.calls.filter((call) => call.method === method);
  }
}
