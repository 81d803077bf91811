import { describe, expect, it } from 'vitest';
import { attachmentIdHash, newAttachmentId, sniffAttachmentType } from '../../shared/domain/attachments';
import { attachmentIdSchema, createAttachmentBody } from '../../shared/schemas/attachment';

describe('attachment ids', () => {
  it('are 144-bit secrets in the shape the schema takes, and only their hash is kept', () => {
    const ids = new Set(Array.from({ length: 200 }, newAttachmentId));
    expect(ids.size).toBe(200);
    for (const id of ids) {
      expect(Buffer.from(id, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
      expect(attachmentIdSchema.safeParse(id).success).toBe(true);
      expect(attachmentIdHash(id)).not.toContain(id);
    }
    expect(attachmentIdSchema.safeParse('../etc/passwd-aaaaaaaaaa').success).toBe(false);
  });
});

describe('sniffAttachmentType', () => {
  const bytes = (...parts: (string | number[])[]) => new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
  it('knows a file by its first bytes, not by its name or declared type', () => {
    expect(sniffAttachmentType(bytes([0xff, 0xd8, 0xff, 0xe1]))).toBe('image/jpeg');
    expect(sniffAttachmentType(bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a]))).toBe('image/png');
    expect(sniffAttachmentType(bytes('RIFF', [1, 2, 3, 4], 'WEBPVP8 '))).toBe('image/webp');
    expect(sniffAttachmentType(bytes('%PDF-1.7'))).toBe('application/pdf');
    expect(sniffAttachmentType(bytes('<!doctype html>'))).toBeNull();
    expect(sniffAttachmentType(bytes('RIFF', [1, 2, 3, 4], 'WAVE'))).toBeNull();
    expect(sniffAttachmentType(bytes([0xff, 0xd8]))).toBeNull();
  });
});

describe('POST /api/attachments body', () => {
  it('takes a name, a media type and a positive size; the type and size limits are the service\'s (415, 413)', () => {
    expect(createAttachmentBody.safeParse({ fileName: '照片.jpg', contentType: 'text/html', size: 20_000_000 }).success).toBe(true);
    expect(createAttachmentBody.safeParse({ fileName: '照片.jpg', contentType: 'image/jpeg', size: 0 }).success).toBe(false);
    expect(createAttachmentBody.safeParse({ fileName: '', contentType: 'image/jpeg', size: 10 }).success).toBe(false);
    expect(createAttachmentBody.safeParse({ fileName: 'a', contentType: 'image jpeg', size: 10 }).success).toBe(false);
    expect(createAttachmentBody.safeParse({ fileName: 'a', contentType: 'image/jpeg', size: 10, extra: 1 }).success).toBe(false);
  });
});
