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

/**
 * Starts loading a signer (its module and the S3 client) and returns it to await later: begun
 * before the request's table reads, it compiles while they are in flight. A failure is kept for
 * the awaiting code (and not reported as unhandled when a 404 means nobody awaits it).
 */
const loadEarly = <T>(deps: StorageDeps, load: () => Promise<T>): Promise<T> => {
  const loading = Promise.all([load(), deps.storage.client()]).then(([signer]) => signer);
  loading.catch(() => undefined);
  return loading;
};

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
  const signer = loadEarly(deps, () => import('../storage/presign-upload'));
  const admission = writer ? await admitPublicWrite(deps, writer) : noAdmission;
  const now = deps.clock.now();
  const id = newAttachmentId();
  const idHash = attachmentIdHash(id);
  const { uploadUrlSeconds } = deps.settings;
  // The pending record is written while the signer compiles and signs: neither needs the other,
  // and the URL is handed out only once the record (and the room's count) is in. A refused write
  // leaves a signed policy nobody received; a failed signing a record that expires unused.
  const [post] = await Promise.all([
    signer.then((loaded) => loaded.presignUpload(deps.storage, uploadObjectKey(idHash), input.contentType, input.size, uploadUrlSeconds)),
    putPendingUpload(
      deps,
      { idHash, fileName: input.fileName, contentType: input.contentType, size: input.size, createdAt: now.toISOString(), expiresAt: Math.floor(now.getTime() / 1000) + uploadLifetimeSeconds },
      admission,
    ),
  ]);
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

type DownloadSigner = Promise<typeof import('../storage/presign-download')>;
const downloadSigner = (deps: StorageDeps): DownloadSigner => loadEarly(deps, () => import('../storage/presign-download'));

/** A short-lived signed GET of the clean copy (Settings.downloadUrlSeconds, at most `maxDownloadUrlSeconds`), signed at the app's clock. */
const signedDownload = async (deps: StorageDeps, signer: DownloadSigner, trackingCode: string, attachment: AttachmentRecord) => {
  const signedAt = deps.clock.now();
  const seconds = deps.settings.downloadUrlSeconds;
  const url = await (await signer).presignDownload(
    deps.storage,
    itemObjectKey(trackingCode, attachment.id),
    { contentType: attachment.contentType, contentDisposition: `inline; filename*=UTF-8''${encodeURIComponent(attachment.fileName)}` },
    seconds,
    signedAt,
  );
  return { url, expiresAt: new Date(signedAt.getTime() + seconds * 1000).toISOString() };
};

const noSuchAttachment = () => new NotFoundError('No such attachment.');

/** GET /api/submissions/{trackingCode}/attachments/{attachmentId}: the submitter, by key. */
export const submitterAttachmentLink = async (deps: StorageDeps, code: string, accessKey: string | undefined, attachmentId: string) => {
  const trackingCode = normalizeTrackingCode(code) ?? 'YJ-INVALID';
  const signer = downloadSigner(deps);
  await verifySubmitterAccess(deps, trackingCode, accessKey);
  const found = await getItemWithEvents(deps, trackingCode);
  if (!found) throw noSuchSubmission();
  const attachment = visibleAttachments(found.item, found.events, 'submitter').find((a) => a.id === attachmentId);
  if (!attachment) throw noSuchAttachment();
  return signedDownload(deps, signer, trackingCode, attachment);
};

/** GET /api/items/{id}/attachments/{attachmentId}: staff who may see the item, liaisons its rectification's evidence. */
export const staffAttachmentLink = async (deps: StorageDeps, principal: Principal, id: string, attachmentId: string) => {
  const trackingCode = normalizeTrackingCode(id);
  const signer = downloadSigner(deps);
  const found = trackingCode ? await getItemWithEvents(deps, trackingCode) : null;
  const reader = !found ? null : canReadItem(principal, found.item) ? 'staff' : isLiaisonFor(principal, found.item) ? 'liaison' : null;
  if (!found || !reader) throw noSuchAttachment();
  const attachment = visibleAttachments(found.item, found.events, reader).find((a) => a.id === attachmentId);
  if (!attachment) throw noSuchAttachment();
  return signedDownload(deps, signer, found.item.trackingCode, attachment);
};
