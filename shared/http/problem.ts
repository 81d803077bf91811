import {
  AttachmentTooLargeError,
  AttachmentTypeError,
  ConflictError,
  DomainError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  InvalidProofError,
  ProofUsedError,
  RateLimitedError,
  SessionClosedError,
  RoomFullError,
  StaleVersionError,
  UnavailableError,
  type FieldError,
} from '../domain/errors';
import { challengePath } from './paths';

/**
 * RFC 9457 problem documents. Every error a client sees is one of these: the HTTP stack's own
 * (size, media type, JSON, validation), the domain's errors mapped by `problemFor`, and a generic
 * 500 for anything else, whose cause is logged, never shown.
 */

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
  /** Where to fetch an ALTCHA challenge whose solution lets the request through (a 429 of the room). */
  challenge?: string;
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export class HttpProblem extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;
  readonly challenge: string | undefined;

  constructor(
    status: number,
    options: { type?: string; title?: string; detail?: string; errors?: FieldError[]; headers?: Record<string, string>; challenge?: string } = {},
  ) {
    super(options.detail ?? titles[status] ?? 'Error');
    this.name = 'HttpProblem';
    this.status = status;
    this.type = options.type ?? 'about:blank';
    this.title = options.title ?? titles[status] ?? 'Error';
    this.detail = options.detail;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
    this.challenge = options.challenge;
  }

  toDocument(): ProblemDocument {
    const doc: ProblemDocument = { type: this.type, title: this.title, status: this.status };
    if (this.detail !== undefined) doc.detail = this.detail;
    if (this.errors !== undefined) doc.errors = this.errors;
    if (this.challenge !== undefined) doc.challenge = this.challenge;
    return doc;
  }
}

/**
 * Every problem type this API answers with, in one place (a client, or a translation of the
 * texts, can enumerate them). `about:blank` is used for 401, 403 and 500: their status says it all.
 */
export const problemTypes = {
  validation: 'https://yijian.example/problems/validation',
  malformedJson: 'https://yijian.example/problems/malformed-json',
  notFound: 'https://yijian.example/problems/not-found',
  conflict: 'https://yijian.example/problems/conflict',
  sessionClosed: 'https://yijian.example/problems/session-closed',
  stale: 'https://yijian.example/problems/stale',
  tooLarge: 'https://yijian.example/problems/too-large',
  unsupportedMediaType: 'https://yijian.example/problems/unsupported-media-type',
  rateLimited: 'https://yijian.example/problems/rate-limited',
  roomFull: 'https://yijian.example/problems/room-limit',
  proofUsed: 'https://yijian.example/problems/proof-used',
  proofInvalid: 'https://yijian.example/problems/proof-invalid',
  proofExpired: 'https://yijian.example/problems/proof-expired',
  unavailable: 'https://yijian.example/problems/unavailable',
  attachmentTooLarge: 'https://yijian.example/problems/attachment-too-large',
  attachmentType: 'https://yijian.example/problems/attachment-type',
  blank: 'about:blank',
} as const;

export const problems = {
  validation: (errors: FieldError[], detail = 'The request has invalid fields.') =>
    new HttpProblem(400, { type: problemTypes.validation, detail, errors }),
  malformedJson: () => new HttpProblem(400, { type: problemTypes.malformedJson, detail: 'The body is not valid JSON.' }),
  notFound: (detail = 'Nothing was found here.') => new HttpProblem(404, { type: problemTypes.notFound, detail }),
  conflict: (detail: string) => new HttpProblem(409, { type: problemTypes.conflict, detail }),
  preconditionFailed: () =>
    new HttpProblem(412, { type: problemTypes.stale, detail: 'The item was changed by someone else; reload it and try again.' }),
  tooLarge: (limit: number) =>
    new HttpProblem(413, { type: problemTypes.tooLarge, detail: `The body is larger than ${limit} bytes.` }),
  unsupportedMediaType: () =>
    new HttpProblem(415, { type: problemTypes.unsupportedMediaType, detail: 'Send the body as application/json.' }),
  /** `proofHelps: false` where a proof of work would not let the request through (the edge's WAF). */
  rateLimited: (retryAfterSeconds: number, { proofHelps = true } = {}) =>
    new HttpProblem(429, {
      type: problemTypes.rateLimited,
      detail: proofHelps
        ? 'Too many requests from this address; solve the challenge and send its proof in X-Altcha, or try again later.'
        : 'Too many requests from this address; try again later.',
      headers: { 'Retry-After': String(retryAfterSeconds) },
      ...(proofHelps ? { challenge: challengePath } : {}),
    }),
  roomFull: (retryAfterSeconds: number) =>
    new HttpProblem(429, {
      type: problemTypes.roomFull,
      detail: 'This address has made as many writes as a room may in this window; try again later.',
      headers: { 'Retry-After': String(retryAfterSeconds) },
    }),
  proofUsed: () => new HttpProblem(400, { type: problemTypes.proofUsed, detail: 'This proof of work was already used for a write; solve a new challenge.' }),
  proofInvalid: (reason: 'invalid' | 'expired') =>
    reason === 'expired'
      ? new HttpProblem(400, { type: problemTypes.proofExpired, detail: 'The challenge of this proof of work has expired; solve a new one.' })
      : new HttpProblem(400, { type: problemTypes.proofInvalid, detail: 'The X-Altcha proof of work is not a valid solution of a challenge from this server.' }),
  unavailable: (retryAfterSeconds = 1) =>
    new HttpProblem(503, {
      type: problemTypes.unavailable,
      detail: 'The service is busy; try again shortly.',
      headers: { 'Retry-After': String(retryAfterSeconds) },
    }),
  forbidden: (detail: string) => new HttpProblem(403, { type: problemTypes.blank, detail }),
  methodNotAllowed: (allowed: readonly string[]) =>
    new HttpProblem(405, { type: problemTypes.blank, detail: `This endpoint answers ${allowed.join(', ')} only.`, headers: { Allow: allowed.join(', ') } }),
  internal: () => new HttpProblem(500, { type: problemTypes.blank, detail: 'Something went wrong on our side. It has been logged.' }),
};

/** The problem document a domain error stands for: the one place where the domain meets HTTP. */
export const problemFor = (error: DomainError): HttpProblem => {
  if (error instanceof NotFoundError) return problems.notFound(error.detail);
  if (error instanceof ForbiddenError) return problems.forbidden(error.detail);
  if (error instanceof SessionClosedError) return new HttpProblem(409, { type: problemTypes.sessionClosed, detail: error.detail });
  if (error instanceof ConflictError) return problems.conflict(error.detail);
  if (error instanceof StaleVersionError) return problems.preconditionFailed();
  if (error instanceof InvalidInputError) return problems.validation([...error.errors], error.detail);
  if (error instanceof RateLimitedError) return problems.rateLimited(error.retryAfterSeconds);
  if (error instanceof RoomFullError) return problems.roomFull(error.retryAfterSeconds);
  if (error instanceof ProofUsedError) return problems.proofUsed();
  if (error instanceof InvalidProofError) return problems.proofInvalid(error.reason);
  if (error instanceof UnavailableError) return problems.unavailable(error.retryAfterSeconds);
  if (error instanceof AttachmentTooLargeError) return new HttpProblem(413, { type: problemTypes.attachmentTooLarge, detail: error.detail });
  if (error instanceof AttachmentTypeError) return new HttpProblem(415, { type: problemTypes.attachmentType, detail: error.detail });
  // A domain error without a mapping is a bug of this module. Thrown from the responder's onError,
  // this escapes middy: the client gets Lambda's bare 500, not a problem document.
  throw new TypeError(`no problem for ${error.name}`);
};
