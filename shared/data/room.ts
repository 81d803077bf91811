import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { DomainError } from '../domain/errors';
import type { DbDeps } from '../deps';
import { rateLimitKey, usedProofKey } from './keys';

/**
 * The room's writes: per (hashed address, window) a counter item, and per spent proof of work a
 * record of it, both expiring by TTL. They are entries of the public write's own transaction, each
 * with its condition (the counter under its limit, the proof not yet recorded), so a refused write
 * stores nothing, a proof can be spent only once even by two racing requests, and a write that
 * fails for another reason spends neither allowance nor proof. The rules that choose the counters
 * and limits are shared/services/room.ts's.
 */

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** One cancellation reason of a transaction, as the SDK reports it (`Item`: the old item, when asked for). */
export interface CancellationReason {
  readonly Code?: string;
  readonly Item?: Record<string, unknown>;
}

/** One counter a write adds to: the address's hash for the window, and the limits that refuse it. */
export interface WindowCount {
  readonly addressHash: string;
  readonly windowStart: number;
  readonly windowSeconds: number;
  /** The write is refused with `error` when the count has reached `limit`; the lowest limit is the condition. */
  readonly limits: readonly { readonly limit: number; readonly error: DomainError }[];
}

/** What a public write adds to its transaction, and how to read a refusal of it. */
export interface Admission {
  readonly entries: TransactItem[];
  /**
   * The domain error for the reasons of this admission's entries (the cancellation reasons from
   * the offset where its entries start), or null when none of them failed.
   */
  refusal(reasons: readonly CancellationReason[]): DomainError | null;
}

/** An admission that adds nothing (no address to count, no proof): the write is its own. */
export const noAdmission: Admission = { entries: [], refusal: () => null };

const counterEntry = ({ db }: DbDeps, count: WindowCount): TransactItem => {
  const conditioned = count.limits.length > 0;
  const lowest = Math.min(...count.limits.map((l) => l.limit));
  return {
    Update: {
      TableName: db.tableName,
      Key: rateLimitKey(count.addressHash, count.windowStart),
      UpdateExpression: 'ADD #n :one SET expiresAt = :expires',
      ExpressionAttributeNames: { '#n': 'count' },
      ExpressionAttributeValues: { ':one': 1, ':expires': count.windowStart + count.windowSeconds + 60, ...(conditioned ? { ':limit': lowest } : {}) },
      ...(conditioned
        ? {
            ConditionExpression: 'attribute_not_exists(#n) OR #n < :limit',
            // The count it stood at tells which limit refused the write (the allowance or the room's).
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
          }
        : {}),
    },
  };
};

/** The error of the highest limit the count has reached (the lowest one when the count is not reported). */
const refusalOf = (count: WindowCount, reason: CancellationReason): DomainError => {
  const sorted = [...count.limits].sort((a, b) => a.limit - b.limit);
  // The document client does not unmarshall a cancellation's items: the count is an AttributeValue.
  const stored = reason.Item?.count as { N?: string } | number | undefined;
  const reached = Number(typeof stored === 'object' ? stored.N : stored);
  const hit = Number.isFinite(reached) ? sorted.filter((l) => reached >= l.limit).pop() : undefined;
  return (hit ?? sorted[0]!).error;
};

/**
 * The entries of one public write: its counters and, with a proof, the proof's record (keyed by
 * its challenge's signature, kept until the challenge has expired). Cost: per entry a small
 * transactional write (2 WCU).
 */
export const admissionEntries = (
  deps: DbDeps,
  counts: readonly WindowCount[],
  proof?: { readonly id: string; readonly expiresAt: number; readonly usedError: DomainError },
): Admission => {
  const entries = counts.map((count) => counterEntry(deps, count));
  if (proof) {
    entries.push({
      Put: {
        TableName: deps.db.tableName,
        Item: { ...usedProofKey(proof.id), entity: 'proof', expiresAt: proof.expiresAt },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  }
  return {
    entries,
    refusal: (reasons) => {
      // A spent proof is told first: a new proof may pass where this one cannot.
      if (proof && reasons[counts.length]?.Code === 'ConditionalCheckFailed') return proof.usedError;
      const index = counts.findIndex((_, i) => reasons[i]?.Code === 'ConditionalCheckFailed');
      return index < 0 ? null : refusalOf(counts[index]!, reasons[index]!);
    },
  };
};

/**
 * Two sets of entries in one transaction, in order (a public write's room entries beside the
 * claims of the uploads it attaches: shared/data/uploads.ts), each reading its own reasons.
 */
export const joinAdmissions = (first: Admission, second: Admission): Admission => ({
  entries: [...first.entries, ...second.entries],
  refusal: (reasons) => first.refusal(reasons.slice(0, first.entries.length)) ?? second.refusal(reasons.slice(first.entries.length)),
});
