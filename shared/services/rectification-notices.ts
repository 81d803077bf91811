import type { ItemRecord } from '../data/items';
import type { Message } from '../notify/templates';
import { rectificationTemplates } from '../notify/rectification-templates';
import type { Directory } from '../schemas/directory';
import { unitRecipient, type Recipient } from '../notify/recipients';

/**
 * The rectification's notices a change of an item calls for (shared/services/notify.ts `plan`),
 * each to the liaisons of the unit the rectification names (their e-mail addresses and the unit's
 * group-chat robots), each once:
 *   a plan recorded or replaced   once per plan (`plannedAt`), keyed by the version that made it
 *   sent back (returned)          once per return, keyed by the version that made it
 *   deadline approaching          once per deadline (`remindedFor`, set by the sweeper)
 */
export const planRectificationNotices = (
  item: ItemRecord,
  old: ItemRecord | undefined,
  directory: Directory,
  add: (trackingCode: string, occasion: string | number, kind: string, recipient: Recipient, render: (to: readonly string[]) => Message) => void,
) => {
  const rect = item.rectification;
  if (!rect) return;
  const before = old?.rectification;
  const liaisons = unitRecipient(directory, rect.unitId);
  const facts = { trackingCode: item.trackingCode, title: item.title, rectification: rect };
  if (rect.status === 'planned' && rect.plannedAt !== before?.plannedAt) add(item.trackingCode, item.version, 'rect-plan', liaisons, (to) => rectificationTemplates.planned(facts, directory, to));
  if (rect.status === 'returned' && before?.status !== 'returned') add(item.trackingCode, item.version, 'rect-return', liaisons, (to) => rectificationTemplates.returned(facts, directory, to));
  if (rect.remindedFor && rect.remindedFor !== before?.remindedFor) add(item.trackingCode, rect.remindedFor, 'rect-reminder', liaisons, (to) => rectificationTemplates.reminder(facts, directory, to));
};
