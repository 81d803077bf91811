import { createHash } from 'node:crypto';
import { rateLimitKey } from './keys';
import type { Deps } from '../deps';

/**
 * Public writes per client address: a fixed-window counter item per (hashed address, window),
 * expiring by TTL. The counter is incremented inside the write's own transaction, with a
 * condition that it is still under the limit, so a refused request writes nothing at all and a
 * retried idempotent request that loses its race does not count twice.
 *
 * The limit is Settings.rateLimit (YIJIAN_RATE_LIMIT: `<requests>/<seconds>`, or `off`).
 * The address is hashed together with the window start: the table never holds a raw IP, and a hash
 * is worthless after its window (and gone with the TTL).
 */
export { RateLimitedError } from './errors';

/** The transaction entry that counts this request, or null when limiting is off or the address unknown. */
export const rateLimitEntry = ({ db, settings }: Pick<Deps, 'db' | 'settings'>, sourceIp: string | undefined, now: Date) => {
  const rateLimit = settings.rateLimit;
  if (!rateLimit || !sourceIp) return null;
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const windowStart = nowSeconds - (nowSeconds % rateLimit.windowSeconds);
  const windowEnd = windowStart + rateLimit.windowSeconds;
  const hash = createHash('sha256').update(`yijian-rate\0${windowStart}\0${sourceIp}`).digest('hex').slice(0, 32);
  return {
    retryAfterSeconds: Math.max(1, windowEnd - nowSeconds),
    entry: {
      Update: {
        TableName: db.tableName,
        Key: rateLimitKey(hash, windowStart),
        UpdateExpression: 'ADD #n :one SET expiresAt = :expires',
        ConditionExpression: 'attribute_not_exists(#n) OR #n < :limit',
        ExpressionAttributeNames: { '#n': 'count' },
        ExpressionAttributeValues: { ':one': 1, ':limit': rateLimit.limit, ':expires': windowEnd + 60 },
      },
    },
  };
};
