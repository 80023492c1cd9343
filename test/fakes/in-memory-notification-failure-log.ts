import {
  assertFailedAttempt,
  parkedSortKey,
  storedFailureError,
} from '../../shared/adapters/dynamodb/dynamodb-notification-failure-log';
import type {
  FailedAttempt,
  NotificationFailure,
  NotificationFailureLog,
} from '../../shared/ports/notification-failures';

/**
 * {@link NotificationFailureLog} in memory, with the DynamoDB adapter's rules (same error text
 * trimming, same validation, parked ones in parking order); the contract test runs against both.
 * Values are copied in and out, so a test cannot change the log by mutating a result.
 *
 * @example
 * const failures = new InMemoryNotificationFailureLog();
 * await makeDispatchHandler({ ...deps, failures })(event, context);
 * expect(await failures.findFailure('n-1')).toMatchObject({ attempts: 1 });
 */
export class InMemoryNotificationFailureLog implements NotificationFailureLog {
  /** Every attempt recorded, in order (copies), for tests that check what the handler reported. */
  readonly attempts: FailedAttempt[] = [];

  private readonly failures = new Map<string, { failure: NotificationFailure; sortKey?: string }>();

  async recordFailure(attempt: FailedAttempt): Promise<void> {
    assertFailedAttempt(attempt);
    this.attempts.push(structuredClone(attempt));
    const previous = this.failures.get(attempt.notificationId)?.failure;
    const failure: NotificationFailure = {
      notificationId: attempt.notificationId,
      messageId: attempt.messageId,
      ...pick(previous, attempt, 'appId'),
      ...pick(previous, attempt, 'recordId'),
      ...pick(previous, attempt, 'type'),
      lastError: storedFailureError(attempt.error),
      disposition: attempt.disposition,
      attempts: (previous?.attempts ?? 0) + 1,
      firstFailedAt: previous?.firstFailedAt ?? attempt.at,
      lastFailedAt: attempt.at,
    };
    const parked = attempt.disposition === 'parked';
    const body = parked ? (attempt.body ?? previous?.body) : undefined;
    if (body !== undefined) failure.body = body;
    this.failures.set(attempt.notificationId, {
      failure,
      ...(parked ? { sortKey: parkedSortKey(attempt.at, attempt.notificationId) } : {}),
    });
  }

  async findFailure(notificationId: string): Promise<NotificationFailure | undefined> {
    const entry = this.failures.get(notificationId);
    return entry && structuredClone(entry.failure);
  }

  async listParked(): Promise<NotificationFailure[]> {
    return [...this.failures.values()]
      .filter((entry): entry is { failure: NotificationFailure; sortKey: string } =>
        Boolean(entry.sortKey),
      )
      .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0))
      .map((entry) => structuredClone(entry.failure));
  }

  async clearFailure(notificationId: string): Promise<void> {
    this.failures.delete(notificationId);
  }
}

/** The attempt's value of an optional field, else the one recorded before (as the adapter's SET). */
function pick<K extends 'appId' | 'recordId' | 'type'>(
  previous: NotificationFailure | undefined,
  attempt: FailedAttempt,
  key: K,
): Partial<Pick<NotificationFailure, K>> {
  const value = attempt[key] ?? previous?.[key];
  return value === undefined ? {} : ({ [key]: value } as Partial<Pick<NotificationFailure, K>>);
}
