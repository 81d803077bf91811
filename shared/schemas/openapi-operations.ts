import { directorySchema } from './directory';
import { challengeView, dashboardView, keptNoticeDiscarded, keptNoticeList, keptNoticeRedriven, practiceList, replyCreated, reportView } from './responses';
import { assignBody, dashboardQuery, exportQuery, reportQuery, extensionBody, extensionDecisionBody, itemIdParams, itemList, itemView, keptNoticeParams, listQuery, replyBody, transitionBody } from './staff';
import { createSubmissionBody, followUpBody, followUpCreated, formData, publicSubmissionView, ratingBody, ratingResult, submissionReceipt } from './submission';
import { type OperationSpec, accepted, behindKey, created, itemChange, itemConflict, itemLinks, ok, submitterLinks, unknownItem, unknownSession } from './openapi-operation-parts';
import { v2OperationSpecs } from './openapi-operations-v2';

export type { Header, Link, OperationSpec } from './openapi-operation-parts';

/** Every handler's operation (the doc comment of openapi-operation-parts.ts says what an entry holds). */
export const operationSpecs: Readonly<Record<string, OperationSpec>> = {
  'get-form': { summary: 'What the submission form needs', success: ok('The campaign, kinds and units.', formData) },
  'get-openapi': { summary: 'This document', success: ok('The OpenAPI 3.1 document.', 'document') },
  'get-challenge': {
    summary: 'An ALTCHA proof-of-work challenge, valid for 10 minutes',
    description: 'Solve it and send the solution, base64 of JSON, in `X-Altcha` on one public write: a write the room would refuse with 429 goes through.',
    success: ok('A challenge (altcha-lib v2).', challengeView),
  },
  'create-submission': {
    summary: 'Submit feedback, a question, a suggestion, a problem or a good practice',
    description:
      'Routing happens here: a matching rule sets `assigned` and `dueAt`, otherwise the item waits for the office. ' +
      'A non-empty `website` (a honeypot) is accepted with 201 and dropped. The `accessKey` is shown this once.',
    body: createSubmissionBody,
    headers: ['idempotency', 'proof'],
    success: created('The receipt.', submissionReceipt, { links: submitterLinks }),
    errors: { 404: 'The `session` named does not exist or its key is wrong.', 409: 'The session named is closed.' },
  },
  'get-submission': behindKey('submission', {
    summary: "The submitter's view of an item",
    success: ok('What the submitter may see: no internal notes, staff names or contact details.', publicSubmissionView),
  }),
  'create-follow-up': behindKey('submission', {
    summary: 'Follow up on an item',
    body: followUpBody,
    success: created('Added; an answered or closed item is reopened.', followUpCreated),
    conflict: 'The item is rejected or merged, or holds as many follow-ups as it may.',
  }),
  'rate-submission': behindKey('submission', {
    summary: 'Rate the answer',
    body: ratingBody,
    success: ok('`satisfied`/`basically` close the item, `unsatisfied` reopens it.', ratingResult),
    conflict: 'The item is not `answered`.',
  }),
  'list-items': {
    summary: 'Items, newest first, paged',
    query: listQuery,
    success: ok('A page of items; `nextCursor` fetches the next.', itemList),
  },
  'get-item': {
    summary: 'One item',
    params: itemIdParams,
    success: ok('The item.', itemView, { etag: true, links: itemLinks }),
    errors: { 404: unknownItem },
  },
  'assign-item': itemChange({
    summary: 'Route an item to a group (office)',
    body: assignBody,
    success: ok('The item as assigned.', itemView),
    conflict: itemConflict,
  }),
  'create-reply': itemChange({
    summary: 'Reply to an item (public) or add an internal note',
    body: replyBody,
    success: created('The reply; a public one sets `answered`.', replyCreated),
    conflict: itemConflict,
  }),
  'transition-item': itemChange({
    summary: 'Start, close, reject, merge, recommend or unrecommend an item',
    body: transitionBody,
    success: ok('The item after the action.', itemView),
    conflict: itemConflict,
    notFound: `${unknownItem} Or the merge target does not exist.`,
  }),
  'request-extension': itemChange({
    summary: 'Ask for more working days (the item\'s group, or the office)',
    body: extensionBody,
    success: created('The item with its `extension` requested.', itemView),
    conflict: 'The item is not open or has no due date, or a request is already waiting.',
  }),
  'decide-extension': itemChange({
    summary: 'Approve or decline the waiting extension request (office)',
    description: 'Approval moves `dueAt` by the working days asked for, counted from the current `dueAt`.',
    body: extensionDecisionBody,
    success: ok('The item after the decision.', itemView),
    conflict: 'No request is waiting, or the item is no longer open.',
  }),
  'get-dashboard': { summary: 'The figures, for the principal\'s scope', query: dashboardQuery, success: ok('The dashboard.', dashboardView), errors: { 404: unknownSession } },
  'get-report': {
    summary: 'The printable report\'s figures for a phase and/or a period (office, leaders)',
    description: 'The dashboard\'s figures for the same filter, the overdue and urged items, the sessions\' summaries and the recommended practices (fields: docs/api.md).',
    query: reportQuery,
    success: ok('The report.', reportView),
  },
  'list-practices': { summary: 'Recommended good practices', success: ok('Up to 100 practices with their text.', practiceList) },
  'export-items': {
    summary: 'All items matching the filters, as CSV (streamed)',
    description: 'UTF-8 with a BOM. Deployed, the token must travel in `X-Yijian-Authorization` (CloudFront signs with `Authorization`); locally `Authorization` works too.',
    query: exportQuery,
    success: ok('One row per item.', 'csv'),
  },
  'export-items-xlsx': {
    summary: 'All items matching the filters, as a spreadsheet for people (streamed)',
    description: 'Chinese headers and labels, times in the directory\'s timezone, the texts and the outcome (columns: docs/api.md). The token travels as for the CSV export.',
    query: exportQuery,
    success: ok('One sheet, a header row and one row per item.', 'xlsx'),
  },
  'get-directory': { summary: 'The directory (office)', success: ok('The stored directory.', directorySchema) },
  'put-directory': {
    summary: 'Replace the directory (office), atomically',
    description: 'The whole document is validated; a 400 lists every problem and changes nothing.',
    body: directorySchema,
    success: ok('The directory as stored.', directorySchema),
  },
  'list-kept-notices': { summary: 'Notices that could not be sent, kept in full (office)', success: ok('The kept notices.', keptNoticeList) },
  'redrive-kept-notice': {
    summary: 'Have a kept notice sent again, once (office)',
    params: keptNoticeParams,
    success: accepted('Asked for; the notify worker sends it.', keptNoticeRedriven),
    errors: { 404: 'No such kept notice.' },
  },
  'discard-kept-notice': {
    summary: 'Discard a kept notice (office)',
    params: keptNoticeParams,
    success: ok('Discarded.', keptNoticeDiscarded),
    errors: { 404: 'No such kept notice.', 409: 'The notice is being sent right now.' },
  },
  ...v2OperationSpecs,
};
