import { randomBytes } from 'node:crypto';
import type { Settings } from '../settings';

/**
 * The room secret: it keys the address hashes and signs the ALTCHA challenges
 * (shared/domain/room.ts). It never enters the table.
 *
 * Deployed: a Secrets Manager secret (YIJIAN_ROOM_SECRET_ARN), rotated by infra's rotation
 * function, read with Powertools Parameters (room-secret-store.ts, loaded on the first read) and
 * kept for `secretMaxAgeSeconds`. While a rotation
 * spreads over the warm functions (at most that long), a challenge signed with the new secret may
 * reach a function that still holds the old one, or the reverse: challenges are therefore verified
 * with the current secret and, failing that, the previous one (AWSPREVIOUS). Address hashes made
 * with different secrets differ: for that one window an address may be counted twice over.
 * Locally: YIJIAN_ROOM_SECRET (the local stack keeps one in its data dir). Neither: a random secret
 * of this process (tests; a deployment always has the ARN, an infra test checks it).
 */
export interface RoomSecrets {
  readonly current: string;
  readonly previous?: string;
}

export const secretMaxAgeSeconds = 300;

let cached: { readonly arn: string; readonly until: number; readonly secrets: Promise<RoomSecrets> } | undefined;
let processSecret: string | undefined;

const fetchSecrets = async (arn: string): Promise<RoomSecrets> => (await import('./room-secret-store')).fetchRoomSecrets(arn, secretMaxAgeSeconds);

/** The room secret(s) for these settings; read once per `secretMaxAgeSeconds` deployed. */
export const readRoomSecrets = (settings: Pick<Settings, 'roomSecretArn' | 'roomSecret'>, nowMs = Date.now()): Promise<RoomSecrets> => {
  const arn = settings.roomSecretArn;
  if (arn === undefined) return Promise.resolve({ current: settings.roomSecret ?? (processSecret ??= randomBytes(32).toString('base64url')) });
  if (cached?.arn !== arn || cached.until <= nowMs) {
    const secrets = fetchSecrets(arn);
    cached = { arn, until: nowMs + secretMaxAgeSeconds * 1000, secrets };
    // A failed read is not kept: the next request tries again.
    secrets.catch(() => {
      if (cached?.secrets === secrets) cached = undefined;
    });
  }
  return cached.secrets;
};
