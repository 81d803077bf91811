import type { AttachmentRecord } from '../data/items';
import type { Admission } from '../data/room';
import { getPendingUpload, unknownUploadMessage, uploadClaims, UploadClaimedError, type PendingUpload } from '../data/uploads';
import { attachmentIdHash, isImageType, sniffAttachmentType } from '../domain/attachments';
import { normalizeTrackingCode } from '../domain/tracking-code';
import { InvalidInputError, type FieldError } from '../domain/errors';
import { logger } from '../observability/logger';
import { isAttachmentType, maxAttachmentBytes, type AttachmentType } from '../schemas/attachment';
import { itemObjectKey, uploadObjectKey } from '../storage/object-keys';
import { reencodeImage } from '../storage/reencode';
import type { StorageDeps } from '../storage/client';

/**
 * Attaching uploads to an item (a submission, a follow-up, a staff reply): every named upload is
 * checked and cleaned first (`prepareAttachments`), then `attachTo` stores the clean copies under
 * the item's key, runs the caller's write with the claims of the uploads in its transaction, and
 * removes the uploads once the write is in. Nobody can fetch a file before its clean copy exists
 * and the item names it; a write that fails leaves no clean copy behind (removed again), and the
 * uploads stay attachable.
 */
export interface PreparedAttachment {
  readonly record: AttachmentRecord;
  readonly idHash: string;
  /** Where the request named it (`attachmentIds.2`), for the field of a refusal. */
  readonly path: string;
  readonly bytes: Uint8Array;
}

/** The S3 requests, loaded with the client on the first request that names an upload (shared/storage/object-commands.ts). */
const objects = () => import('../storage/object-commands');

const notFound = (error: unknown) => (error as { name?: string }).name === 'NoSuchKey' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;

/** The upload's bytes as checked against its declaration, or the message that refuses it. */
const readUpload = async (deps: StorageDeps, pending: PendingUpload): Promise<Uint8Array | string> => {
  const { getObject } = await objects();
  const object = await getObject(deps.storage, uploadObjectKey(pending.idHash)).catch((error: unknown) => {
    if (notFound(error)) return null;
    throw error;
  });
  if (!object?.Body) return 'Nothing was uploaded for this attachment yet.';
  // The policy fixed the size; storage that did not enforce it is caught here, before reading it all.
  const length = object.ContentLength ?? 0;
  if (length !== pending.size || length > maxAttachmentBytes) {
    object.Body.transformToWebStream().cancel().catch(() => undefined);
    return `The uploaded file is not the ${pending.size} bytes declared (at most ${maxAttachmentBytes}).`;
  }
  const bytes = await object.Body.transformToByteArray();
  return bytes.length === pending.size ? bytes : `The uploaded file is not the ${pending.size} bytes declared.`;
};

/** The checked bytes: images re-encoded without metadata, PDFs as they are; or the refusal's message. */
const cleanBytes = async (bytes: Uint8Array, declared: AttachmentType): Promise<Uint8Array | string> => {
  const actual = sniffAttachmentType(bytes.subarray(0, 16));
  if (actual !== declared) return `The file's content is not ${declared}${actual ? ` (it is ${actual})` : ''}.`;
  if (!isImageType(declared)) return bytes;
  try {
    return await reencodeImage(bytes, declared as Exclude<AttachmentType, 'application/pdf'>);
  } catch {
    return 'The photo could not be read.';
  }
};

/**
 * Checks every named upload (declared, uploaded, of its declared size, its bytes of its declared
 * type) and cleans it; refuses with a 400 naming every bad one by index. Cost per upload: one
 * consistent read (the pending record) and one S3 GET.
 */
export const prepareAttachments = async (deps: StorageDeps, ids: readonly string[] | undefined, field = 'attachmentIds'): Promise<PreparedAttachment[]> => {
  if (!ids?.length) return [];
  const nowSeconds = Math.floor(deps.clock.now().getTime() / 1000);
  const results = await Promise.all(
    ids.map(async (id, index): Promise<PreparedAttachment | FieldError> => {
      const path = `${field}.${index}`;
      const idHash = attachmentIdHash(id);
      const pending = await getPendingUpload(deps, idHash, nowSeconds);
      if (!pending || !isAttachmentType(pending.contentType)) return { path, message: unknownUploadMessage };
      const uploaded = await readUpload(deps, pending);
      const bytes = typeof uploaded === 'string' ? uploaded : await cleanBytes(uploaded, pending.contentType);
      if (typeof bytes === 'string') return { path, message: bytes };
      return { record: { id, fileName: pending.fileName, contentType: pending.contentType, size: bytes.length }, idHash, path, bytes };
    }),
  );
  const errors = results.filter((r): r is FieldError => 'message' in r);
  if (errors.length > 0) throw new InvalidInputError(errors, 'An attachment cannot be attached.');
  return results as PreparedAttachment[];
};

const contentDisposition = (fileName: string) => `inline; filename*=UTF-8''${encodeURIComponent(fileName)}`;

const removeObjects = async (deps: StorageDeps, keys: readonly string[], why: string) => {
  if (keys.length === 0) return;
  const { deleteObjects } = await objects();
  // Best effort: what stays is removed by the bucket's lifecycle (uploads) or is an unnamed copy.
  await deleteObjects(deps.storage, keys).catch((error: Error) => {
    logger.warn('attachment objects not removed', { why, count: keys.length, error: error.name });
  });
};

/** An item write that attaches uploads: it gets their records and the claims for its transaction (none without uploads). */
export type AttachingWrite<T> = (records: AttachmentRecord[] | undefined, claims: Admission | undefined) => Promise<T>;

/**
 * Stores the clean copies under the item's key, then runs `write` with their records and the
 * claims for its transaction (`uploadClaims`: an id attaches once). Cost: one S3 PUT per file
 * before the write, one DeleteObjects after it.
 */
export const attachTo = async <T>(deps: StorageDeps, trackingCode: string, prepared: readonly PreparedAttachment[], write: AttachingWrite<T>): Promise<T> => {
  if (prepared.length === 0) return write(undefined, undefined);
  const { putObject } = await objects();
  const stored: string[] = [];
  try {
    for (const { record, bytes } of prepared) {
      const key = itemObjectKey(trackingCode, record.id);
      await putObject(deps.storage, key, bytes, record.contentType, contentDisposition(record.fileName));
      stored.push(key);
    }
    const nowSeconds = Math.floor(deps.clock.now().getTime() / 1000);
    const result = await write(prepared.map((p) => p.record), uploadClaims(deps, prepared.map(({ idHash, path }) => ({ idHash, path })), nowSeconds));
    await removeObjects(deps, prepared.map((p) => uploadObjectKey(p.idHash)), 'attached');
    return result;
  } catch (error) {
    // Claimed by a racing write: the copy under this key may be that write's (the same item and
    // id), so it stays; at worst an unnamed copy is left, never a named one removed.
    if (!(error instanceof UploadClaimedError)) await removeObjects(deps, stored, 'write failed');
    throw error;
  }
};

/**
 * `attachTo` for a staff change of the item `id` names: the uploads are checked first, unless the
 * id is no tracking code at all (the change then answers 404 without reading an upload).
 */
export const attachToItem = async <T>(deps: StorageDeps, id: string, attachmentIds: readonly string[] | undefined, write: AttachingWrite<T>): Promise<T> => {
  const code = normalizeTrackingCode(id);
  const prepared = code ? await prepareAttachments(deps, attachmentIds) : [];
  return attachTo(deps, code ?? '', prepared, write);
};
