export { normalizeAccessKey, normalizeTrackingCode } from '../../../shared/domain/tracking-code-format';

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
