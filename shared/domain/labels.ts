/**
 * The names people read for the API's vocabulary, Chinese and English: the pages (web/src/lib/terms.ts)
 * and the office's spreadsheets (shared/services/export-xlsx.ts) show the same words.
 * Kinds carry theirs in shared/schemas/directory.ts (`kinds`); phases are named in the directory.
 */
import type { ItemSource } from '../data/item-index-keys';
import type { RectificationStatus } from './rectification';
import type { Resolved, Satisfaction, Status } from '../schemas/submission';

/** [Chinese, English]. The tables below are data, a few entries a line. */
export type Label = readonly [string, string];

export const statusLabels: Readonly<Record<Status, Label>> = {
  submitted: ['待分办', 'Awaiting triage'], assigned: ['已交办', 'Assigned'], in_progress: ['办理中', 'In progress'], answered: ['已答复', 'Answered'],
  closed: ['已办结', 'Closed'], reopened: ['重新办理', 'Reopened'], rejected: ['不予受理', 'Rejected'], merged: ['已合并', 'Merged'],
};

export const satisfactionLabels: Readonly<Record<Satisfaction, Label>> = { satisfied: ['满意', 'Satisfied'], basically: ['基本满意', 'Basically satisfied'], unsatisfied: ['不满意', 'Unsatisfied'] };

/** The rating's "was it resolved?" answers (the resolution rate, 解决率). */
export const resolvedLabels: Readonly<Record<Resolved, Label>> = { yes: ['已解决', 'Yes'], partly: ['部分解决', 'Partly'], no: ['未解决', 'No'] };

export const sourceLabels: Readonly<Record<ItemSource, Label>> = { form: ['意见箱表单', 'The form'], session: ['培训场次链接', 'A session’s link'], meeting: ['会议记录', 'Meeting records'] };

export const extensionStatusLabels: Readonly<Record<'requested' | 'approved' | 'declined', Label>> = {
  requested: ['待审批', 'Requested'], approved: ['已批准', 'Approved'], declined: ['未批准', 'Declined'],
};

/** Rectification (整改) statuses, as the ledger and the pages name them. */
export const rectificationStatusLabels: Readonly<Record<RectificationStatus, Label>> = {
  planned: ['待整改', 'Planned'], in_progress: ['整改中', 'In progress'], submitted: ['待核查', 'Awaiting verification'],
  verified: ['已销号', 'Verified'], returned: ['已退回', 'Returned'],
};
