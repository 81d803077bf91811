import { publicAnswerList, publicAnswersQuery, publicationBody, similarAnswerList, similarAnswersQuery } from './answers';
import { attachmentUpload, createAttachmentBody, itemAttachmentParams, submissionAttachmentParams } from './attachment';
import { createSessionBody, publicSessionView, ratingReceived, recordsBody, recordsCreated, sessionCodeParams, sessionList, sessionListQuery, sessionRatingBody, sessionSummary, sessionView, updateSessionBody } from './session';
import { ledgerExportQuery, ledgerList, ledgerQuery, rectificationPlanBody, rectificationProgressBody, rectificationVerificationBody } from './rectification';
import { type OperationSpec, behindKey, created, itemChange, ok, sessionLinks, signedDownload, staleVersion, unknownItem, unknownCode, unknownSession } from './openapi-operation-parts';
import { itemView } from './staff';

/** The operations of the contract's Version 2 (sessions, published answers, rectification, attachments); see openapi-operation-parts.ts. */
export const v2OperationSpecs: Readonly<Record<string, OperationSpec>> = {
  'put-rectification': itemChange({
    summary: 'Record or replace the rectification plan (office, or the item\'s group)',
    description: 'Creates the plan, or replaces it while it is `planned` or `returned`; the unit\'s liaisons are told.',
    body: rectificationPlanBody,
    ifMatch: 'ifMatchRequired',
    success: ok('The item with its `rectification`.', itemView),
    conflict: 'The rectification is past `returned`/`planned`, or the item is rejected or merged.',
  }),
  'create-rectification-progress': itemChange({
    summary: 'Report rectification progress (the unit\'s liaison, the item\'s group, office)',
    description:
      'The first report moves `planned` to `in_progress`; `done: true` moves it to `submitted` (waiting for verification). ' +
      '`attachmentIds` (up to 10, from POST /api/attachments) are the evidence: checked and cleaned like a submission\'s.',
    body: rectificationProgressBody,
    success: created('The item (a liaison: its rectification view).', itemView),
    conflict: 'No plan yet, or the rectification is submitted or verified.',
  }),
  'verify-rectification': itemChange({
    summary: 'Verify (销号) or return a submitted rectification (the item\'s group or office)',
    body: rectificationVerificationBody,
    success: ok('The item after the verification.', itemView),
    conflict: 'The rectification is not `submitted`.',
  }),
  'list-rectifications': {
    summary: 'The rectification ledger (整改台账), earliest deadline first, paged',
    description: 'Office and leaders: every rectification; a responder: their groups\' items; a unit liaison: their unit\'s.',
    query: ledgerQuery,
    success: ok('A page of ledger rows; `nextCursor` fetches the next.', ledgerList),
  },
  'publish-answer': itemChange({
    summary: 'Publish a rewrite of an answered item for everyone to read (office)',
    description:
      'Only the rewritten `title`, `question` and `answer` are published, with the kind and `publishedAt`; nothing else of the item. ' +
      'Publishing again replaces the text under the same public id.',
    body: publicationBody,
    success: created('The item with its `publication`.', itemView),
    conflict: 'The item has no answer yet (only `answered` and `closed` items are published), or as many answers are published as may be.',
  }),
  'withdraw-answer': itemChange({
    summary: 'Withdraw a published answer (office)',
    description: 'Gone from the public list, search and similar answers from the next request on.',
    success: ok('The item without its `publication`.', itemView),
    conflict: 'The item has no published answer.',
  }),
  'list-public-answers': {
    summary: 'Published answers, newest first, or the best matches of `q`; by kind; paged',
    query: publicAnswersQuery,
    success: ok('A page of answers; `nextCursor` fetches the next.', publicAnswerList),
  },
  'similar-answers': {
    summary: 'The 5 published answers most like a text (Chinese compared by characters)',
    query: similarAnswersQuery,
    success: ok('Best first, each with a `score` in 0..1.', similarAnswerList),
  },
  'export-rectifications-xlsx': {
    summary: 'The rectification ledger (整改台账) as a spreadsheet (office, leaders; streamed)',
    description: 'One row per rectification: the problem, the responsible unit, the measures, the standard, the deadline, the status, the progress notes and the verification; Chinese headers, dates in the directory\'s timezone. The filters of the ledger; the token travels as for the CSV export.',
    query: ledgerExportQuery,
    success: ok('One sheet, a header row and one row per rectification.', 'xlsx'),
  },
  'create-session': {
    summary: 'Create a training session with its link',
    body: createSessionBody,
    success: created('The session, its join key and link.', sessionView, { etag: true, links: sessionLinks }),
  },
  'list-sessions': { summary: 'Training sessions, newest first', query: sessionListQuery, success: ok('A page of sessions.', sessionList) },
  'get-session': {
    summary: 'One training session',
    params: sessionCodeParams,
    success: ok('The session.', sessionView, { etag: true, links: sessionLinks }),
    errors: { 404: unknownSession },
  },
  'update-session': {
    summary: 'Edit, open or close a training session',
    params: sessionCodeParams,
    body: updateSessionBody,
    headers: ['ifMatchRequired'],
    success: ok('The session as changed.', sessionView, { etag: true, links: sessionLinks }),
    errors: { 404: unknownSession, 412: staleVersion },
  },
  'get-public-session': behindKey('session', {
    summary: "What a session's page shows",
    success: ok('The session as its audience sees it.', publicSessionView),
  }),
  'rate-session': behindKey('session', {
    summary: 'Rate a training session',
    body: sessionRatingBody,
    success: created('Received.', ratingReceived),
    conflict: 'The session is closed.',
  }),
  'create-session-records': {
    summary: 'What was raised in a session, typed up (all or nothing)',
    params: sessionCodeParams,
    body: recordsBody,
    success: created('The items created.', recordsCreated),
    errors: { 404: unknownSession },
  },
  'get-session-summary': {
    summary: "A session's ratings and items",
    params: sessionCodeParams,
    success: ok('The summary; figures below the privacy minimum are left out.', sessionSummary),
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
    success: created('The attachment id and its presigned upload.', attachmentUpload),
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
};
