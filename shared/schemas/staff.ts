import * as z from 'zod';
import { schema } from './schema';
import { kindSchema } from './directory';
import { satisfactionSchema, statusSchema } from './submission';
import { idSchema, isoInstant, text } from './text';

export const itemIdParams = /* @__PURE__ */ schema(() => z.strictObject({ id: z.string().max(64) }));

const commaList = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .string()
    .max(200)
    .transform((value) => value.split(',').map((v) => v.trim()).filter(Boolean))
    .pipe(z.array(item).min(1).max(8));

const booleanFlag = /* @__PURE__ */ schema(() => z.enum(['true', 'false']).transform((v) => v === 'true'));

export const listQuery = /* @__PURE__ */ schema(() => z.strictObject({
  status: commaList(statusSchema).optional(),
  groupId: idSchema.optional(),
  unitId: idSchema.optional(),
  kind: kindSchema.optional(),
  overdue: booleanFlag.optional(),
  phase: idSchema.optional(),
  q: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(512).optional(),
}));
export type ListQuery = z.output<typeof listQuery>;

export const exportQuery = /* @__PURE__ */ schema(() => listQuery.omit({ limit: true, cursor: true }));
export type ExportQuery = z.output<typeof exportQuery>;

export const dashboardQuery = /* @__PURE__ */ schema(() => z.strictObject({ groupId: idSchema.optional(), phase: idSchema.optional() }));

export const assignBody = /* @__PURE__ */ schema(() => z.strictObject({ groupId: idSchema, note: text(1, 1000).optional() }));

export const replyBody = /* @__PURE__ */ schema(() => z.strictObject({ body: text(1, 5000), visibility: z.enum(['public', 'internal']) }));

export const transitionActions = ['start', 'close', 'reject', 'merge', 'recommend', 'unrecommend'] as const;
export const transitionBody = /* @__PURE__ */ schema(() => z
  .strictObject({
    action: z.enum(transitionActions),
    reason: text(1, 1000).optional(),
    targetId: z.string().max(64).optional(),
  })
  .superRefine((value, ctx) => {
    if (value.action === 'reject' && value.reason === undefined) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'A rejection needs a reason; the submitter will see it.' });
    }
    if (value.action === 'merge' && value.targetId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['targetId'], message: 'Say which item this one duplicates.' });
    }
  }));

export const itemSummary = /* @__PURE__ */ schema(() => z.object({
  id: z.string(),
  trackingCode: z.string(),
  kind: kindSchema,
  title: z.string(),
  status: statusSchema,
  unitId: z.string().optional(),
  groupId: z.string().optional(),
  createdAt: isoInstant,
  dueAt: isoInstant.optional(),
  overdue: z.boolean(),
  recommended: z.boolean(),
  version: z.number().int(),
}));
export type ItemSummary = z.infer<typeof itemSummary>;

const staffActor = /* @__PURE__ */ schema(() => z.object({ sub: z.string().optional(), name: z.string() }));

export const itemView = /* @__PURE__ */ schema(() => itemSummary.extend({
  body: z.string(),
  contact: z.object({ name: z.string().optional(), email: z.string().optional(), phone: z.string().optional() }).optional(),
  rating: z.number().int().optional(),
  replies: z.array(z.object({ id: z.string(), body: z.string(), visibility: z.enum(['public', 'internal']), by: staffActor, createdAt: isoInstant })),
  followUps: z.array(z.object({ body: z.string(), createdAt: isoInstant })),
  history: z.array(
    z.object({ at: isoInstant, by: staffActor, action: z.string(), from: statusSchema.optional(), to: statusSchema.optional(), note: z.string().optional() }),
  ),
  satisfaction: satisfactionSchema.optional(),
  mergedInto: z.string().optional(),
  rejectedReason: z.string().optional(),
  phase: z.string(),
}));
export type ItemView = z.infer<typeof itemView>;

export const itemList = /* @__PURE__ */ schema(() => z.object({ items: z.array(itemSummary), nextCursor: z.string().optional() }));
