import { describe, expect, it } from 'vitest';
import * as errors from '../../shared/domain/errors';
import { problemFor, problemTypes } from '../../shared/http/problem';

/** Every domain error class, and the problem+json document (and headers) it stands for. */
const cases: [string, errors.DomainError, { status: number; type: string; title: string; detail?: string; errors?: unknown; challenge?: string }, Record<string, string>][] = [
  ['NotFoundError', new errors.NotFoundError('No such item.'), { status: 404, type: problemTypes.notFound, title: 'Not Found', detail: 'No such item.' }, {}],
  ['NotFoundError without a detail', new errors.NotFoundError(undefined), { status: 404, type: problemTypes.notFound, title: 'Not Found', detail: 'Nothing was found here.' }, {}],
  ['ForbiddenError', new errors.ForbiddenError('Only the office manages the directory.'), { status: 403, type: 'about:blank', title: 'Forbidden', detail: 'Only the office manages the directory.' }, {}],
  ['ConflictError', new errors.ConflictError('Only good practices can be recommended.'), { status: 409, type: problemTypes.conflict, title: 'Conflict', detail: 'Only good practices can be recommended.' }, {}],
  [
    'SessionClosedError',
    new errors.SessionClosedError(),
    { status: 409, type: problemTypes.sessionClosed, title: 'Conflict', detail: 'This session is closed: it takes no more ratings or submissions.' },
    {},
  ],
  [
    'AttachmentTooLargeError',
    new errors.AttachmentTooLargeError(10 * 1024 * 1024),
    { status: 413, type: problemTypes.attachmentTooLarge, title: 'Content Too Large', detail: 'An attachment may be at most 10485760 bytes.' },
    {},
  ],
  [
    'AttachmentTypeError',
    new errors.AttachmentTypeError(['image/jpeg', 'application/pdf']),
    { status: 415, type: problemTypes.attachmentType, title: 'Unsupported Media Type', detail: 'An attachment must be one of image/jpeg, application/pdf.' },
    {},
  ],
  [
    'StaleVersionError',
    new errors.StaleVersionError(),
    { status: 412, type: problemTypes.stale, title: 'Precondition Failed', detail: 'The item was changed by someone else; reload it and try again.' },
    {},
  ],
  [
    'InvalidInputError',
    new errors.InvalidInputError([{ path: 'groupId', message: 'No such group.' }]),
    { status: 400, type: problemTypes.validation, title: 'Bad Request', detail: 'The request has invalid fields.', errors: [{ path: 'groupId', message: 'No such group.' }] },
    {},
  ],
  [
    'InvalidInputError with a detail',
    new errors.InvalidInputError([{ path: 'groups', message: 'Required' }], 'The directory has problems; nothing was changed.'),
    { status: 400, type: problemTypes.validation, title: 'Bad Request', detail: 'The directory has problems; nothing was changed.', errors: [{ path: 'groups', message: 'Required' }] },
    {},
  ],
  [
    'RateLimitedError',
    new errors.RateLimitedError(42),
    {
      status: 429,
      type: problemTypes.rateLimited,
      title: 'Too Many Requests',
      detail: 'Too many requests from this address; solve the challenge and send its proof in X-Altcha, or try again later.',
      challenge: '/api/challenge',
    },
    { 'Retry-After': '42' },
  ],
  [
    'RoomFullError',
    new errors.RoomFullError(30),
    { status: 429, type: problemTypes.roomFull, title: 'Too Many Requests', detail: 'This address has made as many writes as a room may in this window; try again later.' },
    { 'Retry-After': '30' },
  ],
  [
    'ProofUsedError',
    new errors.ProofUsedError(),
    { status: 400, type: problemTypes.proofUsed, title: 'Bad Request', detail: 'This proof of work was already used for a write; solve a new challenge.' },
    {},
  ],
  [
    'InvalidProofError',
    new errors.InvalidProofError('invalid'),
    { status: 400, type: problemTypes.proofInvalid, title: 'Bad Request', detail: 'The X-Altcha proof of work is not a valid solution of a challenge from this server.' },
    {},
  ],
  [
    'InvalidProofError (expired)',
    new errors.InvalidProofError('expired'),
    { status: 400, type: problemTypes.proofExpired, title: 'Bad Request', detail: 'The challenge of this proof of work has expired; solve a new one.' },
    {},
  ],
  [
    'UnavailableError',
    new errors.UnavailableError(60),
    { status: 503, type: problemTypes.unavailable, title: 'Service Unavailable', detail: 'The service is busy; try again shortly.' },
    { 'Retry-After': '60' },
  ],
];

describe('problemFor: the domain’s errors as problem+json', () => {
  it.each(cases)('%s', (_name, error, document, headers) => {
    const problem = problemFor(error);
    expect(problem.toDocument()).toEqual(document);
    expect(problem.headers).toEqual(headers);
  });

  it('covers every domain error class', () => {
    const classes = Object.values(errors).filter((v) => typeof v === 'function' && v.prototype instanceof errors.DomainError);
    expect(new Set(cases.map(([, error]) => error.constructor))).toEqual(new Set(classes));
  });

  it('uses only the problem types listed in one place', () => {
    for (const [, error] of cases) expect(Object.values(problemTypes)).toContain(problemFor(error).type);
  });
});
