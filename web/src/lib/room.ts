/**
 * The room's proof of work in the pages (API.md "The room"): a public write may carry an ALTCHA
 * proof in X-Altcha, and beyond a hall's shared allowance it must. Nobody clicks a puzzle: the
 * page fetches a challenge and solves it in Web Workers while the person types
 * (`prepareProof`, called when a form is touched), keeps one solved proof ready, and
 * `publicWrite` attaches it to the next public write. A write sent without a proof (none was
 * ready yet) that the server answers with 429 and a `challenge`, or whose proof it refused
 * (spent, expired, or signed with a secret since rotated), is sent once more with a fresh proof:
 * the person waits at most for the rest of a solve already under way.
 */
import { solveChallengeWorkers } from 'altcha-lib';
import type { Challenge } from 'altcha-lib/types';
import { apiRequest, type ApiOptions, type ApiResult } from './api';

interface ReadyProof {
  readonly header: string;
  /** A margin inside the challenge's 10 minutes, on this device's clock. */
  readonly usableUntil: number;
}

const usableMs = 9 * 60_000;
let ready: ReadyProof | null = null;
let solving: Promise<void> | null = null;

const isUsable = (proof: ReadyProof | null): proof is ReadyProof => proof !== null && proof.usableUntil > Date.now();

const createWorker = () => new Worker(new URL('./proof-worker.ts', import.meta.url), { type: 'module' });

/** Fetches a challenge and solves it; the `X-Altcha` value, or null when either failed. */
export const solveProof = async (): Promise<ReadyProof | null> => {
  const r = await apiRequest<Challenge>('GET', '/api/challenge');
  if (!r.ok || !r.json?.parameters) return null;
  const fetchedAt = Date.now();
  const solution = await solveChallengeWorkers({
    challenge: r.json,
    // A phone has cores to spare while its owner types; more than four gain little.
    concurrency: Math.min(4, Math.max(1, navigator.hardwareConcurrency || 1)),
    createWorker,
  });
  if (!solution) return null;
  return { header: btoa(JSON.stringify({ challenge: r.json, solution })), usableUntil: fetchedAt + usableMs };
};

/** Starts solving, unless a proof is ready or being solved: call it when a form is first touched. */
export const prepareProof = (): void => {
  if (isUsable(ready) || solving) return;
  solving = solveProof()
    .catch(() => null)
    .then((proof) => {
      ready = proof;
      solving = null;
    });
};

/**
 * The ready proof, taken (one proof, one write). The next one is solved when a form is touched
 * again (`prepareProof`), not at once: a person who leaves after writing costs no challenge.
 */
const takeReady = (): string | null => {
  if (!isUsable(ready)) return null;
  const { header } = ready;
  ready = null;
  return header;
};

/** A proof, waiting for the solve under way (or a new one) when none is ready. */
const awaitProof = async (): Promise<string | null> => {
  for (let attempt = 0; attempt < 2; attempt++) {
    const proof = takeReady();
    if (proof) return proof;
    prepareProof();
    await solving;
  }
  return takeReady();
};

const proofProblem = /\/proof-(used|invalid|expired)$/;

/** Whether the server asked for a (new) proof: a 429 with a challenge, or a refused proof. */
export const wantsProof = (r: ApiResult): boolean =>
  (r.status === 429 && typeof r.json?.challenge === 'string') || (r.status === 400 && proofProblem.test(r.problem?.type ?? ''));

/**
 * A public write (submission, follow-up, rating, a session's rating): with the ready proof if
 * there is one, sent once more with a fresh proof when the server asks for one. Keep the same
 * Idempotency-Key in `options`: the server answers a retry of a stored write with its first answer.
 */
export const publicWrite = async <T = any>(method: string, path: string, options: ApiOptions = {}): Promise<ApiResult<T>> => {
  const send = (proof: string | null) =>
    apiRequest<T>(method, path, { ...options, headers: { ...(options.headers ?? {}), ...(proof ? { 'X-Altcha': proof } : {}) } });
  const attached = takeReady();
  const first = await send(attached);
  if (!wantsProof(first)) {
    // Refused for another reason (a field, a closed session): nothing was stored, the proof is unspent.
    if (!first.ok && attached && first.status !== 0 && ready === null) ready = { header: attached, usableUntil: Date.now() + 60_000 };
    return first;
  }
  const proof = await awaitProof();
  return proof ? send(proof) : first;
};
