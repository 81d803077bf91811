/** Errors of the data layer that callers translate (kept free of imports, so anyone may import them). */
export class RateLimitedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('rate limited');
  }
}

/**
 * Reasons a transaction may be cancelled that say "not now" rather than "no": another transaction
 * held one of its items, or DynamoDB throttled one. The same transaction may succeed later.
 */
export const transientCancellationReasons: ReadonlySet<string> = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);
