/**
 * A training session's code and join key. The code (`PX-XXXX-XXXX`, read aloud like a tracking
 * code) names the session; the join key is what a participant's link carries after `#` (so it
 * never reaches a server log through a URL) and what proves they were given the link.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { encodeSessionCode } from './tracking-code-format';

export { normalizeSessionCode, sessionCodePattern } from './tracking-code-format';

/** A fresh random session code. Uniqueness is for the caller to enforce on insert. */
export const newSessionCode = (): string => encodeSessionCode(randomBytes(5));

/** A fresh join key: 16 random bytes (128 bits), base64url without padding (22 URL-safe characters). */
export const newJoinKey = (): string => randomBytes(16).toString('base64url');

/** The participants' link, relative to the site: the key after `#` stays in the browser. */
export const sessionLink = (code: string, joinKey: string): string => `/s/${code}#${joinKey}`;

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Is `given` the session's join key? Both are hashed first, so the comparison is of equal lengths
 * and in constant time whatever was sent; false (never a throw) for a missing or oversized key.
 */
export const joinKeyMatches = (given: unknown, joinKey: string): boolean => {
  if (typeof given !== 'string' || given.length === 0 || given.length > 256) {
    timingSafeEqual(digest(''), digest(joinKey));
    return false;
  }
  return timingSafeEqual(digest(given), digest(joinKey));
};

/** What an unknown code is compared against, so it costs the same as a wrong key. */
export const noSessionJoinKey = newJoinKey();
