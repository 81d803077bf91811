import { createHash, randomBytes } from 'node:crypto';
import type { AttachmentType } from '../schemas/attachment';

/** A new attachment id: 144 random bits, 24 base64url characters (a secret: whoever holds it may attach the file once). */
export const newAttachmentId = (): string => randomBytes(18).toString('base64url');

/** What the table and the upload's object key hold instead of the id itself. */
export const attachmentIdHash = (id: string): string => createHash('sha256').update(id).digest('base64url');

/**
 * The type a file's first bytes say it is, or null for none of ours. Checked against the declared
 * type after the upload: storage checks only what the client declared (the policy's Content-Type),
 * never what the bytes are, so a page renamed to .pdf or a PNG declared as a PDF stops here.
 */
export const sniffAttachmentType = (head: Uint8Array): AttachmentType | null => {
  const starts = (bytes: readonly number[], at = 0) => bytes.every((b, i) => head[at + i] === b);
  const ascii = (text: string, at = 0) => starts([...text].map((c) => c.charCodeAt(0)), at);
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (ascii('RIFF') && ascii('WEBP', 8)) return 'image/webp';
  if (ascii('%PDF-')) return 'application/pdf';
  return null;
};

/** Photos are re-encoded (without EXIF, GPS or any other metadata); PDFs are stored as checked. */
export const isImageType = (type: AttachmentType): boolean => type !== 'application/pdf';
