/** Names of the API's vocabulary in both languages: kinds (from the shared directory schema), statuses, satisfaction. */
import { kinds, type Kind } from '../../../shared/schemas/directory';
import type { Resolved, Satisfaction, Status } from '../../../shared/schemas/submission';
import { resolvedLabels, satisfactionLabels, statusLabels } from '../../../shared/domain/labels';
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

const statusNames = statusLabels;
export const statusIds = Object.keys(statusNames) as Status[];
export const openStatuses: readonly Status[] = ['submitted', 'assigned', 'in_progress', 'reopened'];

export const statusName = (id: string): string => {
  const pair = statusNames[id as Status];
  return pair ? pair[getLang() === 'zh' ? 0 : 1] : id;
};

const satisfactionNames = satisfactionLabels;
export const satisfactionIds = Object.keys(satisfactionNames) as Satisfaction[];

/** The rating's "was it resolved?" answers (the resolution rate, 解决率). */
const resolvedNames = resolvedLabels;
export const resolvedIds = Object.keys(resolvedNames) as Resolved[];
export const resolvedName = (id: string): string => {
  const pair = resolvedNames[id as Resolved];
  return pair ? pair[getLang() === 'zh' ? 0 : 1] : id;
};
export const satisfactionName = (id: string): string => {
  const pair = satisfactionNames[id as Satisfaction];
  return pair ? pair[getLang() === 'zh' ? 0 : 1] : id;
};
