import * as z from 'zod/mini';
import { schema } from './schema';
import { kindSchema } from './directory';
import { attachmentIdsSchema, attachmentView, maxAttachments } from './attachment';
import { idSchema, isoInstant, text } from './text';
import { publicRectificationView } from './rectification';

export const statusSchema = /* @__PURE__ */ schema(() => z.enum(['submitted', 'assigned', 'in_progress', 'answered', 'closed', 'reopened', 'rejected', 'merged']));
export type Status = z.infer<typeof statusSchema>;

export const satisfactionSchema = /* @__PURE__ */ schema(() => z.enum(['satisfied', 'basically', 'unsatisfied']));
export type Satisfaction = z.infer<typeof satisfactionSchema>;

/** The rating's "问题解决了吗？" (was the problem resolved?): the resolution rate counts it. */
export const resolvedSchema = /* @__PURE__ */ schema(() => z.enum(['yes', 'partly', 'no']));
export type Resolved = z.infer<typeof resolvedSchema>;

export const contactSchema = /* @__PURE__ */ schema(() => z.strictObject({
  name: z.optional(text(1, 60)),
  email: z.optional(z.email({ message: 'Must be an e-mail address.' }).check(z.maxLength(254))),
  phone: z.optional(z.string().check(z.regex(/^\+?[0-9][0-9 ()-]{4,29}$/, 'Must be a phone number.'))),
})
  // An empty object is no way to reach anyone: refused, so that `contact` present always means
  // something to show and write to. The rule reaches JSON Schema through metadata.
  // Only when the fields parsed: an unknown field is reported as itself, not also as an empty contact.
  .check(z.refine((contact) => Object.keys(contact).length > 0, { message: 'Give at least one of name, email or phone, or leave contact out.', when: (payload) => payload.issues.length === 0 }))
  .register(z.globalRegistry, { minProperties: 1 }));

export const createSubmissionBody = /* @__PURE__ */ schema(() => z
  .strictObject({
    kind: kindSchema,
    title: text(1, 120),
    body: text(1, 5000),
    unitId: z.optional(idSchema),
    anonymous: z.boolean(),
    contact: z.optional(contactSchema),
    rating: z.optional(z.int().check(z.minimum(1), z.maximum(5))),
    /** Submitted through a training session's link: its code and join key (API.md v2). */
    session: z.optional(z.strictObject({ code: z.string().check(z.maxLength(64)), key: z.string().check(z.minLength(1), z.maxLength(256)) })),
    /** Uploads (POST /api/attachments) to attach: photos of the problem, a document. */
    attachmentIds: z.optional(attachmentIdsSchema(maxAttachments)),
    /** Honeypot: people never see this field; bots fill it in. */
    website: z.optional(z.string().check(z.maxLength(2000))),
  })
  .check(
    z.superRefine((value, ctx) => {
      if (value.anonymous && value.contact !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['contact'], message: 'An anonymous submission cannot carry contact details.' });
      }
      if (value.rating !== undefined && value.kind !== 'feedback') {
        ctx.addIssue({ code: 'custom', path: ['rating'], message: 'Only training feedback carries a rating.' });
      }
    }),
  )
  // The same two rules in JSON Schema, for the OpenAPI document (refinements do not reach it).
  .register(z.globalRegistry, {
    allOf: [
      { if: { required: ['anonymous'], properties: { anonymous: { const: true } } }, then: { not: { required: ['contact'], properties: { contact: {} } } } },
      { if: { required: ['rating'], properties: { rating: {} } }, then: { properties: { kind: { const: 'feedback' } } } },
    ],
  }));
export type CreateSubmissionBody = z.infer<typeof createSubmissionBody>;

export const idempotencyKeySchema = /* @__PURE__ */ schema(() => z
  .string()
  .check(z.regex(/^[\x21-\x7E]{8,128}$/, 'Must be 8..128 visible ASCII characters.'))
  // The lengths the pattern holds, said plainly for the OpenAPI document's readers.
  .register(z.globalRegistry, { minLength: 8, maxLength: 128 }));

export const submissionReceipt = /* @__PURE__ */ schema(() => z.object({
  trackingCode: z.string(),
  accessKey: z.string(),
  status: statusSchema,
  dueAt: z.optional(isoInstant),
  createdAt: isoInstant,
}));
export type SubmissionReceipt = z.infer<typeof submissionReceipt>;

export const trackingCodeParams = /* @__PURE__ */ schema(() => z.strictObject({ trackingCode: z.string().check(z.maxLength(64)) }));

/** A follow-up's longest text, in characters (an item takes up to `maxFollowUps` of them: shared/domain/lifecycle.ts). */
export const maxFollowUpChars = 2000;

export const followUpBody = /* @__PURE__ */ schema(() => z.strictObject({ body: text(1, maxFollowUpChars), attachmentIds: z.optional(attachmentIdsSchema(maxAttachments)) }));

export const ratingBody = /* @__PURE__ */ schema(() => z.strictObject({
  satisfaction: satisfactionSchema,
  resolved: z.optional(resolvedSchema),
  comment: z.optional(text(1, 1000)),
}));

/** A public reply as a submitter sees it: the group's name, never a person's. */
export const publicReply = /* @__PURE__ */ schema(() => z.object({ id: z.string(), body: z.string(), createdAt: isoInstant, by: z.object({ groupName: z.string() }), attachments: z.optional(z.array(attachmentView)) }));
export type PublicReply = z.infer<typeof publicReply>;

export const publicSubmissionView = /* @__PURE__ */ schema(() => z.object({
  trackingCode: z.string(),
  kind: kindSchema,
  title: z.string(),
  body: z.string(),
  status: statusSchema,
  createdAt: isoInstant,
  dueAt: z.optional(isoInstant),
  unit: z.optional(z.object({ id: z.string(), name: z.string() })),
  group: z.optional(z.object({ id: z.string(), name: z.string() })),
  replies: z.array(publicReply),
  followUps: z.array(z.object({ body: z.string(), createdAt: isoInstant, attachments: z.optional(z.array(attachmentView)) })),
  /** The submission's own files (present when there are any); each is fetched through GET .../attachments/{id}. */
  attachments: z.optional(z.array(attachmentView)),
  satisfaction: z.optional(satisfactionSchema),
  /** The submitter's rating of each answer cycle, oldest first (an unsatisfied one reopened the item). */
  ratings: z.array(z.object({ satisfaction: satisfactionSchema, createdAt: isoInstant })),
  resolved: z.optional(resolvedSchema),
  rejectedReason: z.optional(z.string()),
  /**
   * A merged item: the item it now stands for (API.md v2, "Merged items"), its status and public
   * replies; `canRate` when the submitter may rate those replies now (docs/api.md says the rule).
   */
  mergedInto: z.optional(z.object({ trackingCode: z.string(), status: statusSchema, replies: z.array(publicReply), canRate: z.boolean() })),
  /** An approved deadline extension: `dueAt` above is already the new date; this says by how much and why. */
  extension: z.optional(z.object({ workingDays: z.number().check(z.int()), reason: z.string(), previousDueAt: isoInstant, approvedAt: isoInstant })),
  /** The unit's rectification of the problem: its status, and once verified the sign-off note. */
  rectification: z.optional(publicRectificationView),
}));
export type PublicSubmissionView = z.infer<typeof publicSubmissionView>;

export const followUpCreated = /* @__PURE__ */ schema(() => z.object({ status: statusSchema, dueAt: z.optional(isoInstant), createdAt: isoInstant }));
export const ratingResult = /* @__PURE__ */ schema(() => z.object({ status: statusSchema }));

export const formData = /* @__PURE__ */ schema(() => z.object({
  campaign: z.object({
    id: z.string(),
    name: z.string(),
    phase: z.object({ id: z.string(), name: z.string() }),
    phases: z.array(z.object({ id: z.string(), name: z.string(), startsOn: z.string() })),
    /** The directory's IANA time zone: the pages show session times in it, wherever the phone is. */
    timezone: z.string(),
  }),
  kinds: z.array(z.object({ id: kindSchema, name: z.string() })),
  units: z.array(z.object({ id: z.string(), name: z.string(), system: z.string() })),
}));
