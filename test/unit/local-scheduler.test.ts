import type { Context, ScheduledEvent } from 'aws-lambda';
import { describeGathering, gatheringFrom } from '../../local/gathering-option';
import { scheduledEventOf, startLocalScheduler } from '../../local/scheduler';
import { ConfigError } from '../../shared/config/load-config';

const context = () => ({ functionName: 'send-due-orders' }) as Context;
const at = new Date('2026-12-02T01:00:00.000Z');
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('startLocalScheduler', () => {
  it('runs one at a time: a second run starts after the first ends, each with the clock as it read when the run started', async () => {
    // Arrange
    const events: ScheduledEvent[] = [];
    let active = 0;
    let overlapped = false;
    let clock = at;
    const scheduler = startLocalScheduler({
      handler: async (event) => {
        active += 1;
        overlapped ||= active > 1;
        events.push(event);
        await wait(20);
        active -= 1;
        return events.length;
      },
      context,
      now: () => clock,
      intervalMs: false,
      onError: () => undefined,
      region: 'ap-northeast-1',
      ruleName: 'rule',
    });

    // Act
    const first = scheduler.runOnce();
    await wait(5); // the first run has started (and read the clock)
    clock = new Date(at.getTime() + 60_000);
    const second = scheduler.runOnce();
    const results = await Promise.all([first, second]);
    await scheduler.stop();

    // Assess
    expect(results).toEqual([1, 2]);
    expect(overlapped).toBe(false);
    expect(events.map((event) => event.time)).toEqual([
      '2026-12-02T01:00:00.000Z',
      '2026-12-02T01:01:00.000Z',
    ]);
  });

  it('reports a failed run to its caller and goes on with the next', async () => {
    // Arrange
    let calls = 0;
    const scheduler = startLocalScheduler({
      handler: async () => {
        calls += 1;
        if (calls === 1) throw new Error('due list unreadable');
        return 'ok';
      },
      context,
      now: () => at,
      intervalMs: false,
      onError: () => undefined,
      region: 'ap-northeast-1',
      ruleName: 'rule',
    });

    // Act + Assess
    await expect(scheduler.runOnce()).rejects.toThrow('due list unreadable');
    await expect(scheduler.runOnce()).resolves.toBe('ok');
    await scheduler.stop();
  });

  it('runs on its timer, logs a failed run, and stops running after stop()', async () => {
    // Arrange
    let calls = 0;
    const errors: unknown[] = [];
    const scheduler = startLocalScheduler({
      handler: async () => {
        calls += 1;
        if (calls === 2) throw new Error('once');
        return calls;
      },
      context,
      now: () => at,
      intervalMs: 10,
      onError: (error) => errors.push(error),
      region: 'ap-northeast-1',
      ruleName: 'rule',
    });

    // Act
    for (let waited = 0; calls < 3 && waited < 2_000; waited += 10) await wait(10);
    await scheduler.stop();
    const afterStop = calls;
    await wait(50);

    // Assess
    expect(afterStop).toBeGreaterThanOrEqual(3);
    expect(errors).toEqual([new Error('once')]);
    expect(calls).toBe(afterStop);
  });

  it('has no timer with intervalMs false', async () => {
    // Arrange
    let calls = 0;
    const scheduler = startLocalScheduler({
      handler: async () => (calls += 1),
      context,
      now: () => at,
      intervalMs: false,
      onError: () => undefined,
      region: 'ap-northeast-1',
      ruleName: 'rule',
    });

    // Act
    await wait(50);
    await scheduler.stop();

    // Assess
    expect(calls).toBe(0);
  });
});

describe('scheduledEventOf', () => {
  it("is EventBridge's scheduled event of a rule", () => {
    expect(scheduledEventOf(at, 'ap-northeast-1', 'send-due-orders')).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '000000000000',
      time: '2026-12-02T01:00:00.000Z',
      region: 'ap-northeast-1',
      resources: ['arn:aws:events:ap-northeast-1:000000000000:rule/send-due-orders'],
      detail: {},
    });
  });
});

describe('gatheringFrom (npm start -- --gathering)', () => {
  it.each([
    ['immediate', { rule: 'immediate' }],
    ['window:1', { rule: 'window', minutes: 1 }],
    [' window:30 ', { rule: 'window', minutes: 30 }],
    ['cutoff:10:00,15:00', { rule: 'cutoff', times: ['10:00', '15:00'] }],
  ])('reads %s', (text, rule) => {
    expect(gatheringFrom(text, undefined)).toEqual(rule);
  });

  it('prefers the option to BRIDGE_GATHERING, and is undefined without either', () => {
    expect(gatheringFrom('window:2', 'window:9')).toEqual({ rule: 'window', minutes: 2 });
    expect(gatheringFrom(undefined, 'window:9')).toEqual({ rule: 'window', minutes: 9 });
    expect(gatheringFrom(undefined, ' ')).toBeUndefined();
    expect(gatheringFrom(undefined, undefined)).toBeUndefined();
  });

  it.each(['window', 'window:0', 'window:1441', 'window:1.5', 'cutoff:25:00', 'weekly', ''])(
    'refuses %j, naming the source and the accepted forms',
    (text) => {
      expect(() => gatheringFrom(text, undefined)).toThrow(ConfigError);
      expect(() => gatheringFrom(text, undefined)).toThrow(
        /^--gathering must be immediate, window:<minutes 1-1440> or cutoff:<HH:MM>/,
      );
    },
  );

  it('says the rule in words', () => {
    expect(describeGathering({ rule: 'window', minutes: 1 })).toBe(
      'one order per supplier, sent 1 min after its first line',
    );
    expect(describeGathering({ rule: 'immediate' })).toBe('each record sent at once');
  });
});
