import * as z from 'zod/mini';
import { schema } from './schema';
import { isIsoDate } from '../domain/calendar';
import { rectificationStatuses } from '../domain/rectification';
import { idSchema, isoInstant, text } from './text';
import { attachmentIdsSchema, attachmentView, maxProgressAttachments } from './attachment';

/** Rectification (整改, API.md v2): the plan, progress, verification, and the ledger. */

export const rectificationStatusSchema = /* @__PURE__ */ schema(() => z.enum(rectificationStatuses));

const deadlineSchema = /* @__PURE__ */ schema(() => z
  .string()
  .check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'a date written YYYY-MM-DD'), z.refine(isIsoDate, 'a real calendar date written YYYY-MM-DD')));

/** PUT /api/items/{id}/rectification: the five points but the problem (the item itself). */
export const rectificationPlanBody = /* @__PURE__ */ schema(() => z.strictObject({
  unitId: idSchema,
  measures: text(1, 2000),
  standard: text(1, 500),
  deadline: deadlineSchema,
}));

/** POST /api/items/{id}/rectification/progress. */
export const rectificationProgressBody = /* @__PURE__ */ schema(() => z.strictObject({
  note: text(1, 2000),
  /** Evidence (POST /api/attachments): photos and documents of what was done. */
  attachmentIds: z.optional(attachmentIdsSchema(maxProgressAttachments)),
  done: z.optional(z.boolean()),
}));

/** POST /api/items/{id}/rectification/verification. */
export const rectificationVerificationBody = /* @__PURE__ */ schema(() => z.strictObject({
  outcome: z.enum(['verified', 'returned']),
  note: text(1, 1000),
}));

const personName = /* @__PURE__ */ schema(() => z.object({ name: z.string() }));

/** An item's `rectification`, as staff and liaisons see it. */
export const rectificationView = /* @__PURE__ */ schema(() => z.object({
  status: rectificationStatusSchema,
  unitId: z.string(),
  measures: z.string(),
  standard: z.string(),
  deadline: z.string(),
  overdue: z.boolean(),
  progress: z.array(z.object({ at: isoInstant, by: personName, note: z.string(), attachments: z.array(attachmentView), done: z.boolean() })),
  verification: z.optional(z.object({ by: personName, at: isoInstant, outcome: z.enum(['verified', 'returned']), note: z.string() })),
}));
export type RectificationView = z.infer<typeof rectificationView>;

/** What the submitter reads on the tracking page: the status, and the sign-off note once verified. */
export const publicRectificationView = /* @__PURE__ */ schema(() => z.object({
  status: rectificationStatusSchema,
  deadline: z.string(),
  verifiedAt: z.optional(isoInstant),
  signOffNote: z.optional(z.string()),
}));

const commaStatuses = /* @__PURE__ */ schema(() => z.pipe(
  z.pipe(z.string().check(z.maxLength(100)), z.transform((value: string) => value.split(',').map((v) => v.trim()).filter(Boolean))),
  z.array(rectificationStatusSchema).check(z.minLength(1), z.maxLength(5)),
));

export const ledgerQuery = /* @__PURE__ */ schema(() => z.strictObject({
  status: z.optional(commaStatuses),
  groupId: z.optional(idSchema),
  unitId: z.optional(idSchema),
  overdue: z.optional(z.pipe(z.enum(['true', 'false']), z.transform((v: 'true' | 'false') => v === 'true'))),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 25),
  cursor: z.optional(z.string().check(z.maxLength(512))),
}));
export type LedgerQuery = z.output<typeof ledgerQuery>;

/** GET /api/exports/rectifications.xlsx: the ledger's filters, every row. */
export const ledgerExportQuery = /* @__PURE__ */ schema(() => z.omit(ledgerQuery, { limit: true, cursor: true }));

export const ledgerRow = /* @__PURE__ */ schema(() => z.object({
  trackingCode: z.string(),
  title: z.string(),
  unitId: z.string(),
  groupId: z.optional(z.string()),
  status: rectificationStatusSchema,
  deadline: z.string(),
  overdue: z.boolean(),
  updatedAt: isoInstant,
}));
export type LedgerRow = z.infer<typeof ledgerRow>;

export const ledgerList = /* @__PURE__ */ schema(() => z.object({ items: z.array(ledgerRow), nextCursor: z.optional(z.string()) }));
