import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type * as z from 'zod/mini';
import { putParkedRecord } from '../data/parked-records';
import { logger } from '../observability/logger';
import { countMetric } from '../observability/metrics';
import type { DbDeps } from '../deps';

/**
 * What the stream workers (notify, tally) share about a change-stream record: reading its images,
 * telling a record they can never handle from one that failed for now, and setting the former
 * aside. A poison record fails the same way at every delivery (its image does not parse): retried,
 * it would stop its worker for good (the tally retries without end) or hold back the records behind
 * it. It is parked instead: kept in the table with its reason, logged, counted in the
 * `parkedRecords` metric that raises the alarm, and the worker goes on. Anything else that fails
 * (DynamoDB busy, a send refused) is thrown and retried as before.
 */
export class PoisonRecord extends Error {
  override readonly name = 'PoisonRecord';
  constructor(readonly reason: string) {
    super(reason);
  }
}

/**
 * A stream image as a plain object. Each attribute is converted on its own and one that does not
 * convert is left out: DynamoDB Local 3.x writes an empty map or list into stream images without
 * its type (`{}` instead of `{"M":{}}`, awslabs/amazon-dynamodb-local-samples#37), which made
 * `unmarshall` throw on the whole image. The workers then check the attributes they read.
 */
export const readStreamImage = (value: unknown): Record<string, unknown> | null => {
  if (!value) return null;
  const out: Record<string, unknown> = {};
  for (const [name, attribute] of Object.entries(value as Record<string, AttributeValue>)) {
    try {
      Object.assign(out, unmarshall({ [name]: attribute }));
    } catch {
      // Left out: no worker reads an attribute it cannot decode (a missing one it needs fails its parse).
    }
  }
  return out;
};

/**
 * `image` as `shape` describes it, or a PoisonRecord naming where it failed. The reason holds the
 * image's name, the paths and the issue codes only: never a value (it could be contact details).
 */
export const parseImage = <T extends z.core.$ZodType>(shape: T, image: Record<string, unknown>, which: 'NewImage' | 'OldImage'): z.infer<T> => {
  const result = (shape as unknown as z.ZodMiniType).safeParse(image);
  if (result.success) return result.data as z.infer<T>;
  const issues = result.error.issues.map((issue) => `${issue.path.join('.') || '(image)'}: ${issue.code}`);
  throw new PoisonRecord(`${which} does not parse (${issues.join(', ')})`);
};

/**
 * Sets `record` aside for `worker` with `reason`, once: a redelivered record finds its entry and
 * is neither stored, logged nor counted again. Throws when the table does not answer (the batch is
 * then retried, as for any transient failure).
 */
export const parkPoisonRecord = async (deps: DbDeps, worker: string, record: DynamoDBRecord, reason: string, now: Date): Promise<'parked' | 'already'> => {
  const keys = record.dynamodb?.Keys ? (readStreamImage(record.dynamodb.Keys) ?? {}) : {};
  const entry = {
    worker,
    eventId: record.eventID ?? `seq-${record.dynamodb?.SequenceNumber ?? 'unknown'}`,
    ...(record.eventName ? { eventName: record.eventName } : {}),
    ...(record.dynamodb?.SequenceNumber ? { sequenceNumber: record.dynamodb.SequenceNumber } : {}),
    keys,
    reason,
    parkedAt: now.toISOString(),
  };
  const outcome = await putParkedRecord(deps, entry);
  if (outcome === 'parked') {
    // Keys, ids and the reason only (the keys name a row: a tracking code at most, never contact details).
    logger.error('stream record parked', { worker, eventId: entry.eventId, sequenceNumber: entry.sequenceNumber, keys, reason });
    countMetric('parkedRecords');
  }
  return outcome;
};
