import { describe, expect, it } from 'vitest';
import {
  accessKeyMatches,
  crockfordAlphabet,
  encodeTrackingCode,
  hashAccessKey,
  newAccessKey,
  newTrackingCode,
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
  it('are 256 random bits in base64url', () => {
    const key = newAccessKey();
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key, 'base64url')).toHaveLength(32);
    const keys = new Set(Array.from({ length: 1000 }, newAccessKey));
    expect(keys.size).toBe(1000);
  });

  it('hash to SHA-256 hex', () => {
    expect(hashAccessKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const key = newAccessKey();
    expect(hashAccessKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashAccessKey(key)).not.toContain(key);
  });

  it('match only their own hash, and never throw', () => {
    const key = newAccessKey();
    const stored = hashAccessKey(key);
    expect(accessKeyMatches(key, stored)).toBe(true);
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
});
