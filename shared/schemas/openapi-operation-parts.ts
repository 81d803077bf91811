import type * as z from 'zod/mini';
import { attachmentLink } from './attachment';
import { sessionCodeParams } from './session';
import { itemIdParams, itemView } from './staff';
import { trackingCodeParams } from './submission';

/**
 * The parts of the handlers' operation entries (openapi-operations.ts, and openapi-operations-v2.ts
 * for the contract's Version 2): what the OpenAPI document says of each handler
 * (shared/schemas/openapi.ts builds the operation from an entry and the route table). Body, query and path schemas are the very ones the handler
 * passes to the middy stack (functions/<handler>.ts); the statuses that the stack itself answers
 * (400 for a body, 401/403 for staff, 413/415, 429 for the room, 500/503) are added by the builder,
 * so an entry names only what its service adds: 404, 409, 412. Entries alike are built alike:
 * `itemChange` for a staff change of one item, `behindKey` for what a code and its key open,
 * `ok`/`created`/`accepted` for a success.
 *
 * A NEW ROUTE in shared/routes.ts needs an entry in one of those two files, keyed by its `handler`
 * (test/unit/openapi.test.ts fails until it has one).
 */
export type Header = 'accessKey' | 'sessionKey' | 'ifMatch' | 'ifMatchRequired' | 'idempotency' | 'proof';

export interface Link {
  readonly operationId: string;
  readonly description: string;
  readonly parameters: Readonly<Record<string, string>>;
}

export interface OperationSpec {
  readonly summary: string;
  readonly description?: string;
  readonly body?: z.core.$ZodType;
  readonly query?: z.core.$ZodType;
  readonly params?: z.core.$ZodType;
  readonly headers?: readonly Header[];
  readonly success: {
    readonly status: 200 | 201 | 202 | 302;
    readonly description: string;
    /** JSON schema of the body; `csv` / `xlsx` for the exports' files, `document` for this document itself, `redirect` for a 302 with `Location`. */
    readonly schema: z.core.$ZodType | 'csv' | 'xlsx' | 'document' | 'redirect';
    /** Another success the client may ask for (a signed download's URL as JSON instead of the 302). */
    readonly alternative?: { readonly status: 200; readonly description: string; readonly schema: z.core.$ZodType };
    /** Answers `ETag: "<version>"`, the value for the next `If-Match`. */
    readonly etag?: boolean;
    readonly links?: readonly Link[];
  };
  /** The statuses its service answers, with when. */
  readonly errors?: Partial<Record<404 | 409 | 412, string>>;
}

type Success = OperationSpec['success'];

/** An operation's success by its status: 200, 201 (something made), 202 (asked for, done later). */
const answer =
  (status: 200 | 201 | 202) =>
  (description: string, schema: Success['schema'], more: Pick<Success, 'etag' | 'links'> = {}): Success => ({ status, description, schema, ...more });
export const ok = answer(200);
export const created = answer(201);
export const accepted = answer(202);

export const byTrackingCode = { trackingCode: '$response.body#/trackingCode', 'header.X-Access-Key': '$response.body#/accessKey' };
/** A submission's receipt -> what its submitter can do with it. */
export const submitterLinks: readonly Link[] = [
  { operationId: 'getSubmission', description: 'Track the submission with its code and access key.', parameters: byTrackingCode },
  { operationId: 'createFollowUp', description: 'Follow up on it.', parameters: byTrackingCode },
  { operationId: 'rateSubmission', description: 'Rate its answer, once answered.', parameters: byTrackingCode },
];
export const byItemId = { id: '$response.body#/id', 'header.If-Match': '$response.header.ETag' };
/** An item -> the staff actions on it, with its version for `If-Match`. */
export const itemLinks: readonly Link[] = [
  { operationId: 'getItem', description: 'The item again.', parameters: { id: '$response.body#/id' } },
  { operationId: 'assignItem', description: 'Route it to a group (office).', parameters: byItemId },
  { operationId: 'createReply', description: 'Reply, or add an internal note.', parameters: byItemId },
  { operationId: 'transitionItem', description: 'Start, close, reject, merge, recommend.', parameters: byItemId },
  { operationId: 'requestExtension', description: 'Ask for more working days.', parameters: byItemId },
  { operationId: 'decideExtension', description: 'Approve or decline the waiting extension request (office).', parameters: byItemId },
  { operationId: 'publishAnswer', description: 'Publish a rewrite of its answer for everyone (office).', parameters: byItemId },
  { operationId: 'withdrawAnswer', description: 'Withdraw its published answer (office).', parameters: byItemId },
];
export const bySessionCode = { code: '$response.body#/code' };
export const sessionLinks: readonly Link[] = [
  { operationId: 'getSession', description: 'The session again.', parameters: bySessionCode },
  { operationId: 'updateSession', description: 'Edit, open or close it.', parameters: { ...bySessionCode, 'header.If-Match': '$response.header.ETag' } },
  { operationId: 'createSessionRecords', description: 'Type up what was raised in it.', parameters: bySessionCode },
  { operationId: 'getSessionSummary', description: 'Its ratings and items.', parameters: bySessionCode },
  { operationId: 'getPublicSession', description: "What its page shows, with its join key.", parameters: { ...bySessionCode, 'header.X-Session-Key': '$response.body#/joinKey' } },
];

/** The download routes' answer: a redirect to the signed URL, or that URL as data. */
export const signedDownload: Success = {
  status: 302,
  description: 'To a signed URL of the file, good for at most 5 minutes.',
  schema: 'redirect',
  alternative: { status: 200, description: 'With `Accept: application/json`: the signed URL as data.', schema: attachmentLink },
};

export const unknownItem = 'No such item, or not one this person may see (the same answer).';
export const unknownCode = 'Unknown tracking code or wrong access key (the same answer, in the same time); a missing X-Access-Key is answered as a wrong one.';
export const unknownSession = 'No such session, or a wrong or missing join key (the same answer).';
export const itemConflict = "The action does not fit the item's status, or the item holds as many replies or follow-ups as it may.";
export const staleVersion = 'If-Match names a version that is no longer current; nothing changed.';

/**
 * The public doors that a code and its key open: a submitter's item (tracking code, access key) and
 * a session's page (session code, join key). An unknown code and a wrong or missing key get the
 * same 404.
 */
const doors = {
  submission: { params: trackingCodeParams, key: 'accessKey', unknown: unknownCode },
  session: { params: sessionCodeParams, key: 'sessionKey', unknown: unknownSession },
} as const;

/** What sets one operation behind a door apart from the others (`behindKey` adds what they share). */
export interface KeyedSpec {
  readonly summary: string;
  /** A write's body; a public write also takes a proof of work (X-Altcha) past the room's limit. */
  readonly body?: z.core.$ZodType;
  readonly success: Success;
  /** When it answers 409. */
  readonly conflict?: string;
}

/** An operation of the submitter's (`submission`) or of a session's audience (`session`). */
export const behindKey = (door: keyof typeof doors, { summary, body, success, conflict }: KeyedSpec): OperationSpec => {
  const { params, key, unknown } = doors[door];
  return {
    summary,
    params,
    ...(body ? { body } : {}),
    headers: body ? [key, 'proof'] : [key],
    success,
    errors: { 404: unknown, ...(conflict ? { 409: conflict } : {}) },
  };
};

/** What sets one staff change of an item apart from the others (`itemChange` adds what they share). */
export interface ItemChangeSpec {
  readonly summary: string;
  readonly description?: string;
  readonly body?: z.core.$ZodType;
  /** Whether the change may be made without naming the version it was decided on. */
  readonly ifMatch?: Extract<Header, 'ifMatch' | 'ifMatchRequired'>;
  /** The item (`itemView`), or what the change made (a reply: then without the item's links). */
  readonly success: Success;
  /** When it answers 409. */
  readonly conflict: string;
  readonly notFound?: string;
}

/**
 * A staff change of one item, made on the version its client read: the item's id in the path,
 * If-Match, the changed item back with its ETag and the actions on it; 404 for an item that is
 * not there or not the caller's to see, 412 for a stale version (the one way to change an item,
 * shared/data/change-item.ts, answers all of them alike).
 */
export const itemChange = ({ summary, description, body, ifMatch = 'ifMatch', success, conflict, notFound = unknownItem }: ItemChangeSpec): OperationSpec => ({
  summary,
  ...(description ? { description } : {}),
  params: itemIdParams,
  ...(body ? { body } : {}),
  headers: [ifMatch],
  success: { ...success, etag: true, ...(success.schema === itemView ? { links: itemLinks } : {}) },
  errors: { 404: notFound, 409: conflict, 412: staleVersion },
});
