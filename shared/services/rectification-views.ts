import type { EventRecord, ItemRecord, ItemRectification } from '../data/items';
import { isRectificationOverdue } from '../domain/rectification';
import type { RectificationView } from '../schemas/rectification';
import type { ItemView } from '../schemas/staff';
import { toAttachmentViews } from './attachment-views';

/** What each reader sees of a rectification: staff and liaisons, the submitter, the ledger. */

const nameOf = (by: EventRecord['by']) => ({ name: by.name ?? by.sub ?? '' });

export const toRectificationView = (rect: ItemRectification, events: readonly EventRecord[], now: Date): RectificationView => ({
  status: rect.status,
  unitId: rect.unitId,
  measures: rect.measures,
  standard: rect.standard,
  deadline: rect.deadline,
  overdue: isRectificationOverdue(rect, now),
  progress: events
    .filter((e) => e.progress)
    .map((e) => ({ at: e.at, by: nameOf(e.by), note: e.progress!.note, attachments: toAttachmentViews(e.progress!.attachments).attachments ?? [], done: e.progress!.done })),
  ...(rect.verification ? { verification: { by: { name: rect.verification.by.name }, at: rect.verification.at, outcome: rect.verification.outcome, note: rect.verification.note } } : {}),
});

/** History entries a liaison may read: the rectification's own, never the submitter's or the notes. */
const isRectificationEvent = (e: EventRecord) => e.action.startsWith('rectification-');

/**
 * An item as the liaison of the unit its rectification names sees it (API.md v2 "Roles, added"):
 * the problem (title and text) and the rectification, never the contact details, the replies and
 * internal notes, the follow-ups, the ratings or who submitted it.
 */
export const toLiaisonItemView = (item: ItemRecord & { rectification: ItemRectification }, events: readonly EventRecord[], now: Date): ItemView => ({
  id: item.trackingCode,
  trackingCode: item.trackingCode,
  kind: item.kind,
  title: item.title,
  status: item.status,
  unitId: item.rectification.unitId,
  ...(item.groupId ? { groupId: item.groupId } : {}),
  createdAt: item.createdAt,
  overdue: isRectificationOverdue(item.rectification, now),
  recommended: false,
  version: item.version,
  source: 'form',
  answeredOnSpot: false,
  body: item.body,
  replies: [],
  followUps: [],
  history: events.filter(isRectificationEvent).map((e) => ({ at: e.at, by: nameOf(e.by), action: e.action })),
  phase: item.phase,
  rectification: toRectificationView(item.rectification, events, now),
});

/** The tracking page's part: the status and deadline, and once verified when and the sign-off note. */
export const toPublicRectification = (rect: ItemRectification) => ({
  status: rect.status,
  deadline: rect.deadline,
  ...(rect.status === 'verified' && rect.verification ? { verifiedAt: rect.verification.at, signOffNote: rect.verification.note } : {}),
});
