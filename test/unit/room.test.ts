import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { admissionEntries, type WindowCount } from '../../shared/data/room';
import type { Db } from '../../shared/data/db';
import { ProofUsedError, RateLimitedError, RoomFullError } from '../../shared/domain/errors';
import { addressHash, encodeProof, parseProofHeader } from '../../shared/domain/room';

/** The room's pure parts (shared/domain/room.ts) and how a refusal is read (shared/data/room.ts). */

const secret = 's'.repeat(43);

describe('addressHash', () => {
  it('is stable for one address and window, and differs with the secret, the window and its length', () => {
    const hash = addressHash(secret, '203.0.113.7', 1_800_000_000, 600);
    expect(hash).toMatch(/^[0-9a-f]{32}$/);
    expect(addressHash(secret, '203.0.113.7', 1_800_000_000, 600)).toBe(hash);
    expect(addressHash('t'.repeat(43), '203.0.113.7', 1_800_000_000, 600)).not.toBe(hash);
    expect(addressHash(secret, '203.0.113.7', 1_800_000_600, 600)).not.toBe(hash);
    expect(addressHash(secret, '203.0.113.7', 1_800_000_000, 3600)).not.toBe(hash);
    expect(addressHash(secret, '203.0.113.8', 1_800_000_000, 600)).not.toBe(hash);
  });

  it('is no unkeyed hash of the address (the old one was sha256 of the window and the address)', () => {
    const hash = addressHash(secret, '203.0.113.7', 1_800_000_000, 600);
    for (const input of ['203.0.113.7', 'yijian-rate\u00001800000000\u0000203.0.113.7', '1800000000\u0000203.0.113.7']) {
      expect(createHash('sha256').update(input).digest('hex')).not.toContain(hash);
    }
  });
});

describe('parseProofHeader', () => {
  const payload = {
    challenge: { parameters: { algorithm: 'PBKDF2/SHA-256', nonce: 'ab', salt: 'cd', cost: 1, keyLength: 32, keyPrefix: 'ef' }, signature: 'a'.repeat(64) },
    solution: { counter: 7, derivedKey: 'ef'.repeat(32) },
  };

  it('reads what encodeProof (and the ALTCHA widget) writes', () => {
    expect(parseProofHeader(encodeProof(payload))).toEqual(payload);
  });

  it('refuses anything else without throwing', () => {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
    for (const header of [
      '',
      'not base64!',
      Buffer.from('{not json').toString('base64'),
      encode(null),
      encode([payload]),
      encode({ challenge: payload.challenge }),
      encode({ ...payload, challenge: { ...payload.challenge, signature: 'short' } }),
      encode({ ...payload, challenge: { signature: payload.challenge.signature } }),
      encode({ ...payload, solution: { counter: '7', derivedKey: 'x' } }),
      'A'.repeat(5000),
    ]) {
      expect(parseProofHeader(header), header.slice(0, 30)).toBeNull();
    }
  });
});

describe('admissionEntries: which limit refused a write', () => {
  const deps = { db: { tableName: 'room-unit' } as Db };
  const rate = new RateLimitedError(30);
  const room = new RoomFullError(30);
  const used = new ProofUsedError();
  const count: WindowCount = { addressHash: 'h'.repeat(32), windowStart: 1_800_000_000, windowSeconds: 600, limits: [{ limit: 2000, error: room }, { limit: 10, error: rate }] };

  it('counts with the lowest limit as its condition, asking for the count it stood at', () => {
    const { entries } = admissionEntries(deps, [count]);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.Update).toMatchObject({ ConditionExpression: 'attribute_not_exists(#n) OR #n < :limit', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' });
    expect(entries[0]!.Update!.ExpressionAttributeValues).toMatchObject({ ':limit': 10, ':expires': 1_800_000_660 });
  });

  it('names the highest limit reached, the allowance when the count is not reported, a spent proof first', () => {
    const { refusal } = admissionEntries(deps, [count], { id: 'sig', expiresAt: 1, usedError: used });
    const failed = (n?: string) => ({ Code: 'ConditionalCheckFailed', ...(n ? { Item: { count: { N: n } } } : {}) });
    expect(refusal([failed('10'), { Code: 'None' }])).toBe(rate);
    expect(refusal([failed('2000'), { Code: 'None' }])).toBe(room);
    expect(refusal([failed(), { Code: 'None' }])).toBe(rate);
    expect(refusal([failed('2000'), failed()])).toBe(used);
    expect(refusal([{ Code: 'None' }, { Code: 'None' }])).toBeNull();
  });

  it('counts without a condition where no limit applies, and writes the spent proof only if new', () => {
    const { entries } = admissionEntries(deps, [{ ...count, limits: [] }], { id: 'sig', expiresAt: 5, usedError: used });
    expect(entries[0]!.Update!.ConditionExpression).toBeUndefined();
    expect(entries[1]!.Put).toMatchObject({ Item: { pk: 'PROOF#sig', sk: 'PROOF', entity: 'proof', expiresAt: 5 }, ConditionExpression: 'attribute_not_exists(pk)' });
  });
});
