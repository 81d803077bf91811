import { describe, expect, it, vi } from 'vitest';
import { IdempotencyKeyTakenError, ItemExistsError, StaleItemError } from '../../shared/data/errors';
import {
  backoffMs,
  isTransientCancellation,
  itemCreation,
  layoutRace,
  lostRace,
  maxTotalWaitMs,
  once,
  tallyRace,
  transactionConflict,
  withRetry,
  type RetryPolicy,
} from '../../shared/data/retry';

/** A policy's retryable error, and one it must pass through. */
const cancelled = (...codes: string[]) => Object.assign(new Error('cancelled'), { name: 'TransactionCanceledException', CancellationReasons: codes.map((Code) => ({ Code })) });
const conditionFailed = () => Object.assign(new Error('condition'), { name: 'ConditionalCheckFailedException' });

const policies: [RetryPolicy, () => unknown][] = [
  [lostRace, () => new StaleItemError()],
  [transactionConflict, () => cancelled('None', 'TransactionConflict')],
  [itemCreation, () => new ItemExistsError()],
  [layoutRace, conditionFailed],
  [tallyRace, () => cancelled('ConditionalCheckFailed', 'None')],
];

// Waits are random; these tests count tries, so every wait is zero.
const noWaits = () => vi.spyOn(Math, 'random').mockReturnValue(0);

describe('withRetry', () => {
  it.each(policies.map(([policy, error]) => [policy.name, policy, error] as const))('%s: tries exactly `attempts` times, then throws the last error', async (_name, policy, error) => {
    noWaits();
    const fn = vi.fn(async (_attempt: number) => {
      throw error();
    });
    await expect(withRetry(policy, fn)).rejects.toBeInstanceOf(Error);
    expect(fn).toHaveBeenCalledTimes(policy.attempts);
    expect(fn.mock.calls.map(([attempt]) => attempt)).toEqual(Array.from({ length: policy.attempts }, (_, i) => i + 1));
    vi.restoreAllMocks();
  });

  it.each(policies.map(([policy]) => [policy.name, policy] as const))('%s: passes an error it does not retry through at once', async (_name, policy) => {
    const error = new TypeError('not an answer that means "try again"');
    const fn = vi.fn(async () => {
      throw error;
    });
    await expect(withRetry(policy, fn)).rejects.toBe(error);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('returns the first success, after the retryable failures before it', async () => {
    noWaits();
    let tries = 0;
    const result = await withRetry(lostRace, async () => {
      if (++tries < 3) throw new StaleItemError();
      return 'committed';
    });
    expect(result).toBe('committed');
    expect(tries).toBe(3);
    vi.restoreAllMocks();
  });

  it('keeps a change’s waits under a second in all (changeItem’s worst case, shared/data/change-item.ts)', () => {
    expect(maxTotalWaitMs(lostRace)).toBeLessThan(1000);
    expect(maxTotalWaitMs(itemCreation)).toBe(0);
  });

  it('waits with full jitter, exponentially, up to the policy’s cap', () => {
    expect(backoffMs(transactionConflict, 1, () => 1)).toBe(transactionConflict.baseDelayMs * 2);
    expect(backoffMs(transactionConflict, 3, () => 0.5)).toBe(transactionConflict.baseDelayMs * 4);
    expect(backoffMs(transactionConflict, 30, () => 1)).toBe(transactionConflict.maxDelayMs);
    expect(backoffMs(itemCreation, 3, () => 1)).toBe(0);
  });
});

describe('what each policy retries', () => {
  it('lostRace: a stale item, or a transaction another one held or DynamoDB throttled; never a refusal', () => {
    expect(lostRace.retryable(new StaleItemError())).toBe(true);
    expect(lostRace.retryable(cancelled('TransactionConflict', 'None'))).toBe(true);
    expect(lostRace.retryable(cancelled('None', 'ThrottlingError'))).toBe(true);
    expect(lostRace.retryable(cancelled('None', 'None', 'ConditionalCheckFailed'))).toBe(false);
    expect(lostRace.retryable(conditionFailed())).toBe(false);
  });

  it('once: nothing', () => {
    expect(once.attempts).toBe(1);
    expect(once.retryable(new StaleItemError())).toBe(false);
  });

  it('transactionConflict: a cancellation for conflicts or throttling only, never a failed condition', () => {
    expect(isTransientCancellation(cancelled('TransactionConflict', 'None'))).toBe(true);
    expect(isTransientCancellation(cancelled('ThrottlingError'))).toBe(true);
    expect(isTransientCancellation(cancelled('ProvisionedThroughputExceeded', 'None'))).toBe(true);
    expect(isTransientCancellation(cancelled('ConditionalCheckFailed', 'TransactionConflict'))).toBe(false);
    expect(isTransientCancellation(cancelled('None', 'None'))).toBe(false);
    expect(isTransientCancellation(conditionFailed())).toBe(false);
  });

  it('itemCreation: a taken tracking code or idempotency key', () => {
    expect(itemCreation.retryable(new ItemExistsError())).toBe(true);
    expect(itemCreation.retryable(new IdempotencyKeyTakenError())).toBe(true);
    expect(itemCreation.retryable(new StaleItemError())).toBe(false);
  });

  it('tallyRace: failed conditions and conflicts, not throttling (that goes back to the event source mapping)', () => {
    expect(tallyRace.retryable(conditionFailed())).toBe(true);
    expect(tallyRace.retryable(cancelled('None', 'TransactionConflict'))).toBe(true);
    expect(tallyRace.retryable(cancelled('ConditionalCheckFailed', 'ThrottlingError'))).toBe(false);
  });
});
