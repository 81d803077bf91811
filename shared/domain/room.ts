import { createHmac } from 'node:crypto';
import type { Challenge, Solution } from 'altcha-lib/types';

/**
 * The room's pure parts: how an address becomes the key of its counter, which secrets are derived
 * from the room secret, and how an `X-Altcha` header is read. The rules that use them are in
 * shared/services/room.ts.
 *
 * An address is stored only as HMAC(windowKey, address), where windowKey = HMAC(secret, window):
 * the secret never enters the table, and each window has its own key, so a hash says nothing about
 * the address (no dictionary of the 2^32 IPv4 addresses can be built without the secret) and
 * nothing links one window's hash to the next.
 */

const hmac = (key: string | Buffer, ...parts: (string | number)[]): Buffer => createHmac('sha256', key).update(parts.join('\0')).digest();

/** The key of an address's counter for the window of `windowSeconds` starting at `windowStart` (epoch seconds). */
export const addressHash = (secret: string, address: string, windowStart: number, windowSeconds: number): string =>
  hmac(hmac(secret, 'yijian-address-window', windowSeconds, windowStart), address).toString('hex').slice(0, 32);

const derived = new Map<string, { signature: string; keySignature: string }>();

/** The secrets altcha-lib signs challenges (and their derived keys) with: each its own derivation of the room secret. */
export const challengeSecrets = (secret: string): { signature: string; keySignature: string } => {
  let secrets = derived.get(secret);
  if (!secrets) {
    secrets = { signature: hmac(secret, 'yijian-altcha-signature').toString('hex'), keySignature: hmac(secret, 'yijian-altcha-key-signature').toString('hex') };
    // A process sees one secret, two while a rotation spreads: the map stays tiny.
    if (derived.size > 8) derived.clear();
    derived.set(secret, secrets);
  }
  return secrets;
};

/** What the ALTCHA widget and altcha-lib's solveChallenge send: `{ challenge, solution }`, as base64 of JSON. */
export interface ProofPayload {
  readonly challenge: Challenge;
  readonly solution: Solution;
}

/** Longer than any payload of a challenge this server issues. */
const maxProofHeaderLength = 4096;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The proof in an `X-Altcha` header, or null when it is not base64 of a JSON `{ challenge:
 * { parameters, signature }, solution: { counter, derivedKey } }`. Only the shape is checked here;
 * altcha-lib's verifySolution checks the signature and the solution (and refuses odd values).
 */
export const parseProofHeader = (header: string): ProofPayload | null => {
  if (header.length > maxProofHeaderLength || !/^[A-Za-z0-9+/_-]+=*$/.test(header.trim())) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(header.trim(), 'base64').toString('utf8'));
  } catch {
    return null;
  }
  if (!isRecord(payload) || !isRecord(payload.challenge) || !isRecord(payload.solution)) return null;
  const { parameters, signature } = payload.challenge;
  if (!isRecord(parameters) || typeof signature !== 'string' || !/^[0-9a-f]{64}$/.test(signature)) return null;
  if (typeof payload.solution.counter !== 'number' || typeof payload.solution.derivedKey !== 'string') return null;
  return payload as unknown as ProofPayload;
};

/** The base64 `X-Altcha` value of a solved challenge (what the pages and the tests send). */
export const encodeProof = (payload: ProofPayload): string => Buffer.from(JSON.stringify(payload), 'utf8').toString('base64');
