/**
 * Errors of the data layer (kept free of imports but the domain's, so anyone may import them).
 * The first three are answers the caller acts on (see shared/data/retry.ts); the data layer
 * refuses a public write over the limit with the domain's own error.
 */
export { RateLimitedError } from '../domain/errors';

export class ItemExistsError extends Error {
  constructor() {
    super('an item with this tracking code exists');
  }
}
export class IdempotencyKeyTakenError extends Error {
  constructor() {
    super('this idempotency key was used already');
  }
}
export class StaleItemError extends Error {
  constructor() {
    super('the item changed since it was read');
  }
}

/** A batch read that DynamoDB answered only in part (`UnprocessedKeys`): the rest is asked again. */
export class UnprocessedKeysError extends Error {
  constructor(readonly left: number) {
    super(`${left} keys of a batch read were not processed`);
  }
}

/**
 * Reasons a transaction may be cancelled that say "not now" rather than "no": another transaction
 * held one of its items, or DynamoDB throttled one. The same transaction may succeed later.
 */
export const transientCancellationReasons: ReadonlySet<string> = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);

/** DynamoDB's refusal of a conditional write, with the item as it was when the write asked for it. */
export type ConditionRefusal = Error & { readonly Item?: Record<string, unknown> };

/** Whether `error` is DynamoDB's answer that a write's condition did not hold. */
export const isConditionFailed = (error: unknown): error is ConditionRefusal =>
  (error as Error | null)?.name === 'ConditionalCheckFailedException';
