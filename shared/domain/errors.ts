/**
 * What a use case can answer besides its result, in the domain's words. Services and the data
 * layer throw these; only the HTTP stack (shared/http/problem.ts, `problemFor`) turns them into
 * problem documents, so no service knows about status codes, headers or problem types.
 * The `detail` is the English sentence a person reads; the problem type says what kind of refusal
 * it was.
 */

/** A field the input got wrong, at its dotted path (`groupId`, `query.cursor`, `If-Match`). */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

export abstract class DomainError extends Error {
  constructor(readonly detail: string | undefined) {
    super(detail ?? 'domain error');
    this.name = new.target.name;
  }
}

/** Nothing there, or nothing the caller may see: the two are not told apart. */
export class NotFoundError extends DomainError {}

/** The caller may see this but not do it (their role, their groups). */
export class ForbiddenError extends DomainError {
  declare readonly detail: string;
}

/** Not possible in the current state (the lifecycle, a key used for something else). */
export class ConflictError extends DomainError {
  declare readonly detail: string;
}

/** A training session's link no longer takes ratings or submissions (the office closed it). */
export class SessionClosedError extends ConflictError {
  constructor() {
    super('This session is closed: it takes no more ratings or submissions.');
  }
}

/** The caller changed the item as of a version (If-Match) that is no longer the item's. */
export class StaleVersionError extends DomainError {
  constructor() {
    super(undefined);
  }
}

/** The input is well-formed but wrong, field by field. */
export class InvalidInputError extends DomainError {
  constructor(
    readonly errors: readonly FieldError[],
    detail?: string,
  ) {
    super(detail);
  }
}

/**
 * A refusal that passes: the caller may try again after `retryAfterSeconds` (the HTTP stack says so
 * in Retry-After). Not exported: each use case throws one of the kinds below, never this one.
 */
abstract class RetryLaterError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super(undefined);
  }
}

/**
 * This client has made too many public writes without a proof of work; it may try again after
 * `retryAfterSeconds`, or at once with a solved challenge (shared/services/room.ts).
 */
export class RateLimitedError extends RetryLaterError {}

/** This client's address has made as many writes as a room may in this window, proofs or not. */
export class RoomFullError extends RetryLaterError {}

/** The proof of work was already spent on a write: each solved challenge is good for one write. */
export class ProofUsedError extends DomainError {
  constructor() {
    super(undefined);
  }
}

/** The proof of work is unreadable, not signed by us, wrong, or its challenge has expired. */
export class InvalidProofError extends DomainError {
  constructor(readonly reason: 'invalid' | 'expired') {
    super(undefined);
  }
}

/**
 * The request cannot be answered now but may be later: the office has not loaded a directory yet,
 * or an item stayed contested beyond the lost-race retry policy. Nothing was written.
 */
export class UnavailableError extends RetryLaterError {}

/** An attachment larger than the contract allows (`maxAttachmentBytes`, API.md v2). */
export class AttachmentTooLargeError extends DomainError {
  constructor(readonly limitBytes: number) {
    super(`An attachment may be at most ${limitBytes} bytes.`);
  }
}

/** An attachment of a type the contract does not take (photos as JPEG, PNG or WebP, and PDF). */
export class AttachmentTypeError extends DomainError {
  constructor(readonly allowed: readonly string[]) {
    super(`An attachment must be one of ${allowed.join(', ')}.`);
  }
}
