import { describe, expect, it } from 'vitest';
import { originOfListSortKey, itemIndexKeys } from '../../shared/data/item-index-keys';
import { joinKeyMatches, newJoinKey, newSessionCode, normalizeSessionCode, sessionCodePattern, sessionLink } from '../../shared/domain/session-code';
import { encodeSessionCode, normalizeTrackingCode } from '../../shared/domain/tracking-code-format';

describe('session codes', () => {
  it('are PX-XXXX-XXXX in Crockford base32, 40 random bits', () => {
    expect(encodeSessionCode(new Uint8Array([0, 0, 0, 0, 0]))).toBe('PX-0000-0000');
    expect(encodeSessionCode(new Uint8Array([255, 255, 255, 255, 255]))).toBe('PX-ZZZZ-ZZZZ');
    const codes = new Set(Array.from({ length: 200 }, newSessionCode));
    expect(codes.size).toBe(200);
    for (const code of codes) expect(code).toMatch(sessionCodePattern);
  });

  it('are read back as dictated or typed, and never mistaken for a tracking code', () => {
    expect(normalizeSessionCode('px-abcd-efgh')).toBe('PX-ABCD-EFGH');
    expect(normalizeSessionCode('ＰＸ ａｂｃｄ ｅｆｇｈ')).toBe('PX-ABCD-EFGH');
    expect(normalizeSessionCode('abcdefgh')).toBe('PX-ABCD-EFGH');
    expect(normalizeSessionCode('PX-IOL0-0000')).toBe('PX-1010-0000');
    expect(normalizeSessionCode('YJ-ABCD-EFGH')).toBeNull();
    expect(normalizeSessionCode('PX-ABCD-EFGU')).toBeNull();
    expect(normalizeSessionCode(42)).toBeNull();
    expect(normalizeTrackingCode('PX-ABCD-EFGH')).toBeNull();
  });
});

describe('join keys', () => {
  it('carry at least 128 bits, URL-safe, and the link keeps them after #', () => {
    const key = newJoinKey();
    expect(Buffer.from(key, 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(key).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(sessionLink('PX-ABCD-EFGH', key)).toBe(`/s/PX-ABCD-EFGH#${key}`);
  });

  it('match only themselves, without throwing on odd input', () => {
    const key = newJoinKey();
    expect(joinKeyMatches(key, key)).toBe(true);
    expect(joinKeyMatches(`${key}x`, key)).toBe(false);
    expect(joinKeyMatches('', key)).toBe(false);
    expect(joinKeyMatches(undefined, key)).toBe(false);
    expect(joinKeyMatches('x'.repeat(10_000), key)).toBe(false);
  });
});

describe('an item’s origin in its list sort key', () => {
  const base = { trackingCode: 'YJ-ABCD-EFGH', createdAt: '2026-12-05T01:00:00.000Z', status: 'closed' as const, kind: 'question' };
  it('leaves an item from the form with the key it always had', () => {
    expect(itemIndexKeys(base).gsi1sk).toBe('2026-12-05T01:00:00.000Z#YJ-ABCD-EFGH');
    expect(itemIndexKeys({ ...base, source: 'form' }).gsi1sk).toBe('2026-12-05T01:00:00.000Z#YJ-ABCD-EFGH');
    expect(originOfListSortKey('2026-12-05T01:00:00.000Z#YJ-ABCD-EFGH')).toEqual({ source: 'form', answeredOnSpot: false });
    expect(itemIndexKeys(base).gsi8pk).toBeUndefined();
  });

  it('reads back what a session’s item carries, and puts it in the session’s list', () => {
    for (const origin of [
      { source: 'session' as const, sessionCode: 'PX-1234-5678', answeredOnSpot: false },
      { source: 'meeting' as const, sessionCode: 'PX-1234-5678', answeredOnSpot: false },
      { source: 'meeting' as const, sessionCode: 'PX-1234-5678', answeredOnSpot: true },
    ]) {
      const keys = itemIndexKeys({ ...base, ...origin });
      expect(originOfListSortKey(keys.gsi1sk!)).toEqual(origin);
      expect(keys.gsi1sk!.startsWith('2026-12-05T01:00:00.000Z#YJ-ABCD-EFGH#')).toBe(true);
      expect(keys.gsi8pk).toBe('SESSIONITEMS#PX-1234-5678');
      expect(keys.gsi8sk).toBe(keys.gsi1sk);
    }
  });
});
