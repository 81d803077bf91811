import { describe, expect, it } from 'vitest';
import { idempotencyKeyHash, idempotencyWindowSeconds, openAnswer, requestFingerprint, sealAnswer } from '../../shared/domain/idempotency';

const key = 'retry-2026-11-27-abcdef';
const answer = { trackingCode: 'YJ-7K3M-Q9PX', accessKey: 'c2VjcmV0LWFjY2Vzcy1rZXktMTI4Yml0cw', status: 'assigned', createdAt: '2026-11-27T09:30:00.000Z' };

/** Flips one bit of the byte at `index` of a base64url string's bytes. */
const flip = (sealed: string, index: number): string => {
  const raw = Buffer.from(sealed, 'base64url');
  raw[index < 0 ? raw.length + index : index] ^= 0x01;
  return raw.toString('base64url');
};

describe('sealed answers', () => {
  it('round-trips an answer, Chinese and emoji included', () => {
    expect(openAnswer(key, sealAnswer(key, answer))).toEqual(answer);
    const text = { note: '意见箱 😀 \u0000 "quoted"' };
    expect(openAnswer(key, sealAnswer(key, text))).toEqual(text);
  });

  it('is base64url and shows neither the answer nor the key', () => {
    const sealed = sealAnswer(key, answer);
    expect(sealed).toMatch(/^[A-Za-z0-9_-]+$/);
    const decoded = Buffer.from(sealed, 'base64url').toString('latin1');
    for (const secret of [answer.accessKey, answer.trackingCode, key]) {
      expect(sealed).not.toContain(secret);
      expect(decoded).not.toContain(secret);
    }
    // 12-byte IV + ciphertext + 16-byte tag.
    expect(Buffer.from(sealed, 'base64url').length).toBe(12 + Buffer.byteLength(JSON.stringify(answer)) + 16);
  });

  it('uses a fresh IV: sealing twice gives different text that opens to the same answer', () => {
    const a = sealAnswer(key, answer);
    const b = sealAnswer(key, answer);
    expect(a).not.toBe(b);
    expect(openAnswer(key, a)).toEqual(openAnswer(key, b));
  });

  it('gives null for a wrong key, even one differing by a character', () => {
    const sealed = sealAnswer(key, answer);
    expect(openAnswer('another-key-entirely', sealed)).toBeNull();
    expect(openAnswer(`${key.slice(0, -1)}g`, sealed)).toBeNull();
    expect(openAnswer(key.toUpperCase(), sealed)).toBeNull();
  });

  it('gives null when any part was tampered with: IV, ciphertext or tag', () => {
    const sealed = sealAnswer(key, answer);
    for (const index of [0, 11, 12, 20, -17, -16, -1]) expect(openAnswer(key, flip(sealed, index)), `byte ${index}`).toBeNull();
  });

  it('gives null for truncated, extended, empty or garbage input', () => {
    const sealed = sealAnswer(key, answer);
    const raw = Buffer.from(sealed, 'base64url');
    expect(openAnswer(key, raw.subarray(0, raw.length - 1).toString('base64url'))).toBeNull();
    expect(openAnswer(key, Buffer.concat([raw, Buffer.from([0])]).toString('base64url'))).toBeNull();
    expect(openAnswer(key, '')).toBeNull();
    expect(openAnswer(key, 'not sealed at all!')).toBeNull();
    expect(openAnswer(key, Buffer.alloc(20).toString('base64url'))).toBeNull();
  });
});

describe('key hash and request fingerprint', () => {
  it('hashes a key stably, to 64 hex digits that are not the key', () => {
    const h = idempotencyKeyHash(key);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(idempotencyKeyHash(key)).toBe(h);
    expect(h).not.toContain(key);
    expect(idempotencyKeyHash(`${key}x`)).not.toBe(h);
  });

  it('keeps the record id apart from the sealing key and from a plain SHA-256 of the key', async () => {
    const { createHash } = await import('node:crypto');
    expect(idempotencyKeyHash(key)).not.toBe(createHash('sha256').update(key).digest('hex'));
    // The id is stored in the table; the sealing key must not be derivable from it.
    const idBytes = Buffer.from(idempotencyKeyHash(key), 'hex');
    expect(idBytes.length).toBe(32);
    const forged = { iv: Buffer.alloc(12) };
    const { createCipheriv } = await import('node:crypto');
    const cipher = createCipheriv('aes-256-gcm', idBytes, forged.iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(answer)), cipher.final()]);
    const sealedWithId = Buffer.concat([forged.iv, body, cipher.getAuthTag()]).toString('base64url');
    expect(openAnswer(key, sealedWithId)).toBeNull();
  });

  it('fingerprints requests: same body same print, any difference a different one', () => {
    const body = { kind: 'question', title: '关于培训安排', body: '下次培训能否提前一周通知？', anonymous: true };
    const f = requestFingerprint(body);
    expect(f).toMatch(/^[0-9a-f]{64}$/);
    expect(requestFingerprint({ ...body })).toBe(f);
    expect(requestFingerprint({ ...body, title: '另一件事' })).not.toBe(f);
    expect(requestFingerprint({ ...body, anonymous: false })).not.toBe(f);
    expect(requestFingerprint({ ...body, unitId: 'u01' })).not.toBe(f);
    expect(requestFingerprint({ ...body, body: `${body.body} ` })).not.toBe(f);
    expect(requestFingerprint(null)).not.toBe(requestFingerprint({}));
  });

  it('is the same for a retry that sends the same fields in another order, once parsed as the service does', async () => {
    const { createSubmissionBody } = await import('../../shared/schemas/submission');
    const a = { kind: 'feedback', title: '培训', body: '很好', anonymous: false, contact: { name: '王', email: 'wang@example.com' }, rating: 5 };
    const b = { rating: 5, contact: { email: 'wang@example.com', name: '王' }, anonymous: false, body: '很好', title: '培训', kind: 'feedback' };
    expect(requestFingerprint(a)).not.toBe(requestFingerprint(b));
    expect(requestFingerprint(createSubmissionBody.parse(b))).toBe(requestFingerprint(createSubmissionBody.parse(a)));
  });

  it('keeps records for 24 hours', () => {
    expect(idempotencyWindowSeconds).toBe(86_400);
  });
});
