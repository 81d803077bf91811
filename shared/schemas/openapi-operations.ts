import { directorySchema } from './directory';
import { challengeView, dashboardView, keptNoticeDiscarded, keptNoticeList, keptNoticeRedriven, practiceList, replyCreated, reportView } from './responses';
import { assignBody, dashboardQuery, exportQuery, reportQuery, extensionBody, extensionDecisionBody, itemIdParams, itemList, itemView, keptNoticeParams, listQuery, replyBody, transitionBody } from './staff';
import { createSubmissionBody, followUpBody, followUpCreated, formData, publicSubmissionView, ratingBody, ratingResult, submissionReceipt, trackingCodeParams } from './submission';
import { type OperationSpec, submitterLinks, itemLinks, unknownItem, unknownCode, unknownSession, itemConflict } from './openapi-operation-parts';
import { v2OperationSpecs } from './openapi-operations-v2';

export type { Header, Link, OperationSpec } from './openapi-operation-parts';

/** Every handler's operation (the doc comment of openapi-operation-parts.ts says what an entry holds). */
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
  'get-directory': { summary: 'The directory (office)', success: { status: 200, description: 'The stored directory.', schema: directorySchema } },
  'put-directory': {
    summary: 'Replace the directory (office), atomically',
    description: 'The whole document is validated; a 400 lists every problem and changes nothing.',
    body: directorySchema,
    success: { status: 200, description: 'The directory as stored.', schema: directorySchema },
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
  ...v2OperationSpecs,
};
