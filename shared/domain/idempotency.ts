import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Idempotency records hold the first answer to a request (tracking code and access key), so a
 * retry gets the same receipt. The record is stored under a hash of the client's key and its
 * answer is sealed with AES-256-GCM under a second hash of that same key: whoever reads the table
 * sees neither the idempotency key nor the access key, and only the client that holds the key can
 * open the answer. The record expires after `idempotencyWindowSeconds`.
 *
 * Why not Powertools Idempotency: it stores the handler's response in plain JSON (here, an access
 * key anyone who reads the table could use) under a key derived from the payload, and writes its
 * record in a request of its own before and after the handler. Here the record is one entry of the
 * submission's own transaction (shared/data/items.ts), so an item without its record, or a record
 * without its item, cannot exist even after a crash between the two, and its answer is sealed.
 */
export const idempotencyWindowSeconds = 24 * 60 * 60;

const digest = (label: string, value: string): Buffer => createHash('sha256').update(label).update('\0').update(value).digest();

export const idempotencyKeyHash = (key: string): string => digest('yijian-idempotency-id', key).toString('hex');

export const requestFingerprint = (request: unknown): string => digest('yijian-request', JSON.stringify(request)).toString('hex');

export const sealAnswer = (key: string, answer: unknown): string => {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', digest('yijian-idempotency-seal', key), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(answer), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
};

/** The sealed answer, or null when it cannot be opened with this key (tampered or wrong key). */
export const openAnswer = <T>(key: string, sealed: string): T | null => {
  try {
    const raw = Buffer.from(sealed, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', digest('yijian-idempotency-seal', key), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    const text = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
};
