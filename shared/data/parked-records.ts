import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DbDeps } from '../deps';
import { queryAll, refusalOf } from './db';
import { parkedRecordKey, parkedRecordPartition } from './keys';

/**
 * Change-stream records a worker could not handle (an image whose shape does not parse), kept
 * aside with the reason until a person looks at them: the worker goes on with the records behind
 * it instead of failing on this one forever. Small on purpose: the record's keys, eventID and
 * sequence number say where the change is (the item is in the table); no image, so no contact
 * details are copied here.
 */
export interface ParkedRecord {
  readonly worker: string;
  readonly eventId: string;
  readonly eventName?: string;
  readonly sequenceNumber?: string;
  /** The changed row's key (pk, sk) as the stream record gives it. */
  readonly keys: Record<string, unknown>;
  readonly reason: string;
  readonly parkedAt: string;
}

/**
 * Keeps `record` aside once: 'parked' when this call stored it, 'already' when an earlier delivery
 * of the same record did (the put is conditional on the key, worker and eventID, being new).
 * Cost: one conditional PutItem (< 1 KB, 1 WCU).
 */
export const putParkedRecord = async ({ db }: DbDeps, record: ParkedRecord): Promise<'parked' | 'already'> => {
  const refused = await refusalOf(
    db.client.send(
      new PutCommand({
        TableName: db.tableName,
        Item: { ...parkedRecordKey(record.worker, record.eventId), entity: 'parked-record', ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );
  return refused ? 'already' : 'parked';
};

/** Every parked record, oldest key first. Cost: one Query on one small partition (each entry is an alarm). */
export const listParkedRecords = async ({ db }: DbDeps): Promise<ParkedRecord[]> => {
  const rows = await queryAll(db, { TableName: db.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': parkedRecordPartition } });
  return rows.map(({ worker, eventId, eventName, sequenceNumber, keys, reason, parkedAt }) => ({ worker, eventId, eventName, sequenceNumber, keys, reason, parkedAt }) as ParkedRecord);
};
