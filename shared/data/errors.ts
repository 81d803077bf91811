/** Errors of the data layer that callers translate (kept free of imports, so anyone may import them). */
export class RateLimitedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('rate limited');
  }
}
