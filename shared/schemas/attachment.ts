import * as z from 'zod/mini';
import { schema } from './schema';
import { isoInstant, text } from './text';

/** What may be attached (API.md v2, "Attachments"): photos and PDF documents. */
export const attachmentTypes = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] as const;
export type AttachmentType = (typeof attachmentTypes)[number];
export const isAttachmentType = (value: string): value is AttachmentType => (attachmentTypes as readonly string[]).includes(value);

/** The largest file, in bytes. */
export const maxAttachmentBytes = 10 * 1024 * 1024;
/** How many a submission, a follow-up or a staff reply may carry; rectification progress takes `maxProgressAttachments`. */
export const maxAttachments = 5;
export const maxProgressAttachments = 10;

/** An attachment id: 24 base64url characters (144 random bits, shared/domain/attachments.ts). */
export const attachmentIdSchema = /* @__PURE__ */ schema(() => z.string().check(z.regex(/^[A-Za-z0-9_-]{24}$/, 'Must be an attachment id as POST /api/attachments gave it.')));

/** `attachmentIds` of a submission, follow-up or reply: distinct ids, at most `max`. */
export const attachmentIdsSchema = (max: number) =>
  z.array(attachmentIdSchema).check(
    z.maxLength(max, `At most ${max} attachments.`),
    z.refine((ids) => new Set(ids).size === ids.length, { message: 'The same attachment is named twice.' }),
  );

/**
 * The type and size are checked by the service (415 and 413, not 400): the schema only asks for
 * a media type's shape and a positive whole number, so a photo of the wrong kind is told as such.
 */
export const createAttachmentBody = /* @__PURE__ */ schema(() => z.strictObject({
  fileName: text(1, 200),
  contentType: z.string().check(z.regex(/^[\w.+-]{1,64}\/[\w.+-]{1,64}$/, 'Must be a media type, like image/jpeg.')),
  size: z.int().check(z.minimum(1), z.maximum(Number.MAX_SAFE_INTEGER)),
}));
export type CreateAttachmentBody = z.infer<typeof createAttachmentBody>;

export const attachmentUpload = /* @__PURE__ */ schema(() => z.object({
  id: z.string(),
  /** A presigned POST: send `fields` then the file (as `file`) as multipart/form-data to `url`. */
  upload: z.object({ url: z.string(), method: z.literal('POST'), fields: z.record(z.string(), z.string()) }),
  expiresAt: isoInstant,
}));

export const attachmentView = /* @__PURE__ */ schema(() => z.object({ id: z.string(), fileName: z.string(), contentType: z.enum(attachmentTypes), size: z.number().check(z.int()) }));
export type AttachmentView = z.infer<typeof attachmentView>;

export const submissionAttachmentParams = /* @__PURE__ */ schema(() => z.strictObject({ trackingCode: z.string().check(z.maxLength(64)), attachmentId: attachmentIdSchema }));
export const itemAttachmentParams = /* @__PURE__ */ schema(() => z.strictObject({ id: z.string().check(z.maxLength(64)), attachmentId: attachmentIdSchema }));

/** `Accept: application/json` instead of following the 302 (docs/api.md): the signed URL as data. */
export const attachmentLink = /* @__PURE__ */ schema(() => z.object({ url: z.string(), expiresAt: isoInstant }));
