import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  accessKeyMatches,
  crockfordAlphabet,
  encodeAccessKey,
  encodeTrackingCode,
  hashAccessKey,
  newAccessKey,
  newTrackingCode,
  normalizeAccessKey,
  normalizeTrackingCode,
  trackingCodePattern,
} from '../../shared/domain/tracking-code';

describe('tracking codes', () => {
  it('uses the Crockford alphabet: 32 symbols, no I L O U', () => {
    expect(crockfordAlphabet).toHaveLength(32);
    expect(new Set(crockfordAlphabet).size).toBe(32);
    expect(crockfordAlphabet).not.toMatch(/[ILOU]/);
  });

  it('encodes 40 bits as 8 characters, 5 bits each', () => {
    expect(encodeTrackingCode(new Uint8Array([0, 0, 0, 0, 0]))).toBe('YJ-0000-0000');
    expect(encodeTrackingCode(new Uint8Array([255, 255, 255, 255, 255]))).toBe('YJ-ZZZZ-ZZZZ');
    // 0x0842108421 = 00001 00001 00001 ... : every 5-bit group is 1.
    expect(encodeTrackingCode(new Uint8Array([0x08, 0x42, 0x10, 0x84, 0x21]))).toBe('YJ-1111-1111');
    // 0xF800000000: the top 5 bits only.
    expect(encodeTrackingCode(new Uint8Array([0xf8, 0, 0, 0, 0]))).toBe('YJ-Z000-0000');
    expect(encodeTrackingCode(new Uint8Array([0, 0, 0, 0, 0x1f]))).toBe('YJ-0000-000Z');
    expect(() => encodeTrackingCode(new Uint8Array(4))).toThrow(RangeError);
  });

  it('makes well-formed, distinct codes that use the whole alphabet evenly', () => {
    const codes = new Set<string>();
    const counts = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      const code = newTrackingCode();
      expect(code).toMatch(trackingCodePattern);
      codes.add(code);
      for (const ch of code.slice(3).replace('-', '')) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
    // 10,000 draws from 2^40: a collision has probability ~5e-5.
    expect(codes.size).toBe(10_000);
    expect(counts.size).toBe(32);
    // 80,000 characters, 2,500 expected each; 6 standard deviations is about ±300.
    for (const n of counts.values()) expect(Math.abs(n - 2500)).toBeLessThan(400);
  });

  it('the pattern accepts only canonical codes', () => {
    expect(trackingCodePattern.test('YJ-7K3M-Q9TX')).toBe(true);
    expect(trackingCodePattern.test('YJ-7K3M-Q9TU')).toBe(false);
    expect(trackingCodePattern.test('yj-7k3m-q9tx')).toBe(false);
    expect(trackingCodePattern.test('YJ7K3MQ9TX')).toBe(false);
    expect(trackingCodePattern.test('YJ-7K3M-Q9TX ')).toBe(false);
  });

  it('normalizes what people type', () => {
    expect(normalizeTrackingCode('YJ-7K3M-Q9TX')).toBe('YJ-7K3M-Q9TX');
    expect(normalizeTrackingCode('  yj-7k3m-q9tx ')).toBe('YJ-7K3M-Q9TX');
    expect(normalizeTrackingCode('7K3MQ9TX')).toBe('YJ-7K3M-Q9TX');
    expect(normalizeTrackingCode('7k3m-q9tx')).toBe('YJ-7K3M-Q9TX');
    expect(normalizeTrackingCode('YJ7K3MQ9TX')).toBe('YJ-7K3M-Q9TX');
    expect(normalizeTrackingCode('yj 7k3m q9tx')).toBe('YJ-7K3M-Q9TX');
    // Confusables: I and L read as 1, O as 0.
    expect(normalizeTrackingCode('YJ-IL0O-oiLl')).toBe('YJ-1100-0111');
    // Full-width characters from a Chinese input method.
    expect(normalizeTrackingCode('ＹＪ－７Ｋ３Ｍ－Ｑ９ＴＸ')).toBe('YJ-7K3M-Q9TX');
  });

  it('rejects what cannot be a code', () => {
    for (const bad of ['', 'YJ-', 'YJ-7K3M-Q9T', 'YJ-7K3M-Q9TXX', 'YJ-7K3M-Q9TU', 'XX-7K3M-Q9TX', '7K3M?Q9TX', 'YJ-7K3M-Q9T*', 'x'.repeat(100)]) {
      expect(normalizeTrackingCode(bad), bad).toBeNull();
    }
    expect(normalizeTrackingCode(undefined)).toBeNull();
    expect(normalizeTrackingCode(12345678)).toBeNull();
  });

  it('round-trips every generated code', () => {
    for (let i = 0; i < 200; i++) {
      const code = newTrackingCode();
      expect(normalizeTrackingCode(code)).toBe(code);
      expect(normalizeTrackingCode(code.toLowerCase().replaceAll('-', ''))).toBe(code);
    }
  });
});

describe('access keys', () => {
  it('are 140 random bits in Crockford base32, grouped by four', () => {
    const key = newAccessKey();
    expect(key).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){6}$/);
    const keys = new Set(Array.from({ length: 1000 }, newAccessKey));
    expect(keys.size).toBe(1000);
    // Every character position takes every value: the bits are spread over the whole key.
    const seen = Array.from({ length: 34 }, () => new Set<string>());
    for (const k of keys) [...k].forEach((ch, i) => seen[i]!.add(ch));
    for (const [i, chars] of seen.entries()) expect(chars.size, `position ${i}`).toBe(i % 5 === 4 ? 1 : 32);
  });

  it('encode the first 140 bits of 18 bytes', () => {
    expect(encodeAccessKey(new Uint8Array(18))).toBe('0000-0000-0000-0000-0000-0000-0000');
    expect(encodeAccessKey(new Uint8Array(18).fill(255))).toBe('ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ');
    expect(() => encodeAccessKey(new Uint8Array(17))).toThrow(RangeError);
  });

  it('are read forgivingly: any case, with or without separators, I/L for 1, O for 0, full-width', () => {
    const key = newAccessKey();
    const bare = key.replaceAll('-', '');
    for (const typed of [key, key.toLowerCase(), bare, bare.toLowerCase(), key.replaceAll('-', ' '), ` ${key} `, bare.replace(/(.{7})/g, '$1 ')]) {
      expect(normalizeAccessKey(typed), typed).toBe(key);
    }
    expect(normalizeAccessKey('1111-0000-1111-0000-1111-0000-1111'.replaceAll('1', 'l').replaceAll('0', 'O'))).toBe('1111-0000-1111-0000-1111-0000-1111');
    expect(normalizeAccessKey('ＡＢＣＤ－ＥＦＧＨ－ＪＫＭＮ－ＰＱＲＳ－ＴＶＷＸ－ＹＺ０１－２３４５')).toBe('ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345');
    expect(normalizeAccessKey(key.slice(0, -1))).toBeNull();
    expect(normalizeAccessKey(`${key}A`)).toBeNull();
    expect(normalizeAccessKey(key.replace(/.$/, 'U'))).toBeNull();
    expect(normalizeAccessKey(undefined)).toBeNull();
  });

  it('hash to k2: and the SHA-256 of the canonical key; any other string (an old key) to its bare SHA-256', () => {
    expect(hashAccessKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const key = newAccessKey();
    expect(hashAccessKey(key)).toMatch(/^k2:[0-9a-f]{64}$/);
    expect(hashAccessKey(key)).toBe(`k2:${createHash('sha256').update(key).digest('hex')}`);
    expect(hashAccessKey(key.toLowerCase().replaceAll('-', ''))).toBe(hashAccessKey(key));
    expect(hashAccessKey(key)).not.toContain(key);
  });

  it('match only their own hash however typed, and never throw', () => {
    const key = newAccessKey();
    const stored = hashAccessKey(key);
    expect(accessKeyMatches(key, stored)).toBe(true);
    expect(accessKeyMatches(key.toLowerCase(), stored)).toBe(true);
    expect(accessKeyMatches(key.replaceAll('-', ''), stored)).toBe(true);
    expect(accessKeyMatches(key.replaceAll('-', ' ').replaceAll('1', 'l').replaceAll('0', 'o'), stored)).toBe(true);
    expect(accessKeyMatches(newAccessKey(), stored)).toBe(false);
    expect(accessKeyMatches(key.slice(0, -1), stored)).toBe(false);
    expect(accessKeyMatches(key, stored.slice(0, 10))).toBe(false);
    expect(accessKeyMatches(key, `${stored}00`)).toBe(false);
    expect(accessKeyMatches(key, '')).toBe(false);
    expect(accessKeyMatches('', hashAccessKey(''))).toBe(false);
    expect(accessKeyMatches(undefined, stored)).toBe(false);
    expect(accessKeyMatches(key, undefined)).toBe(false);
    expect(accessKeyMatches(key, 'é'.repeat(32))).toBe(false);
    expect(accessKeyMatches('x'.repeat(10_000), hashAccessKey('x'.repeat(10_000)))).toBe(false);
  });

  it('given before (43 characters of base64url, stored as their bare SHA-256) keep working, exactly as given', () => {
    const old = randomBytes(32).toString('base64url');
    const stored = createHash('sha256').update(old).digest('hex');
    expect(accessKeyMatches(old, stored)).toBe(true);
    expect(accessKeyMatches(old.toLowerCase() === old ? old.toUpperCase() : old.toLowerCase(), stored)).toBe(false);
    expect(accessKeyMatches(old.slice(1), stored)).toBe(false);
    // Even an old key that happens to read as a grouped one (dashes included) is compared as given.
    const lookalike = 'abcd-efgh-jkmn-pqrs-tvwx-yz01-2345-67890';
    const lookalikeStored = createHash('sha256').update(lookalike).digest('hex');
    expect(accessKeyMatches(lookalike, lookalikeStored)).toBe(true);
    const grouped = 'abcd-efgh-jkmn-pqrs-tvwx-yz01-2345';
    expect(accessKeyMatches(grouped, createHash('sha256').update(grouped).digest('hex'))).toBe(true);
    expect(accessKeyMatches(grouped.toUpperCase(), createHash('sha256').update(grouped).digest('hex'))).toBe(false);
  });
});
