import { describe, expect, it } from 'vitest';
import { compareIds } from '../../shared/domain/id-order';

const alphabet = 'aAbBzZ09_-';
/** Deterministic ids of 1 to 5 characters, dense in ties of case and of "-" against "_". */
const ids = (count: number): string[] => {
  let seed = 7;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648);
  return Array.from({ length: count }, () => Array.from({ length: 1 + (next() % 5) }, () => alphabet[next() % alphabet.length]).join(''));
};

describe('compareIds (shared/domain/id-order.ts): localeCompare\'s order of directory ids', () => {
  it('agrees in sign with localeCompare on every pair', () => {
    const sample = [...ids(400), 'u05', 'u08', 'u33', 'U05', 'u-5', 'u_5', 'u5', 'unit-1', 'unit_1', 'Unit1', 'unit10', 'unit9'];
    const disagreements = sample.flatMap((a) => sample.filter((b) => Math.sign(compareIds(a, b)) !== Math.sign(a.localeCompare(b))).map((b) => [a, b]));
    expect(disagreements).toEqual([]);
  });

  it('sorts as localeCompare sorts, and leaves other text to it', () => {
    const sample = ids(300);
    expect([...sample].sort(compareIds)).toEqual([...sample].sort((a, b) => a.localeCompare(b)));
    for (const [a, b] of [['a.b', 'a-b'], ['é', 'e'], ['a b', 'ab'], ['ab', 'ab.c']]) expect(Math.sign(compareIds(a, b))).toBe(Math.sign(a.localeCompare(b)));
  });
});
