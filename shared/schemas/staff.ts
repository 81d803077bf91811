import * as z from 'zod/mini';
import { schema } from './schema';
import { kindSchema } from './directory';
import { resolvedSchema, satisfactionSchema, statusSchema } from './submission';
import { attachmentIdsSchema, attachmentView, maxAttachments } from './attachment';
import { idSchema, isoInstant, text } from './text';
import { publicationView } from './answers';
import { rectificationView } from './rectification';

export const itemIdParams = /* @__PURE__ */ schema(() => z.strictObject({ id: z.string().check(z.maxLength(64)) }));

/** The most values one comma-separated filter (`status=a,b`) takes. */
export const maxListValues = 8;

/** `a,b, c` -> ['a', 'b', 'c'], then 1..`maxListValues` items each checked by `item` (as classic's `.transform().pipe()` nests them). */
const commaList = <T extends z.core.$ZodType<unknown, string>>(item: T) =>
  z.pipe(
    z.pipe(
      z.string().check(z.maxLength(200)),
      z.transform((value: string) => value.split(',').map((v) => v.trim()).filter(Boolean)),
    ),
    z.array(item).check(z.minLength(1), z.maxLength(maxListValues)),
  );

const booleanFlag = /* @__PURE__ */ schema(() => z.pipe(z.enum(['true', 'false']), z.transform((v: 'true' | 'false') => v === 'true')));

export const listQuery = /* @__PURE__ */ schema(() => z.strictObject({
  status: z.optional(commaList(statusSchema)),
  groupId: z.optional(idSchema),
  unitId: z.optional(idSchema),
  kind: z.optional(kindSchema),
  overdue: z.optional(booleanFlag),
  phase: z.optional(idSchema),
  q: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
  sessionCode: z.optional(z.string().check(z.maxLength(64))),
  /** `true`: only the open items urged (催办) for their current due date. */
  urged: z.optional(z.pipe(z.enum(['true']), z.transform(() => true as const))),
  /** `requested`: only the open items whose deadline extension waits for the office's decision. */
  extension: z.optional(z.enum(['requested'])),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 25),
  cursor: z.optional(z.string().check(z.maxLength(512))),
}));
export type ListQuery = z.output<typeof listQuery>;

export const exportQuery = /* @__PURE__ */ schema(() => z.omit(listQuery, { limit: true, cursor: true }));
export type ExportQuery = z.output<typeof exportQuery>;

/** A period of local days (YYYY-MM-DD, the directory's timezone), both ends included; `from` not after `to`. */
const periodFields = { from: z.optional(z.iso.date()), to: z.optional(z.iso.date()) };
const periodInOrder = () =>
  z.superRefine((value: { from?: string; to?: string }, ctx) => {
    if (value.from !== undefined && value.to !== undefined && value.from > value.to) ctx.addIssue({ code: 'custom', path: ['from'], message: '`from` must not be after `to`.' });
  });

export const dashboardQuery = /* @__PURE__ */ schema(() => z.strictObject({
  groupId: z.optional(idSchema),
  phase: z.optional(idSchema),
  sessionCode: z.optional(z.string().check(z.maxLength(64))),
  ...periodFields,
}).check(periodInOrder()));

/** GET /api/reports/summary: a phase, a period, or both (the whole campaign without either). */
export const reportQuery = /* @__PURE__ */ schema(() => z.strictObject({ phase: z.optional(idSchema), ...periodFields }).check(periodInOrder()));
export type ReportQuery = z.output<typeof reportQuery>;

export const assignBody = /* @__PURE__ */ schema(() => z.strictObject({ groupId: idSchema, note: z.optional(text(1, 1000)) }));

/** POST /api/items/{id}/extension: how many more working days, and why (the submitter reads the reason once approved). */
export const extensionBody = /* @__PURE__ */ schema(() => z.strictObject({
  workingDays: z.number().check(z.int('a whole number of working days'), z.minimum(1, 'at least 1 working day'), z.maximum(30, 'at most 30 working days')),
  reason: text(1, 500),
}));

/** POST /api/items/{id}/extension/decision (office). */
export const extensionDecisionBody = /* @__PURE__ */ schema(() => z.strictObject({ approve: z.boolean(), note: z.optional(text(1, 1000)) }));

/** A reply's or note's longest text, in characters (an item's views carry up to `maxReplies` of them: shared/domain/lifecycle.ts). */
export const maxReplyChars = 5000;

export const replyBody = /* @__PURE__ */ schema(() => z.strictObject({ body: text(1, maxReplyChars), visibility: z.enum(['public', 'internal']), attachmentIds: z.optional(attachmentIdsSchema(maxAttachments)) }));

export const transitionActions = ['start', 'close', 'reject', 'merge', 'recommend', 'unrecommend'] as const;
export const transitionBody = /* @__PURE__ */ schema(() => z
  .strictObject({
    action: z.enum(transitionActions),
    reason: z.optional(text(1, 1000)),
    targetId: z.optional(z.string().check(z.maxLength(64))),
  })
  .check(
    z.superRefine((value, ctx) => {
      if (value.action === 'reject' && value.reason === undefined) {
        ctx.addIssue({ code: 'custom', path: ['reason'], message: 'A rejection needs a reason; the submitter will see it.' });
      }
      if (value.action === 'merge' && value.targetId === undefined) {
        ctx.addIssue({ code: 'custom', path: ['targetId'], message: 'Say which item this one duplicates.' });
      }
    }),
  )
  // The same two rules in JSON Schema, for the OpenAPI document (refinements do not reach it).
  .register(z.globalRegistry, {
    allOf: [
      { if: { properties: { action: { const: 'reject' } } }, then: { required: ['reason'], properties: { reason: {} } } },
      { if: { properties: { action: { const: 'merge' } } }, then: { required: ['targetId'], properties: { targetId: {} } } },
    ],
  }));

export const itemSummary = /* @__PURE__ */ schema(() => z.object({
  id: z.string(),
  trackingCode: z.string(),
  kind: kindSchema,
  title: z.string(),
  status: statusSchema,
  unitId: z.optional(z.string()),
  groupId: z.optional(z.string()),
  createdAt: isoInstant,
  dueAt: z.optional(isoInstant),
  overdue: z.boolean(),
  recommended: z.boolean(),
  version: z.number().check(z.int()),
  source: z.enum(['form', 'session', 'meeting']),
  sessionCode: z.optional(z.string()),
  answeredOnSpot: z.boolean(),
  /** When the item was last urged (催办) by the escalation ladder. */
  urgedAt: z.optional(isoInstant),
}));
export type ItemSummary = z.infer<typeof itemSummary>;

const staffActor = /* @__PURE__ */ schema(() => z.object({ sub: z.optional(z.string()), name: z.string() }));

export const itemView = /* @__PURE__ */ schema(() => z.extend(itemSummary, {
  body: z.string(),
  contact: z.optional(z.object({ name: z.optional(z.string()), email: z.optional(z.string()), phone: z.optional(z.string()) })),
  rating: z.optional(z.number().check(z.int())),
  replies: z.array(z.object({ id: z.string(), body: z.string(), visibility: z.enum(['public', 'internal']), by: staffActor, createdAt: isoInstant, attachments: z.optional(z.array(attachmentView)) })),
  followUps: z.array(z.object({ body: z.string(), createdAt: isoInstant, attachments: z.optional(z.array(attachmentView)) })),
  /** The submission's own files (present when there are any). */
  attachments: z.optional(z.array(attachmentView)),
  history: z.array(
    z.object({ at: isoInstant, by: staffActor, action: z.string(), from: z.optional(statusSchema), to: z.optional(statusSchema), note: z.optional(z.string()) }),
  ),
  satisfaction: z.optional(satisfactionSchema),
  resolved: z.optional(resolvedSchema),
  /** The response rate's times (API.md "The three rates"): first routed, window end, first staff action. */
  routedAt: z.optional(isoInstant),
  respondBy: z.optional(isoInstant),
  respondedAt: z.optional(isoInstant),
  mergedInto: z.optional(z.string()),
  rejectedReason: z.optional(z.string()),
  phase: z.string(),
  /** The latest deadline extension asked for, and its decision. */
  extension: z.optional(z.object({
    status: z.enum(['requested', 'approved', 'declined']),
    workingDays: z.number().check(z.int()),
    reason: z.string(),
    requestedBy: staffActor,
    requestedAt: isoInstant,
    decidedBy: z.optional(staffActor),
    decidedAt: z.optional(isoInstant),
    note: z.optional(z.string()),
    previousDueAt: z.optional(isoInstant),
    dueAt: z.optional(isoInstant),
  })),
  /** The office's rewrite as published for everyone (答复公开), while it is. */
  publication: z.optional(publicationView),
  /** The unit's fix (整改): the plan, progress, verification (API.md v2 "Rectification"). */
  rectification: z.optional(rectificationView),
}));
export type ItemView = z.infer<typeof itemView>;

export const itemList = /* @__PURE__ */ schema(() => z.object({ items: z.array(itemSummary), nextCursor: z.optional(z.string()) }));

/** A kept notice's id: its deduplication key in base64url (shared/services/kept-notices.ts). */
export const keptNoticeParams = /* @__PURE__ */ schema(() => z.strictObject({ id: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,400}$/)) }));
