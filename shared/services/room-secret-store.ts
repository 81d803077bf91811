import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { roomSecretMinLength } from '../settings';
import type { RoomSecrets } from './room-secret';

/**
 * The deployed room secret's reads, with Powertools Parameters (see room-secret.ts). A module of
 * its own, loaded on the first read: its Secrets Manager client is built then, beside the request's
 * first table read, and never where the secret comes from the environment (locally).
 */
const current = new SecretsProvider();
// A provider of its own: Powertools caches by secret name, whatever version stage was asked for.
const previous = new SecretsProvider();

export const fetchRoomSecrets = async (arn: string, maxAge: number): Promise<RoomSecrets> => {
  const [now, before] = await Promise.all([
    current.get(arn, { maxAge }),
    // Before the first rotation there is no previous version: that is not an error.
    previous.get(arn, { maxAge, sdkOptions: { VersionStage: 'AWSPREVIOUS' } }).catch(() => undefined),
  ]);
  if (typeof now !== 'string' || now.length < roomSecretMinLength) throw new Error('the room secret is missing or too short');
  return { current: now, ...(typeof before === 'string' && before.length >= roomSecretMinLength ? { previous: before } : {}) };
};
