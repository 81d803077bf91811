/**
 * Receipts for anonymous submitters: a tracking code to read aloud and a secret access key.
 *
 * The code is `YJ-XXXX-XXXX`: 40 random bits as 8 Crockford base32 characters (no I, L, O, U),
 * so it can be read over the phone and typed back with the usual confusions forgiven. It only
 * names the item; the access key (stored only as its SHA-256) is what proves the reader may see it.
 *
 * Keys are 140 random bits in 28 Crockford characters, grouped by four (`XXXX-XXXX-…`), read as
 * forgivingly as codes. Keys given before (43 characters of base64url, 256 bits) keep working: a
 * stored hash says how its key was made. A new key's hash is `k2:` and the SHA-256 of the key in
 * its canonical form (so any way of typing it matches); an old key's is the bare SHA-256 of the
 * key exactly as given, compared exactly as before.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { encodeAccessKey, encodeTrackingCode, normalizeAccessKey } from './tracking-code-format';

// The format itself (no node: imports) is shared with the pages.
export { crockfordAlphabet, encodeAccessKey, encodeTrackingCode, normalizeAccessKey, normalizeTrackingCode, trackingCodePattern } from './tracking-code-format';

/** A fresh random tracking code, `YJ-XXXX-XXXX`. Uniqueness is for the caller to enforce on insert. */
export const newTrackingCode = (): string => encodeTrackingCode(randomBytes(5));

/** A fresh access key: 140 random bits, `XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX` (Crockford base32). */
export const newAccessKey = (): string => encodeAccessKey(randomBytes(18));

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** Marks the hash of a key of the grouped format (hashed in its canonical form). */
const groupedPrefix = 'k2:';

/**
 * What is stored instead of the key: for a key of the grouped format, `k2:` and the SHA-256 of its
 * canonical form; for any other string (the keys given before), the SHA-256 of it as it is.
 */
export const hashAccessKey = (key: string): string => {
  const canonical = normalizeAccessKey(key);
  return canonical ? groupedPrefix + sha256(canonical) : sha256(key);
};

/**
 * Does `key` hash to `storedHash`? Compared in constant time; false (never a throw) for a
 * missing, oversized or malformed key or hash.
 */
export const accessKeyMatches = (key: unknown, storedHash: unknown): boolean => {
  if (typeof key !== 'string' || typeof storedHash !== 'string') return false;
  if (key.length === 0 || key.length > 512) return false;
  // An old item's key is compared exactly as given; a new one's in its canonical form.
  const actual = Buffer.from(storedHash.startsWith(groupedPrefix) ? hashAccessKey(key) : sha256(key), 'utf8');
  const expected = Buffer.from(storedHash, 'utf8');
  if (actual.length !== expected.length) return false;
  return timingSafeEqual(actual, expected);
};
