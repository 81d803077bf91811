import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { notificationKey as key } from './keys';
import type { DbDeps } from '../deps';
import { refusalOf } from './db';
import type { ConditionRefusal } from './errors';

/**
 * Deduplication of notifications: a message is claimed under its key (item, event, version) with a
 * conditional write before it is sent and marked sent after. A retried batch finds the claim and
 * sends nothing twice. A claim whose sender died mid-send is taken over after its lease (longer
 * than a send can take: the SES client gives up after `sesRequestTimeoutMs`, shared/notify/mailer.ts), so a crash can delay a message but
 * never lose it: an attempt that finds a live claim waits the lease out and takes it over.
 * A send that fails leaves the claim `failed` with the count of failed sends, for the next
 * delivery of the record to claim again; after `streamWorker.sendAttempts` of them the message is
 * kept in full (`kept`, shared/data/kept-notices.ts) instead of tried again.
 * Records expire after `notificationRecordDays` (a kept one only once it is settled).
 * Cost: 1 conditional write to claim, 1 write to mark sent (or to count a failed send).
 */
export const leaseMs = 20_000;

/** Long past any redelivery of the stream record that asked for the message (the stream keeps it `streamRetentionHours`). */
export const notificationRecordDays = 14;

/**
 * `kept`: the message could not be sent and is kept in full (shared/data/kept-notices.ts) until a
 * redrive sends it or a person discards it (`discarded`): a stream record delivered again sends
 * neither.
 */
export type Claim = { state: 'claimed' } | { state: 'sent' } | { state: 'kept' } | { state: 'discarded' } | { state: 'busy'; retryInMs: number };

/** When a settled claim expires (TTL, epoch seconds). */
export const notificationExpiry = (now: Date) => Math.floor(now.getTime() / 1000) + notificationRecordDays * 86_400;

/** The state of a claim that failed its condition, from the old item the SDK hands back. */
const claimRefusal = (refusal: ConditionRefusal, now: Date): Exclude<Claim, { state: 'claimed' }> => {
  // The SDK hands back the old item in DynamoDB's own format, not the document client's.
  const old = (refusal as { Item?: { state?: { S?: string } | string; claimedAt?: { N?: string } | number } }).Item;
  const state = typeof old?.state === 'string' ? old.state : old?.state?.S;
  if (state === 'sent' || state === 'kept' || state === 'discarded') return { state };
  const claimedAt = Number(typeof old?.claimedAt === 'object' ? old.claimedAt?.N : old?.claimedAt) || now.getTime();
  return { state: 'busy', retryInMs: Math.max(0, claimedAt + leaseMs - now.getTime()) + 50 };
};

/**
 * Claims a message for sending: a new one, one whose last send failed (`from: 'failed'`, the
 * notify worker) or a kept one (`from: 'kept'`, a redrive), or one whose sender's lease is over.
 * An update, not a put: the count of failed sends stays on the claim.
 */
export const claimNotification = async ({ db }: DbDeps, dedupKey: string, now: Date, from: 'failed' | 'kept' = 'failed'): Promise<Claim> => {
  const refused = await refusalOf(
    db.client.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: key(dedupKey),
        UpdateExpression: 'SET entity = :entity, #state = :sending, claimedAt = :now, expiresAt = :expires',
        ConditionExpression: 'attribute_not_exists(pk) OR #state = :from OR (#state = :sending AND claimedAt < :stale)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':entity': 'notification',
          ':sending': 'sending',
          ':from': from,
          ':now': now.getTime(),
          ':stale': now.getTime() - leaseMs,
          ':expires': notificationExpiry(now),
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    ),
  );
  return refused ? claimRefusal(refused, now) : { state: 'claimed' };
};

export const markNotificationSent = async ({ db }: DbDeps, dedupKey: string) => {
  await db.client.send(
    new UpdateCommand({
      TableName: db.tableName,
      Key: key(dedupKey),
      UpdateExpression: 'SET #state = :sent',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':sent': 'sent' },
    }),
  );
};

/**
 * Gives a claim back after a failed send, counting it: the next delivery of the stream record
 * claims it again. Returns how many sends of this message have failed so far.
 */
export const countFailedSend = async ({ db }: DbDeps, dedupKey: string): Promise<number> => {
  const { Attributes } = await db.client.send(
    new UpdateCommand({
      TableName: db.tableName,
      Key: key(dedupKey),
      UpdateExpression: 'SET #state = :failed, failures = if_not_exists(failures, :zero) + :one REMOVE claimedAt',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':failed': 'failed', ':zero': 0, ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(Attributes?.failures ?? 1);
};
