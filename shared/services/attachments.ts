import { GetObjectCommand } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { getItemWithEvents, type AttachmentRecord, type EventRecord, type ItemRecord } from '../data/items';
import { noAdmission } from '../data/room';
import { putPendingUpload } from '../data/uploads';
import { canReadItem, isLiaisonFor, type Principal } from '../domain/access';
import { attachmentIdHash, newAttachmentId } from '../domain/attachments';
import { AttachmentTooLargeError, AttachmentTypeError, NotFoundError } from '../domain/errors';
import { normalizeTrackingCode } from '../domain/tracking-code';
import { attachmentTypes, isAttachmentType, maxAttachmentBytes, type CreateAttachmentBody } from '../schemas/attachment';
import type { StorageDeps } from '../storage/client';
import { itemObjectKey, uploadObjectKey } from '../storage/object-keys';
import { admitPublicWrite, type PublicWriter } from './room';
import { noSuchSubmission, verifySubmitterAccess } from './submitter-access';

/** How long an attachment id may be attached after it was handed out (the bucket's lifecycle rule removes its upload then). */
export const uploadLifetimeSeconds = 24 * 60 * 60;

/**
 * POST /api/attachments: a presigned POST straight to the bucket, and the pending record that
 * makes its id attachable once within `uploadLifetimeSeconds`. The policy fixes the key, the Content-Type and the
 * exact size, so S3 refuses any other file; the attaching write checks the bytes again
 * (shared/services/attach.ts). `writer`: a public write, under the room's limits and proofs like a
 * submission; null for staff, who are not counted.
 */
export const createAttachment = async (deps: StorageDeps, input: CreateAttachmentBody, writer: PublicWriter | null) => {
  if (!isAttachmentType(input.contentType)) throw new AttachmentTypeError(attachmentTypes);
  if (input.size > maxAttachmentBytes) throw new AttachmentTooLargeError(maxAttachmentBytes);
  const admission = writer ? await admitPublicWrite(deps, writer) : noAdmission;
  const now = deps.clock.now();
  const id = newAttachmentId();
  const idHash = attachmentIdHash(id);
  const { uploadUrlSeconds } = deps.settings;
  const post = await createPresignedPost(await deps.storage.client(), {
    Bucket: deps.storage.bucket,
    Key: uploadObjectKey(idHash),
    Fields: { 'Content-Type': input.contentType },
    Conditions: [
      ['eq', '$Content-Type', input.contentType],
      ['content-length-range', input.size, input.size],
    ],
    Expires: uploadUrlSeconds,
  });
  await putPendingUpload(
    deps,
    { idHash, fileName: input.fileName, contentType: input.contentType, size: input.size, createdAt: now.toISOString(), expiresAt: Math.floor(now.getTime() / 1000) + uploadLifetimeSeconds },
    admission,
  );
  return { id, upload: { url: post.url, method: 'POST' as const, fields: post.fields }, expiresAt: new Date(now.getTime() + uploadUrlSeconds * 1000).toISOString() };
};

/**
 * The attachments a reader of the item may fetch: the submitter those of the submission, of their
 * follow-ups and of the public replies; staff who may see the item all of them (internal notes'
 * and the rectification's evidence too); the liaison of the unit the rectification names only the
 * rectification's evidence (never what the submitter or the group attached).
 */
const visibleAttachments = (item: ItemRecord, events: readonly EventRecord[], reader: 'submitter' | 'staff' | 'liaison'): AttachmentRecord[] => [
  ...(reader === 'liaison' ? [] : (item.attachments ?? [])),
  ...(reader === 'liaison' ? [] : events.flatMap((e) => e.followUp?.attachments ?? [])),
  ...(reader === 'liaison' ? [] : events.flatMap((e) => (e.reply && (reader === 'staff' || e.reply.visibility === 'public') ? e.reply.attachments ?? [] : []))),
  ...(reader === 'submitter' ? [] : events.flatMap((e) => e.progress?.attachments ?? [])),
];

/** A short-lived signed GET of the clean copy (Settings.downloadUrlSeconds, at most `maxDownloadUrlSeconds`), signed at the app's clock. */
const signedDownload = async (deps: StorageDeps, trackingCode: string, attachment: AttachmentRecord) => {
  const signedAt = deps.clock.now();
  const seconds = deps.settings.downloadUrlSeconds;
  const url = await getSignedUrl(
    await deps.storage.client(),
    new GetObjectCommand({
      Bucket: deps.storage.bucket,
      Key: itemObjectKey(trackingCode, attachment.id),
      ResponseContentType: attachment.contentType,
      ResponseContentDisposition: `inline; filename*=UTF-8''${encodeURIComponent(attachment.fileName)}`,
    }),
    { expiresIn: seconds, signingDate: signedAt },
  );
  return { url, expiresAt: new Date(signedAt.getTime() + seconds * 1000).toISOString() };
};

const noSuchAttachment = () => new NotFoundError('No such attachment.');

/** GET /api/submissions/{trackingCode}/attachments/{attachmentId}: the submitter, by key. */
export const submitterAttachmentLink = async (deps: StorageDeps, code: string, accessKey: string | undefined, attachmentId: string) => {
  const trackingCode = normalizeTrackingCode(code) ?? 'YJ-INVALID';
  await verifySubmitterAccess(deps, trackingCode, accessKey);
  const found = await getItemWithEvents(deps, trackingCode);
  if (!found) throw noSuchSubmission();
  const attachment = visibleAttachments(found.item, found.events, 'submitter').find((a) => a.id === attachmentId);
  if (!attachment) throw noSuchAttachment();
  return signedDownload(deps, trackingCode, attachment);
};

/** GET /api/items/{id}/attachments/{attachmentId}: staff who may see the item, liaisons its rectification's evidence. */
export const staffAttachmentLink = async (deps: StorageDeps, principal: Principal, id: string, attachmentId: string) => {
  const trackingCode = normalizeTrackingCode(id);
  const found = trackingCode ? await getItemWithEvents(deps, trackingCode) : null;
  const reader = !found ? null : canReadItem(principal, found.item) ? 'staff' : isLiaisonFor(principal, found.item) ? 'liaison' : null;
  if (!found || !reader) throw noSuchAttachment();
  const attachment = visibleAttachments(found.item, found.events, reader).find((a) => a.id === attachmentId);
  if (!attachment) throw noSuchAttachment();
  return signedDownload(deps, found.item.trackingCode, attachment);
};
