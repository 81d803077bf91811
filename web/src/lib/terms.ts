/** Names of the API's vocabulary in both languages: kinds (from the shared directory schema), statuses, satisfaction. */
import { kinds, type Kind } from '../../../shared/schemas/directory';
import type { Resolved, Satisfaction, Status } from '../../../shared/schemas/submission';
import { getLang } from './i18n';

export { kinds };
export type { Kind, Satisfaction, Status };

export const kindName = (id: string): string => {
  const kind = kinds.find((k) => k.id === id);
  if (!kind) return id;
  return getLang() === 'zh' ? kind.name : kind.nameEn;
};

export const kindDescription = (id: Kind): string => {
  const kind = kinds.find((k) => k.id === id)!;
  return getLang() === 'zh' ? kind.description : kind.descriptionEn;
};

const statusNames: Record<Status, [string, string]> = {
  submitted: ['待分办', 'Awaiting triage'],
  assigned: ['已交办', 'Assigned'],
  in_progress: ['办理中', 'In progress'],
  answered: ['已答复', 'Answered'],
  closed: ['已办结', 'Closed'],
  reopened: ['重新办理', 'Reopened'],
  rejected: ['不予受理', 'Rejected'],
  merged: ['已合并', 'Merged'],
};
export const statusIds = Object.keys(statusNames) as Status[];
export const openStatuses: readonly Status[] = ['submitted', 'assigned', 'in_progress', 'reopened'];

export const statusName = (id: string): string => {
  const pair = statusNames[id as Status];
  return pair ? pair[getLang() === 'zh' ? 0 : 1] : id;
};

const satisfactionNames: Record<Satisfaction, [string, string]> = {
  satisfied: ['满意', 'Satisfied'],
  basically: ['基本满意', 'Basically satisfied'],
  unsatisfied: ['不满意', 'Unsatisfied'],
};
export const satisfactionIds = Object.keys(satisfactionNames) as Satisfaction[];

/** The rating's "was it resolved?" answers (the resolution rate, 解决率). */
const resolvedNames: Record<Resolved, [string, string]> = {
  yes: ['已解决', 'Yes'],
  partly: ['部分解决', 'Partly'],
  no: ['未解决', 'No'],
};
export const resolvedIds = Object.keys(resolvedNames) as Resolved[];
export const resolvedName = (id: string): string => {
  const pair = resolvedNames[id as Resolved];
  return pair ? pair[getLang() === 'zh' ? 0 : 1] : id;
};
export const satisfactionName = (id: string): string => {
  const pair = satisfactionNames[id as Satisfaction];
  return pair ? pair[getLang() === 'zh' ? 0 : 1] : id;
};
