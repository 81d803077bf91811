import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../shared/domain/errors';
import { accessKeyMatches, hashAccessKey, newAccessKey } from '../../shared/domain/tracking-code';
import { judgeAccessKey, noSuchItemHash } from '../../shared/services/submitter-access';

/** The comparison the judge runs, recorded (and then done for real). */
const recordingCompare = () => {
  const calls: [unknown, unknown][] = [];
  const compare = (key: unknown, hash: unknown) => {
    calls.push([key, hash]);
    return accessKeyMatches(key, hash);
  };
  return { calls, compare };
};

const refusal = (run: () => void) => {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('the submitter key check (shared/services/submitter-access.ts)', () => {
  it('compares the key with a dummy hash when there is no item, and refuses with the one 404', () => {
    const { calls, compare } = recordingCompare();
    const key = newAccessKey();
    const thrown = refusal(() => judgeAccessKey(null, key, compare));
    expect(calls).toEqual([[key, noSuchItemHash]]);
    expect(thrown).toBeInstanceOf(NotFoundError);
    expect((thrown as Error).message).toBe('No submission with this tracking code and access key.');
  });

  it('runs the same one comparison for a wrong key on an existing item, with the same refusal', () => {
    const { calls, compare } = recordingCompare();
    const stored = hashAccessKey(newAccessKey());
    const wrong = newAccessKey();
    const thrown = refusal(() => judgeAccessKey(stored, wrong, compare));
    expect(calls).toEqual([[wrong, stored]]);
    expect(thrown).toBeInstanceOf(NotFoundError);
    expect((thrown as Error).message).toBe((refusal(() => judgeAccessKey(null, wrong)) as Error).message);
  });

  it('compares a missing key too (as an empty one) and lets the right key in', () => {
    const { calls, compare } = recordingCompare();
    const key = newAccessKey();
    expect(refusal(() => judgeAccessKey(null, undefined, compare))).toBeInstanceOf(NotFoundError);
    expect(calls).toEqual([['', noSuchItemHash]]);
    expect(refusal(() => judgeAccessKey(hashAccessKey(key), key, compare))).toBeUndefined();
    expect(calls).toHaveLength(2);
  });

  it('never lets a key in on the dummy hash, even the dummy hash\'s own preimage', () => {
    expect(refusal(() => judgeAccessKey(null, '0000-0000-0000-0000-0000-0000-0000'))).toBeInstanceOf(NotFoundError);
  });
});
