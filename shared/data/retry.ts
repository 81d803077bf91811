import { setTimeout as sleep } from 'node:timers/promises';
import { IdempotencyKeyTakenError, isConditionFailed, ItemExistsError, StaleItemError, transientCancellationReasons, UnprocessedKeysError } from './errors';

/**
 * The app's own retries, each under a named policy. The SDK client retries what fails in transport
 * (throttling, 5xx, timeouts, up to its `maxAttempts`); these retry only answers that mean "try
 * again": a lost race on a version, a transaction cancelled because another one held an item, a drawn
 * tracking code that was taken.
 *
 * Worst cases, each request also tried up to the SDK client's `dynamoMaxAttempts` (shared/data/db.ts):
 *   an item change (changeItem)   lostRace.attempts x (one read + one transaction), nothing nested;
 *   a submission                  itemCreation.attempts x transactionConflict.attempts
 *                                 transactions, the outer only when a drawn code or the
 *                                 idempotency key was taken, which is rare;
 *   a tally step                  tallyRace.attempts x (a marker read, a counter Query, one transaction);
 *   the counter layout            layoutRace.attempts x (one read + one write).
 * The waits between a policy's tries add up to at most `maxTotalWaitMs(policy)`.
 */
export interface RetryPolicy {
  readonly name: string;
  /** Tries in all, the first included. */
  readonly attempts: number;
  /**
   * The wait before try n + 1 is random in [0, min(baseDelayMs * 2^n, maxDelayMs)) (full jitter:
   * writers that collided spread out instead of colliding again); 0 tries again at once.
   */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Whether an error is one this policy tries again; any other passes through at once. */
  readonly retryable: (error: unknown) => boolean;
}

/** Waits growing from `baseDelayMs` up to `maxDelayMs` between tries (full jitter: RetryPolicy). */
const backoff = (baseDelayMs: number, maxDelayMs: number) => ({ baseDelayMs, maxDelayMs });
/** No wait between tries: for answers that a fresh draw or read settles at once. */
const atOnce = backoff(0, 0);
const retryPolicy = (name: string, attempts: number, delays: ReturnType<typeof backoff>, retryable: RetryPolicy['retryable']): RetryPolicy => ({
  name,
  attempts,
  ...delays,
  retryable,
});

/**
 * Is `error` a cancelled transaction with at least one reason `counts` accepts and none it does
 * not, items without a reason ('None', or none given) aside?
 */
const cancelledOnlyFor = (error: unknown, counts: (code: string) => boolean): boolean => {
  const e = error as { name?: string; CancellationReasons?: { Code?: string }[] } | null;
  if (e?.name !== 'TransactionCanceledException') return false;
  const codes = (e.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
  return codes.some(counts) && codes.every((code) => code === 'None' || counts(code));
};

/**
 * A transaction cancelled only because another transaction touched one of its items at the same
 * moment, or because DynamoDB throttled one of them: its conditions are evaluated afresh on the
 * next try, so a retry can never apply a stale change. (Checked by name and reasons, as both the
 * SDK and a test's fault carry them.)
 */
export const isTransientCancellation = (error: unknown): boolean => cancelledOnlyFor(error, (code) => transientCancellationReasons.has(code));

/**
 * A change lost the race for its item: someone committed first (a stale version), or another
 * transaction held the item, or DynamoDB throttled it. Read again, decide again
 * (shared/data/change-item.ts): this one policy covers both, so a change's transaction is not
 * also retried under transactionConflict inside it.
 */
export const lostRace = retryPolicy('lost race', 6, backoff(15, 500), (error) => error instanceof StaleItemError || isTransientCancellation(error));

/** No retry by the app: for a write whose caller retries it under its own policy. */
export const once = retryPolicy('once', 1, atOnce, () => false);

/** A transaction cancelled for a conflict or throttling (shared/data/transact.ts). */
export const transactionConflict = retryPolicy('transaction conflict', 6, backoff(20, 1000), isTransientCancellation);

/** A new item's drawn tracking code was taken, or its idempotency key won by a concurrent twin: at once. */
export const itemCreation = retryPolicy('item creation', 5, atOnce, (error) => error instanceof ItemExistsError || error instanceof IdempotencyKeyTakenError);

/** The counter layout was extended by the tally at the same moment: read it again at once. */
export const layoutRace = retryPolicy('layout race', 10, atOnce, isConditionFailed);

/**
 * A tally step lost a race: another tally changed what it read, or committed this very step (its
 * marker exists). It reads again, the marker first. A step cancelled because DynamoDB throttled it
 * is not a race: that goes back to the event source mapping, which delivers the batch again later.
 */
export const tallyRace = retryPolicy(
  'tally race',
  21,
  backoff(5, 80),
  (error) => isConditionFailed(error) || cancelledOnlyFor(error, (code) => code === 'ConditionalCheckFailed' || code === 'TransactionConflict'),
);

/** A batch read's unprocessed keys (throttling or size): asked again after a short, growing wait. */
export const unprocessedKeys = retryPolicy('unprocessed keys', 6, backoff(50, 2000), (error) => error instanceof UnprocessedKeysError);

/**
 * A message went out and its claim must say so: any failure is tried again for up to about the
 * claim's lease (`leaseMs`, shared/data/notifications.ts: a claim left `sending` is taken over
 * after it and the message sent twice), so that a table that restarts or throttles for a while
 * does not send twice. Beyond it, thrown. The send (at most `sesRequestTimeoutMs`) and these waits
 * stay within notify's timeout. Tests tie both (test/unit/stated-numbers.test.ts,
 * test/infra/stack.test.ts).
 */
export const afterSend = retryPolicy('after send', 8, backoff(250, 4000), () => true);

/** The longest the app can wait in all between the tries of one `withRetry` under `policy`. */
export const maxTotalWaitMs = (policy: RetryPolicy): number => {
  let total = 0;
  for (let attempt = 1; attempt < policy.attempts; attempt++) total += backoffMs(policy, attempt, () => 1);
  return total;
};

/** The wait before the try after `attempt` under `policy` (full jitter). */
export const backoffMs = (policy: RetryPolicy, attempt: number, random: () => number = Math.random): number =>
  random() * Math.min(policy.baseDelayMs * 2 ** attempt, policy.maxDelayMs);

/**
 * Runs `fn` until it succeeds, throws what the policy does not retry (passed through at once), or
 * has been tried `policy.attempts` times (the last error is thrown). `fn` gets the try's number.
 */
export const withRetry = async <T>(policy: RetryPolicy, fn: (attempt: number) => Promise<T>): Promise<T> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (!policy.retryable(error) || attempt >= policy.attempts) throw error;
      const wait = backoffMs(policy, attempt);
      if (wait > 0) await sleep(wait);
    }
  }
};
