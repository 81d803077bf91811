import * as z from 'zod';
import { schema } from './schema';
import { kindSchema } from './directory';
import { idSchema, isoInstant, text } from './text';

export const statusSchema = /* @__PURE__ */ schema(() => z.enum(['submitted', 'assigned', 'in_progress', 'answered', 'closed', 'reopened', 'rejected', 'merged']));
export type Status = z.infer<typeof statusSchema>;

export const satisfactionSchema = /* @__PURE__ */ schema(() => z.enum(['satisfied', 'basically', 'unsatisfied']));
export type Satisfaction = z.infer<typeof satisfactionSchema>;

export const contactSchema = /* @__PURE__ */ schema(() => z.strictObject({
  name: text(1, 60).optional(),
  email: z.email({ message: 'Must be an e-mail address.' }).max(254).optional(),
  phone: z.string().regex(/^\+?[0-9][0-9 ()-]{4,29}$/, 'Must be a phone number.').optional(),
}));

export const createSubmissionBody = /* @__PURE__ */ schema(() => z
  .strictObject({
    kind: kindSchema,
    title: text(1, 120),
    body: text(1, 5000),
    unitId: idSchema.optional(),
    anonymous: z.boolean(),
    contact: contactSchema.optional(),
    rating: z.int().min(1).max(5).optional(),
    /** Honeypot: people never see this field; bots fill it in. */
    website: z.string().max(2000).optional(),
  })
  .superRefine((value, ctx) => {
    if (value.anonymous && value.contact !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['contact'], message: 'An anonymous submission cannot carry contact details.' });
    }
    if (value.rating !== undefined && value.kind !== 'feedback') {
      ctx.addIssue({ code: 'custom', path: ['rating'], message: 'Only training feedback carries a rating.' });
    }
  }));
export type CreateSubmissionBody = z.infer<typeof createSubmissionBody>;

export const idempotencyKeySchema = /* @__PURE__ */ schema(() => z.string().regex(/^[\x21-\x7E]{8,128}$/, 'Must be 8..128 visible ASCII characters.'));

export const submissionReceipt = /* @__PURE__ */ schema(() => z.object({
  trackingCode: z.string(),
  accessKey: z.string(),
  status: statusSchema,
  dueAt: isoInstant.optional(),
  createdAt: isoInstant,
}));
export type SubmissionReceipt = z.infer<typeof submissionReceipt>;

export const trackingCodeParams = /* @__PURE__ */ schema(() => z.strictObject({ trackingCode: z.string().max(64) }));

export const followUpBody = /* @__PURE__ */ schema(() => z.strictObject({ body: text(1, 2000) }));

export const ratingBody = /* @__PURE__ */ schema(() => z.strictObject({
  satisfaction: satisfactionSchema,
  comment: text(1, 1000).optional(),
}));

export const publicSubmissionView = /* @__PURE__ */ schema(() => z.object({
  trackingCode: z.string(),
  kind: kindSchema,
  title: z.string(),
  body: z.string(),
  status: statusSchema,
  createdAt: isoInstant,
  dueAt: isoInstant.optional(),
  unit: z.object({ id: z.string(), name: z.string() }).optional(),
  group: z.object({ id: z.string(), name: z.string() }).optional(),
  replies: z.array(z.object({ id: z.string(), body: z.string(), createdAt: isoInstant, by: z.object({ groupName: z.string() }) })),
  followUps: z.array(z.object({ body: z.string(), createdAt: isoInstant })),
  satisfaction: satisfactionSchema.optional(),
  rejectedReason: z.string().optional(),
  mergedInto: z.string().optional(),
}));
export type PublicSubmissionView = z.infer<typeof publicSubmissionView>;

export const followUpCreated = /* @__PURE__ */ schema(() => z.object({ status: statusSchema, dueAt: isoInstant.optional(), createdAt: isoInstant }));
export const ratingResult = /* @__PURE__ */ schema(() => z.object({ status: statusSchema }));

export const formData = /* @__PURE__ */ schema(() => z.object({
  campaign: z.object({
    id: z.string(),
    name: z.string(),
    phase: z.object({ id: z.string(), name: z.string() }),
    phases: z.array(z.object({ id: z.string(), name: z.string(), startsOn: z.string() })),
  }),
  kinds: z.array(z.object({ id: kindSchema, name: z.string() })),
  units: z.array(z.object({ id: z.string(), name: z.string(), system: z.string() })),
}));
