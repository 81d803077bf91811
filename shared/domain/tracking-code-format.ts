/**
 * The formats of the codes people read aloud, free of Node.js modules so the pages use the very
 * same reader: a two-letter prefix and 8 Crockford base32 characters (no I, L, O, U) in two groups.
 * `YJ-XXXX-XXXX` names an item (its tracking code), `PX-XXXX-XXXX` a training session (培训).
 */
export const crockfordAlphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A canonical tracking code. */
export const trackingCodePattern = /^YJ-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;
/** A canonical session code. */
export const sessionCodePattern = /^PX-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

type CodePrefix = 'YJ' | 'PX';

const format = (prefix: CodePrefix, body: string): string => `${prefix}-${body.slice(0, 4)}-${body.slice(4, 8)}`;

/** Encode exactly 40 bits (5 bytes) as 8 characters of 5 bits each: no modulo, no bias. */
const encodeCode = (prefix: CodePrefix, bytes: Uint8Array): string => {
  if (bytes.length !== 5) throw new RangeError('a code encodes exactly 5 bytes');
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let body = '';
  for (let shift = 35n; shift >= 0n; shift -= 5n) body += crockfordAlphabet[Number((bits >> shift) & 31n)];
  return format(prefix, body);
};

export const encodeTrackingCode = (bytes: Uint8Array): string => encodeCode('YJ', bytes);
export const encodeSessionCode = (bytes: Uint8Array): string => encodeCode('PX', bytes);

/** Crockford decoding forgives I and L (read as 1) and O (read as 0). */
const confusables: Readonly<Record<string, string>> = { I: '1', L: '1', O: '0' };

/**
 * Read a code as a person typed or dictated it: any case, spaces or dashes anywhere, full-width
 * characters from a Chinese input method, with or without the prefix, I/L for 1 and O for 0.
 * Returns the canonical `<prefix>-XXXX-XXXX`, or null if it cannot be such a code.
 */
const normalizeCode = (prefix: CodePrefix, input: unknown): string | null => {
  if (typeof input !== 'string' || input.length > 64) return null;
  let s = input.normalize('NFKC').toUpperCase().replace(/[\s\-_\u2010-\u2015\u2212]/g, '');
  if (s.length === 10 && s.startsWith(prefix)) s = s.slice(2);
  if (s.length !== 8) return null;
  let body = '';
  for (const ch of s) {
    const c = confusables[ch] ?? ch;
    if (!crockfordAlphabet.includes(c)) return null;
    body += c;
  }
  return format(prefix, body);
};

export const normalizeTrackingCode = (input: unknown): string | null => normalizeCode('YJ', input);
export const normalizeSessionCode = (input: unknown): string | null => normalizeCode('PX', input);

/** An access key's characters: 28 of Crockford base32 (140 bits, at least the 128 asked for). */
const accessKeyLength = 28;

/** 18 bytes (144 bits) -> an access key of their first 140 bits, in groups of four. */
export const encodeAccessKey = (bytes: Uint8Array): string => {
  if (bytes.length !== 18) throw new RangeError('an access key encodes exactly 18 bytes');
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  bits >>= 4n;
  let body = '';
  for (let shift = BigInt((accessKeyLength - 1) * 5); shift >= 0n; shift -= 5n) body += crockfordAlphabet[Number((bits >> shift) & 31n)];
  return groupByFour(body);
};

const groupByFour = (body: string): string => body.match(/.{1,4}/g)!.join('-');

/**
 * Read an access key of the grouped format as a person typed or dictated it (any case, spaces,
 * dashes or none, full-width characters, I/L for 1, O for 0): its canonical `XXXX-…-XXXX`, or
 * null if it is not one (a key of the older base64url format, or anything else).
 */
export const normalizeAccessKey = (input: unknown): string | null => {
  if (typeof input !== 'string' || input.length > 128) return null;
  const s = input.normalize('NFKC').toUpperCase().replace(/[\s\-\u2010-\u2015\u2212]/g, '');
  if (s.length !== accessKeyLength) return null;
  let body = '';
  for (const ch of s) {
    const c = confusables[ch] ?? ch;
    if (!crockfordAlphabet.includes(c)) return null;
    body += c;
  }
  return groupByFour(body);
};
