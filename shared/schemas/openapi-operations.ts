import type * as z from 'zod/mini';
import { publicAnswerList, publicAnswersQuery, publicationBody, similarAnswerList, similarAnswersQuery } from './answers';
import { attachmentLink, attachmentUpload, createAttachmentBody, itemAttachmentParams, submissionAttachmentParams } from './attachment';
import { directorySchema } from './directory';
import {
  challengeView,
  dashboardView,
  keptNoticeDiscarded,
  keptNoticeList,
  keptNoticeRedriven,
  practiceList,
  replyCreated,
  reportView,
} from './responses';
import {
  createSessionBody,
  publicSessionView,
  ratingReceived,
  recordsBody,
  recordsCreated,
  sessionCodeParams,
  sessionList,
  sessionListQuery,
  sessionRatingBody,
  sessionSummary,
  sessionView,
  updateSessionBody,
} from './session';
import { ledgerExportQuery, ledgerList, ledgerQuery, rectificationPlanBody, rectificationProgressBody, rectificationVerificationBody } from './rectification';
import { assignBody, dashboardQuery, exportQuery, reportQuery, extensionBody, extensionDecisionBody, itemIdParams, itemList, itemView, keptNoticeParams, listQuery, replyBody, transitionBody } from './staff';
import {
  createSubmissionBody,
  followUpBody,
  followUpCreated,
  formData,
  publicSubmissionView,
  ratingBody,
  ratingResult,
  submissionReceipt,
  trackingCodeParams,
} from './submission';

/**
 * What the OpenAPI document says of each handler (shared/schemas/openapi.ts builds the operation
 * from this and the route table). Body, query and path schemas are the very ones the handler
 * passes to the middy stack (functions/<handler>.ts); the statuses that the stack itself answers
 * (400 for a body, 401/403 for staff, 413/415, 429 for the room, 500/503) are added by the builder,
 * so an entry names only what its service adds: 404, 409, 412.
 *
 * A NEW ROUTE in shared/routes.ts needs an entry here, keyed by its `handler`
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

const byTrackingCode = { trackingCode: '$response.body#/trackingCode', 'header.X-Access-Key': '$response.body#/accessKey' };
/** A submission's receipt -> what its submitter can do with it. */
const submitterLinks: readonly Link[] = [
  { operationId: 'getSubmission', description: 'Track the submission with its code and access key.', parameters: byTrackingCode },
  { operationId: 'createFollowUp', description: 'Follow up on it.', parameters: byTrackingCode },
  { operationId: 'rateSubmission', description: 'Rate its answer, once answered.', parameters: byTrackingCode },
];
const byItemId = { id: '$response.body#/id', 'header.If-Match': '$response.header.ETag' };
/** An item -> the staff actions on it, with its version for `If-Match`. */
const itemLinks: readonly Link[] = [
  { operationId: 'getItem', description: 'The item again.', parameters: { id: '$response.body#/id' } },
  { operationId: 'assignItem', description: 'Route it to a group (office).', parameters: byItemId },
  { operationId: 'createReply', description: 'Reply, or add an internal note.', parameters: byItemId },
  { operationId: 'transitionItem', description: 'Start, close, reject, merge, recommend.', parameters: byItemId },
  { operationId: 'requestExtension', description: 'Ask for more working days.', parameters: byItemId },
  { operationId: 'decideExtension', description: 'Approve or decline the waiting extension request (office).', parameters: byItemId },
  { operationId: 'publishAnswer', description: 'Publish a rewrite of its answer for everyone (office).', parameters: byItemId },
  { operationId: 'withdrawAnswer', description: 'Withdraw its published answer (office).', parameters: byItemId },
];
const bySessionCode = { code: '$response.body#/code' };
const sessionLinks: readonly Link[] = [
  { operationId: 'getSession', description: 'The session again.', parameters: bySessionCode },
  { operationId: 'updateSession', description: 'Edit, open or close it.', parameters: { ...bySessionCode, 'header.If-Match': '$response.header.ETag' } },
  { operationId: 'createSessionRecords', description: 'Type up what was raised in it.', parameters: bySessionCode },
  { operationId: 'getSessionSummary', description: 'Its ratings and items.', parameters: bySessionCode },
  { operationId: 'getPublicSession', description: "What its page shows, with its join key.", parameters: { ...bySessionCode, 'header.X-Session-Key': '$response.body#/joinKey' } },
];

/** The download routes' answer: a redirect to the signed URL, or that URL as data. */
const signedDownload: OperationSpec['success'] = {
  status: 302,
  description: 'To a signed URL of the file, good for at most 5 minutes.',
  schema: 'redirect',
  alternative: { status: 200, description: 'With `Accept: application/json`: the signed URL as data.', schema: attachmentLink },
};

const unknownItem = 'No such item, or not one this person may see (the same answer).';
const unknownCode = 'Unknown tracking code or wrong access key (the same answer, in the same time); a missing X-Access-Key is answered as a wrong one.';
const unknownSession = 'No such session, or a wrong or missing join key (the same answer).';
const itemConflict = "The action does not fit the item's status, or the item holds as many replies or follow-ups as it may.";

export const operationSpecs: Readonly<Record<string, OperationSpec>> = {
  'get-form': { summary: 'What the submission form needs', success: { status: 200, description: 'The campaign, kinds and units.', schema: formData } },
  'get-openapi': { summary: 'This document', success: { status: 200, description: 'The OpenAPI 3.1 document.', schema: 'document' } },
  'get-challenge': {
    summary: 'An ALTCHA proof-of-work challenge, valid for 10 minutes',
    description: 'Solve it and send the solution, base64 of JSON, in `X-Altcha` on one public write: a write the room would refuse with 429 goes through.',
    success: { status: 200, description: 'A challenge (altcha-lib v2).', schema: challengeView },
  },
  'create-submission': {
    summary: 'Submit feedback, a question, a suggestion, a problem or a good practice',
    description:
      'Routing happens here: a matching rule sets `assigned` and `dueAt`, otherwise the item waits for the office. ' +
      'A non-empty `website` (a honeypot) is accepted with 201 and dropped. The `accessKey` is shown this once.',
    body: createSubmissionBody,
    headers: ['idempotency', 'proof'],
    success: { status: 201, description: 'The receipt.', schema: submissionReceipt, links: submitterLinks },
    errors: { 404: 'The `session` named does not exist or its key is wrong.', 409: 'The session named is closed.' },
  },
  'get-submission': {
    summary: "The submitter's view of an item",
    params: trackingCodeParams,
    headers: ['accessKey'],
    success: { status: 200, description: 'What the submitter may see: no internal notes, staff names or contact details.', schema: publicSubmissionView },
    errors: { 404: unknownCode },
  },
  'create-follow-up': {
    summary: 'Follow up on an item',
    params: trackingCodeParams,
    body: followUpBody,
    headers: ['accessKey', 'proof'],
    success: { status: 201, description: 'Added; an answered or closed item is reopened.', schema: followUpCreated },
    errors: { 404: unknownCode, 409: 'The item is rejected or merged, or holds as many follow-ups as it may.' },
  },
  'rate-submission': {
    summary: 'Rate the answer',
    params: trackingCodeParams,
    body: ratingBody,
    headers: ['accessKey', 'proof'],
    success: { status: 200, description: '`satisfied`/`basically` close the item, `unsatisfied` reopens it.', schema: ratingResult },
    errors: { 404: unknownCode, 409: 'The item is not `answered`.' },
  },
  'list-items': {
    summary: 'Items, newest first, paged',
    query: listQuery,
    success: { status: 200, description: 'A page of items; `nextCursor` fetches the next.', schema: itemList },
  },
  'put-rectification': {
    summary: 'Record or replace the rectification plan (office, or the item\'s group)',
    description: 'Creates the plan, or replaces it while it is `planned` or `returned`; the unit\'s liaisons are told.',
    params: itemIdParams,
    body: rectificationPlanBody,
    headers: ['ifMatchRequired'],
    success: { status: 200, description: 'The item with its `rectification`.', schema: itemView, etag: true, links: itemLinks },
    errors: { 404: unknownItem, 409: 'The rectification is past `returned`/`planned`, or the item is rejected or merged.', 412: 'If-Match names a version that is no longer current; nothing changed.' },
  },
  'create-rectification-progress': {
    summary: 'Report rectification progress (the unit\'s liaison, the item\'s group, office)',
    description:
      'The first report moves `planned` to `in_progress`; `done: true` moves it to `submitted` (waiting for verification). ' +
      '`attachmentIds` (up to 10, from POST /api/attachments) are the evidence: checked and cleaned like a submission\'s.',
    params: itemIdParams,
    body: rectificationProgressBody,
    headers: ['ifMatch'],
    success: { status: 201, description: 'The item (a liaison: its rectification view).', schema: itemView, etag: true, links: itemLinks },
    errors: { 404: unknownItem, 409: 'No plan yet, or the rectification is submitted or verified.', 412: 'If-Match names a version that is no longer current; nothing changed.' },
  },
  'verify-rectification': {
    summary: 'Verify (销号) or return a submitted rectification (the item\'s group or office)',
    params: itemIdParams,
    body: rectificationVerificationBody,
    headers: ['ifMatch'],
    success: { status: 200, description: 'The item after the verification.', schema: itemView, etag: true, links: itemLinks },
    errors: { 404: unknownItem, 409: 'The rectification is not `submitted`.', 412: 'If-Match names a version that is no longer current; nothing changed.' },
  },
  'list-rectifications': {
    summary: 'The rectification ledger (整改台账), earliest deadline first, paged',
    description: 'Office and leaders: every rectification; a responder: their groups\' items; a unit liaison: their unit\'s.',
    query: ledgerQuery,
    success: { status: 200, description: 'A page of ledger rows; `nextCursor` fetches the next.', schema: ledgerList },
  },
  'get-item': {
    summary: 'One item',
    params: itemIdParams,
    success: { status: 200, description: 'The item.', schema: itemView, etag: true, links: itemLinks },
    errors: { 404: unknownItem },
  },
  'assign-item': {
    summary: 'Route an item to a group (office)',
    params: itemIdParams,
    body: assignBody,
    headers: ['ifMatch'],
    success: { status: 200, description: 'The item as assigned.', schema: itemView, etag: true, links: itemLinks },
    errors: { 404: unknownItem, 409: itemConflict, 412: 'If-Match names a version that is no longer current; nothing changed.' },
  },
  'create-reply': {
    summary: 'Reply to an item (public) or add an internal note',
    params: itemIdParams,
    body: replyBody,
    headers: ['ifMatch'],
    success: { status: 201, description: 'The reply; a public one sets `answered`.', schema: replyCreated, etag: true },
    errors: { 404: unknownItem, 409: itemConflict, 412: 'If-Match names a version that is no longer current; nothing changed.' },
  },
  'transition-item': {
    summary: 'Start, close, reject, merge, recommend or unrecommend an item',
    params: itemIdParams,
    body: transitionBody,
    headers: ['ifMatch'],
    success: { status: 200, description: 'The item after the action.', schema: itemView, etag: true, links: itemLinks },
    errors: { 404: `${unknownItem} Or the merge target does not exist.`, 409: itemConflict, 412: 'If-Match names a version that is no longer current; nothing changed.' },
  },
  'request-extension': {
    summary: 'Ask for more working days (the item\'s group, or the office)',
    params: itemIdParams,
    body: extensionBody,
    headers: ['ifMatch'],
    success: { status: 201, description: 'The item with its `extension` requested.', schema: itemView, etag: true, links: itemLinks },
    errors: { 404: unknownItem, 409: 'The item is not open or has no due date, or a request is already waiting.', 412: 'If-Match names a version that is no longer current; nothing changed.' },
  },
  'decide-extension': {
    summary: 'Approve or decline the waiting extension request (office)',
    description: 'Approval moves `dueAt` by the working days asked for, counted from the current `dueAt`.',
    params: itemIdParams,
    body: extensionDecisionBody,
    headers: ['ifMatch'],
    success: { status: 200, description: 'The item after the decision.', schema: itemView, etag: true, links: itemLinks },
    errors: { 404: unknownItem, 409: 'No request is waiting, or the item is no longer open.', 412: 'If-Match names a version that is no longer current; nothing changed.' },
  },
  'publish-answer': {
    summary: 'Publish a rewrite of an answered item for everyone to read (office)',
    description:
      'Only the rewritten `title`, `question` and `answer` are published, with the kind and `publishedAt`; nothing else of the item. ' +
      'Publishing again replaces the text under the same public id.',
    params: itemIdParams,
    body: publicationBody,
    headers: ['ifMatch'],
    success: { status: 201, description: 'The item with its `publication`.', schema: itemView, etag: true, links: itemLinks },
    errors: {
      404: unknownItem,
      409: 'The item has no answer yet (only `answered` and `closed` items are published), or as many answers are published as may be.',
      412: 'If-Match names a version that is no longer current; nothing changed.',
    },
  },
  'withdraw-answer': {
    summary: 'Withdraw a published answer (office)',
    description: 'Gone from the public list, search and similar answers from the next request on.',
    params: itemIdParams,
    headers: ['ifMatch'],
    success: { status: 200, description: 'The item without its `publication`.', schema: itemView, etag: true, links: itemLinks },
    errors: { 404: unknownItem, 409: 'The item has no published answer.', 412: 'If-Match names a version that is no longer current; nothing changed.' },
  },
  'list-public-answers': {
    summary: 'Published answers, newest first, or the best matches of `q`; by kind; paged',
    query: publicAnswersQuery,
    success: { status: 200, description: 'A page of answers; `nextCursor` fetches the next.', schema: publicAnswerList },
  },
  'similar-answers': {
    summary: 'The 5 published answers most like a text (Chinese compared by characters)',
    query: similarAnswersQuery,
    success: { status: 200, description: 'Best first, each with a `score` in 0..1.', schema: similarAnswerList },
  },
  'get-dashboard': { summary: 'The figures, for the principal\'s scope', query: dashboardQuery, success: { status: 200, description: 'The dashboard.', schema: dashboardView }, errors: { 404: unknownSession } },
  'get-report': {
    summary: 'The printable report\'s figures for a phase and/or a period (office, leaders)',
    description: 'The dashboard\'s figures for the same filter, the overdue and urged items, the sessions\' summaries and the recommended practices (fields: docs/api.md).',
    query: reportQuery,
    success: { status: 200, description: 'The report.', schema: reportView },
  },
  'list-practices': { summary: 'Recommended good practices', success: { status: 200, description: 'Up to 100 practices with their text.', schema: practiceList } },
  'export-items': {
    summary: 'All items matching the filters, as CSV (streamed)',
    description: 'UTF-8 with a BOM. Deployed, the token must travel in `X-Yijian-Authorization` (CloudFront signs with `Authorization`); locally `Authorization` works too.',
    query: exportQuery,
    success: { status: 200, description: 'One row per item.', schema: 'csv' },
  },
  'export-items-xlsx': {
    summary: 'All items matching the filters, as a spreadsheet for people (streamed)',
    description: 'Chinese headers and labels, times in the directory\'s timezone, the texts and the outcome (columns: docs/api.md). The token travels as for the CSV export.',
    query: exportQuery,
    success: { status: 200, description: 'One sheet, a header row and one row per item.', schema: 'xlsx' },
  },
  'export-rectifications-xlsx': {
    summary: 'The rectification ledger (整改台账) as a spreadsheet (office, leaders; streamed)',
    description: 'One row per rectification: the problem, the responsible unit, the measures, the standard, the deadline, the status, the progress notes and the verification; Chinese headers, dates in the directory\'s timezone. The filters of the ledger; the token travels as for the CSV export.',
    query: ledgerExportQuery,
    success: { status: 200, description: 'One sheet, a header row and one row per rectification.', schema: 'xlsx' },
  },
  'get-directory': { summary: 'The directory (office)', success: { status: 200, description: 'The stored directory.', schema: directorySchema } },
  'put-directory': {
    summary: 'Replace the directory (office), atomically',
    description: 'The whole document is validated; a 400 lists every problem and changes nothing.',
    body: directorySchema,
    success: { status: 200, description: 'The directory as stored.', schema: directorySchema },
  },
  'create-session': {
    summary: 'Create a training session with its link',
    body: createSessionBody,
    success: { status: 201, description: 'The session, its join key and link.', schema: sessionView, etag: true, links: sessionLinks },
  },
  'list-sessions': { summary: 'Training sessions, newest first', query: sessionListQuery, success: { status: 200, description: 'A page of sessions.', schema: sessionList } },
  'get-session': {
    summary: 'One training session',
    params: sessionCodeParams,
    success: { status: 200, description: 'The session.', schema: sessionView, etag: true, links: sessionLinks },
    errors: { 404: unknownSession },
  },
  'update-session': {
    summary: 'Edit, open or close a training session',
    params: sessionCodeParams,
    body: updateSessionBody,
    headers: ['ifMatchRequired'],
    success: { status: 200, description: 'The session as changed.', schema: sessionView, etag: true, links: sessionLinks },
    errors: { 404: unknownSession, 412: 'If-Match names a version that is no longer current; nothing changed.' },
  },
  'get-public-session': {
    summary: "What a session's page shows",
    params: sessionCodeParams,
    headers: ['sessionKey'],
    success: { status: 200, description: 'The session as its audience sees it.', schema: publicSessionView },
    errors: { 404: unknownSession },
  },
  'rate-session': {
    summary: 'Rate a training session',
    params: sessionCodeParams,
    body: sessionRatingBody,
    headers: ['sessionKey', 'proof'],
    success: { status: 201, description: 'Received.', schema: ratingReceived },
    errors: { 404: unknownSession, 409: 'The session is closed.' },
  },
  'create-session-records': {
    summary: 'What was raised in a session, typed up (all or nothing)',
    params: sessionCodeParams,
    body: recordsBody,
    success: { status: 201, description: 'The items created.', schema: recordsCreated },
    errors: { 404: unknownSession },
  },
  'get-session-summary': {
    summary: "A session's ratings and items",
    params: sessionCodeParams,
    success: { status: 200, description: 'The summary; figures below the privacy minimum are left out.', schema: sessionSummary },
    errors: { 404: unknownSession },
  },
  'create-attachment': {
    summary: 'A presigned upload of a photo or a PDF (public, a room write; or staff with their token)',
    description:
      'Allowed: image/jpeg, image/png, image/webp, application/pdf, at most 10 MB (415 and 413 otherwise). Post `upload.fields` and then the file, ' +
      'as the form field `file`, as multipart/form-data to `upload.url` before `expiresAt`; storage refuses another type or size. The `id` is a secret: ' +
      'name it once in `attachmentIds` of a submission, follow-up or reply within a day. With `Authorization: Bearer`, the token is verified (401/403) and the room does not count the request.',
    body: createAttachmentBody,
    headers: ['proof'],
    success: { status: 201, description: 'The attachment id and its presigned upload.', schema: attachmentUpload },
  },
  'get-submission-attachment': {
    summary: "A file of the submitter's item: the submission's, their follow-ups' or a public reply's",
    params: submissionAttachmentParams,
    headers: ['accessKey'],
    success: signedDownload,
    errors: { 404: `${unknownCode} Or no such attachment on what this submitter may see.` },
  },
  'get-item-attachment': {
    summary: 'A file of an item, for staff who may see the item',
    params: itemAttachmentParams,
    success: signedDownload,
    errors: { 404: `${unknownItem} Or no such attachment on it.` },
  },
  'list-kept-notices': { summary: 'Notices that could not be sent, kept in full (office)', success: { status: 200, description: 'The kept notices.', schema: keptNoticeList } },
  'redrive-kept-notice': {
    summary: 'Have a kept notice sent again, once (office)',
    params: keptNoticeParams,
    success: { status: 202, description: 'Asked for; the notify worker sends it.', schema: keptNoticeRedriven },
    errors: { 404: 'No such kept notice.' },
  },
  'discard-kept-notice': {
    summary: 'Discard a kept notice (office)',
    params: keptNoticeParams,
    success: { status: 200, description: 'Discarded.', schema: keptNoticeDiscarded },
    errors: { 404: 'No such kept notice.', 409: 'The notice is being sent right now.' },
  },
};
