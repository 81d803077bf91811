/**
 * The browser's copy of the server's forgiving tracking-code reader (shared/domain/tracking-code.ts
 * needs node:crypto for its other parts): any case, spaces or dashes, full-width characters, with
 * or without `YJ`, I/L for 1 and O for 0. Returns `YJ-XXXX-XXXX` or null.
 */
const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const confusables: Readonly<Record<string, string>> = { I: '1', L: '1', O: '0' };

export const normalizeTrackingCode = (input: string): string | null => {
  if (input.length > 64) return null;
  let s = input.normalize('NFKC').toUpperCase().replace(/[\s\-_\u2010-\u2015\u2212]/g, '');
  if (s.length === 10 && s.startsWith('YJ')) s = s.slice(2);
  if (s.length !== 8) return null;
  let body = '';
  for (const ch of s) {
    const c = confusables[ch] ?? ch;
    if (!alphabet.includes(c)) return null;
    body += c;
  }
  return `YJ-${body.slice(0, 4)}-${body.slice(4)}`;
};

/** `#YJ-XXXX-XXXX.key` (the receipt's link) -> { code, key }; the key never travels in a query. */
export const parseReceiptFragment = (hash: string): { code: string; key: string } | null => {
  let raw = hash.replace(/^#/, '');
  try {
    raw = decodeURIComponent(raw);
  } catch {
    return null;
  }
  const dot = raw.indexOf('.');
  if (dot <= 0) return raw ? { code: raw, key: '' } : null;
  return { code: raw.slice(0, dot), key: raw.slice(dot + 1) };
};

export const receiptLink = (code: string, key: string): string => `/track#${code}.${encodeURIComponent(key)}`;
