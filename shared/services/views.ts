import type { Principal } from '../domain/access';
import { canSeeContact } from '../domain/access';
import { isOpen } from '../domain/lifecycle';
import type { EventRecord, ItemRecord } from '../data/items';
import type { SummaryRow } from '../data/lists';
import type { ItemSummary, ItemView } from '../schemas/staff';
import { toAttachmentViews } from './attachment-views';
import { toRectificationView } from './rectification-views';

/** The shapes staff see, built in one place so every endpoint answers alike. */
export const isOverdue = (item: { status: ItemRecord['status']; dueAt?: string }, now: Date): boolean =>
  isOpen(item.status) && item.dueAt !== undefined && item.dueAt < now.toISOString();

/** What every view of an item starts with, staff's lists, the report's and the submitter's alike. */
export const itemHeadline = ({ trackingCode, kind, title, status }: Pick<ItemRecord, 'trackingCode' | 'kind' | 'title' | 'status'>) => ({ trackingCode, kind, title, status });

export const toSummary = (row: SummaryRow | ItemRecord, now: Date): ItemSummary => ({
  id: row.trackingCode,
  ...itemHeadline(row),
  ...(row.unitId ? { unitId: row.unitId } : {}),
  ...(row.groupId ? { groupId: row.groupId } : {}),
  createdAt: row.createdAt,
  ...(row.dueAt ? { dueAt: row.dueAt } : {}),
  overdue: isOverdue(row, now),
  recommended: row.recommended ?? false,
  version: row.version,
  // Items older than sessions carry no source: they came through the form.
  source: row.source ?? 'form',
  ...(row.sessionCode ? { sessionCode: row.sessionCode } : {}),
  answeredOnSpot: row.answeredOnSpot ?? false,
  ...(row.urgedAt ? { urgedAt: row.urgedAt } : {}),
});

export const actor = (by: EventRecord['by']) =>
  by.type === 'staff' ? { sub: by.sub, name: by.name ?? by.sub ?? '' } : { name: by.type === 'submitter' ? '提交人' : '系统' };

export const toItemView = (principal: Principal, item: ItemRecord, events: readonly EventRecord[], now: Date): ItemView => ({
  ...toSummary(item, now),
  body: item.body,
  ...(item.contact && canSeeContact(principal, item) ? { contact: item.contact } : {}),
  ...(item.rating !== undefined ? { rating: item.rating } : {}),
  replies: events
    .filter((e) => e.reply)
    .map((e) => ({ id: e.reply!.id, body: e.reply!.body, visibility: e.reply!.visibility, by: actor(e.by), createdAt: e.at, ...toAttachmentViews(e.reply!.attachments) })),
  followUps: events.filter((e) => e.followUp).map((e) => ({ body: e.followUp!.body, createdAt: e.at, ...toAttachmentViews(e.followUp!.attachments) })),
  ...toAttachmentViews(item.attachments),
  history: events.map((e) => ({
    at: e.at,
    by: actor(e.by),
    action: e.action,
    ...(e.from ? { from: e.from } : {}),
    ...(e.to ? { to: e.to } : {}),
    ...(e.note ? { note: e.note } : {}),
  })),
  ...(item.satisfaction ? { satisfaction: item.satisfaction } : {}),
  ...(item.resolved ? { resolved: item.resolved } : {}),
  ...(item.routedAt ? { routedAt: item.routedAt } : {}),
  ...(item.respondBy ? { respondBy: item.respondBy } : {}),
  ...(item.respondedAt ? { respondedAt: item.respondedAt } : {}),
  ...(item.mergedInto ? { mergedInto: item.mergedInto } : {}),
  ...(item.rejectedReason ? { rejectedReason: item.rejectedReason } : {}),
  phase: item.phase,
  ...(item.extension ? { extension: item.extension } : {}),
  ...(item.publication ? { publication: publicationOf(item.publication) } : {}),
  ...(item.rectification ? { rectification: toRectificationView(item.rectification, events, now) } : {}),
});

/** The item's publication as staff see it: its public id as `id`. */
const publicationOf = ({ publicId, ...rest }: NonNullable<ItemRecord['publication']>) => ({ id: publicId, ...rest });
