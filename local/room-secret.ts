import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The local stack's room secret (shared/services/room-secret.ts): deployed it is a Secrets
 * Manager secret; locally a random one, kept in the data dir so that counters and challenges
 * survive a restart, or only in memory (YIJIAN_IN_MEMORY, tests). Never in the table.
 */
export const loadOrCreateRoomSecret = (file?: string): string => {
  if (file && existsSync(file)) {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept.length >= 32) return kept;
  }
  const secret = randomBytes(32).toString('base64url');
  if (file) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, secret, { mode: 0o600 });
  }
  return secret;
};
