import { solveChallenge, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import { encodeProof } from '../../shared/domain/room';
import type { Api } from './stack';

/**
 * A person's proof of work, as the pages make it but in Node: fetch a challenge from the stack,
 * solve it with altcha-lib's solveChallenge, and encode `{ challenge, solution }` for X-Altcha.
 */
export const solveProof = async (http: Api): Promise<string> => {
  const { status, json } = await http.get('/api/challenge');
  if (status !== 200) throw new Error(`GET /api/challenge answered ${status}`);
  const challenge = json as Challenge;
  const solution = await solveChallenge({ challenge, deriveKey });
  if (!solution) throw new Error('no solution found');
  return encodeProof({ challenge, solution });
};

/** Runs `work` for 0..count-1 with at most `width` at a time; the results in order. */
export const inParallel = async <T>(count: number, width: number, work: (index: number) => Promise<T>): Promise<T[]> => {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, count) }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await work(index);
      }
    }),
  );
  return results;
};
