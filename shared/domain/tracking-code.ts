/**
 * Receipts for anonymous submitters: a tracking code to read aloud and a secret access key.
 *
 * The code is `YJ-XXXX-XXXX`: 40 random bits as 8 Crockford base32 characters (no I, L, O, U),
 * so it can be read over the phone and typed back with the usual confusions forgiven. It only
 * names the item; the access key (256 bits, stored only as its SHA-256) is what proves the reader
 * may see it.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { encodeTrackingCode } from './tracking-code-format';

// The format itself (no node: imports) is shared with the pages.
export { crockfordAlphabet, encodeTrackingCode, normalizeTrackingCode, trackingCodePattern } from './tracking-code-format';

/** A fresh random tracking code, `YJ-XXXX-XXXX`. Uniqueness is for the caller to enforce on insert. */
export const newTrackingCode = (): string => encodeTrackingCode(randomBytes(5));

/** A fresh access key: 32 random bytes (256 bits), base64url without padding (43 characters). */
export const newAccessKey = (): string => randomBytes(32).toString('base64url');

/** What is stored instead of the key: SHA-256, lowercase hex (64 characters). */
export const hashAccessKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/**
 * Does `key` hash to `storedHash`? Compared in constant time; false (never a throw) for a
 * missing, oversized or malformed key or hash.
 */
export const accessKeyMatches = (key: unknown, storedHash: unknown): boolean => {
  if (typeof key !== 'string' || typeof storedHash !== 'string') return false;
  if (key.length === 0 || key.length > 512) return false;
  const actual = Buffer.from(hashAccessKey(key), 'utf8');
  const expected = Buffer.from(storedHash, 'utf8');
  if (actual.length !== expected.length) return false;
  return timingSafeEqual(actual, expected);
};
