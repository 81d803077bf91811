import type * as z from 'zod/mini';
import { attachmentLink } from './attachment';

/**
 * The parts of the handlers' operation entries (openapi-operations.ts, and openapi-operations-v2.ts
 * for the contract's Version 2): what the OpenAPI document says of each handler
 * (shared/schemas/openapi.ts builds the operation from an entry and the route table). Body, query and path schemas are the very ones the handler
 * passes to the middy stack (functions/<handler>.ts); the statuses that the stack itself answers
 * (400 for a body, 401/403 for staff, 413/415, 429 for the room, 500/503) are added by the builder,
 * so an entry names only what its service adds: 404, 409, 412.
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
export const signedDownload: OperationSpec['success'] = {
  status: 302,
  description: 'To a signed URL of the file, good for at most 5 minutes.',
  schema: 'redirect',
  alternative: { status: 200, description: 'With `Accept: application/json`: the signed URL as data.', schema: attachmentLink },
};

export const unknownItem = 'No such item, or not one this person may see (the same answer).';
export const unknownCode = 'Unknown tracking code or wrong access key (the same answer, in the same time); a missing X-Access-Key is answered as a wrong one.';
export const unknownSession = 'No such session, or a wrong or missing join key (the same answer).';
export const itemConflict = "The action does not fit the item's status, or the item holds as many replies or follow-ups as it may.";
