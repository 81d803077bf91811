import { createChallenge, randomInt, verifySolution, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import { admissionEntries, noAdmission, type Admission, type WindowCount } from '../data/room';
import type { Deps } from '../deps';
import { InvalidProofError, ProofUsedError, RateLimitedError, RoomFullError, type DomainError } from '../domain/errors';
import { addressHash, challengeSecrets, parseProofHeader } from '../domain/room';
import type { RateLimit } from '../settings';
import { readRoomSecrets, type RoomSecrets } from './room-secret';

/**
 * The room: public writes from many people behind one address (one hall, one Wi-Fi, one NAT).
 *
 * Every public write calls `admitPublicWrite` once, before its transaction, and adds the
 * admission's entries to that transaction (shared/data/room.ts); a cancelled transaction's reasons
 * for those entries become the refusal (`admission.refusal`). The rules, per address and window:
 *   - without a proof, a write passes while the address has made fewer than YIJIAN_RATE_LIMIT
 *     writes; beyond that it is refused with RateLimitedError (429 with a `challenge` link);
 *   - with a valid, unspent proof of work (X-Altcha), a write passes while the address has made
 *     fewer than YIJIAN_ROOM_LIMIT writes (RoomFullError beyond); the proof is spent by that write;
 *   - a spent proof: ProofUsedError; an unreadable, forged, wrong or expired one: InvalidProofError,
 *     whatever the counts (a client that sends a proof wants it checked).
 * Every write counts on both counters (one item when both windows are the same length).
 *
 * The challenges (GET /api/challenge) are altcha-lib's, in its deterministic mode: the server draws
 * the counter that solves the challenge and signs the derived key, so a solver needs on average
 * half of `counterMax` PBKDF2 derivations of YIJIAN_CHALLENGE_COST iterations, and the server's
 * check is two HMACs (bench/: the verify cost per write).
 */

/** A public writer: its address as the limits count it, and the X-Altcha header it sent. */
export interface PublicWriter {
  readonly address: string;
  readonly proof?: string;
}

export const challengeAlgorithm = 'PBKDF2/SHA-256';
/** The solving counter is drawn from 1..counterMax: a page tries counterMax / 2 keys in the median. */
export const challengeCounterMax = 1000;
export const challengeLifetimeSeconds = 600;

/** A fresh challenge, signed with the room secret, valid for `challengeLifetimeSeconds`. */
export const issueChallenge = async (deps: Pick<Deps, 'settings' | 'clock'>): Promise<Challenge> => {
  const secrets = challengeSecrets((await readRoomSecrets(deps.settings)).current);
  return createChallenge({
    algorithm: challengeAlgorithm,
    cost: deps.settings.challengeCost,
    counter: randomInt(challengeCounterMax),
    deriveKey,
    expiresAt: Math.floor(deps.clock.now().getTime() / 1000) + challengeLifetimeSeconds,
    hmacSignatureSecret: secrets.signature,
    hmacKeySignatureSecret: secrets.keySignature,
  });
};

/** Whether `payload` solves a challenge signed with `secret`: 'ok', 'expired' or 'invalid'. */
const checkProof = async (payload: NonNullable<ReturnType<typeof parseProofHeader>>, secret: string) => {
  const secrets = challengeSecrets(secret);
  const result = await verifySolution({
    challenge: payload.challenge,
    solution: payload.solution,
    deriveKey,
    hmacSignatureSecret: secrets.signature,
    hmacKeySignatureSecret: secrets.keySignature,
  }).catch(() => null);
  if (result === null) return 'invalid';
  if (result.expired) return 'expired';
  // A challenge without a key signature was not made by issueChallenge: it would make the server derive keys.
  if (result.verified && payload.challenge.parameters.keySignature) return 'ok';
  return result.invalidSignature ? 'unsigned' : 'invalid';
};

/** The spent-proof record of a valid proof, or the InvalidProofError that refuses it. */
const verifiedProof = async (header: string, secrets: RoomSecrets, nowSeconds: number) => {
  const payload = parseProofHeader(header);
  if (!payload) throw new InvalidProofError('invalid');
  let outcome = await checkProof(payload, secrets.current);
  if (outcome === 'unsigned' && secrets.previous !== undefined) outcome = await checkProof(payload, secrets.previous);
  if (outcome === 'expired') throw new InvalidProofError('expired');
  if (outcome !== 'ok') throw new InvalidProofError('invalid');
  const expiresAt = Number(payload.challenge.parameters.expiresAt);
  // altcha-lib compares with the system clock; the app's clock (shifted locally) decides too.
  if (!(expiresAt > nowSeconds)) throw new InvalidProofError('expired');
  return { id: payload.challenge.signature!, expiresAt: expiresAt + 60, usedError: new ProofUsedError() };
};

/** Whether the limits count `writer`'s write (an address to count, a limit on). */
const isCounted = ({ rateLimit, roomLimit }: Pick<Deps['settings'], 'rateLimit' | 'roomLimit'>, writer: PublicWriter) =>
  writer.address !== '' && (rateLimit !== null || roomLimit !== null);

/**
 * Starts reading the room secret that `admitPublicWrite` will need for `writer`, for a write that
 * reads the table before it is admitted (the access key, the session, a replay): deployed, the
 * first admission of a cold start waits on Secrets Manager, and that read is then in flight beside
 * the table's instead of after it. Nothing is refused here: a failed read is not kept
 * (./room-secret.ts), and the admission reads again and refuses where it did.
 */
export const readSecretsAhead = (deps: Pick<Deps, 'settings'>, writer: PublicWriter): void => {
  if (isCounted(deps.settings, writer) || writer.proof !== undefined) readRoomSecrets(deps.settings).catch(() => undefined);
};

/**
 * The room's admission of one public write (see above): its transaction entries, or a thrown
 * InvalidProofError. Call it after the write's own checks that need no writing (an idempotent
 * replay answers before it: a retried request is neither counted again nor refused as proof-used).
 */
export const admitPublicWrite = async (deps: Pick<Deps, 'db' | 'settings' | 'clock'>, writer: PublicWriter): Promise<Admission> => {
  const { rateLimit, roomLimit } = deps.settings;
  const counted = isCounted(deps.settings, writer);
  if (!counted && writer.proof === undefined) return noAdmission;
  const secrets = await readRoomSecrets(deps.settings);
  const nowSeconds = Math.floor(deps.clock.now().getTime() / 1000);
  const proof = writer.proof === undefined ? undefined : await verifiedProof(writer.proof, secrets, nowSeconds);
  if (!counted) return admissionEntries(deps, [], proof);

  const windows = new Map<number, { start: number; limits: { limit: number; error: DomainError }[] }>();
  const count = (window: RateLimit, limit?: (retryAfterSeconds: number) => DomainError) => {
    const start = nowSeconds - (nowSeconds % window.windowSeconds);
    const entry = windows.get(window.windowSeconds) ?? { start, limits: [] };
    windows.set(window.windowSeconds, entry);
    if (limit) entry.limits.push({ limit: window.limit, error: limit(Math.max(1, start + window.windowSeconds - nowSeconds)) });
  };
  if (rateLimit) count(rateLimit, proof ? undefined : (after) => new RateLimitedError(after));
  if (roomLimit) count(roomLimit, (after) => new RoomFullError(after));
  const counts: WindowCount[] = [...windows].map(([windowSeconds, { start, limits }]) => ({
    addressHash: addressHash(secrets.current, writer.address, start, windowSeconds),
    windowStart: start,
    windowSeconds,
    limits,
  }));
  return admissionEntries(deps, counts, proof);
};
