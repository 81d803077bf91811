import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { notificationKey as key } from './keys';
import type { DbDeps } from '../deps';

/**
 * Deduplication of notifications: a message is claimed under its key (item, event, version) with a
 * conditional write before it is sent and marked sent after. A retried batch finds the claim and
 * sends nothing twice. A claim whose sender died mid-send is taken over after its lease (longer
 * than a send can take: the SES client gives up after `sesRequestTimeoutMs`, shared/notify/mailer.ts), so a crash can delay a message but
 * never lose it: an attempt that finds a live claim waits the lease out and takes it over.
 * Records expire after `notificationRecordDays`.
 * Cost: 1 conditional write to claim, 1 write to mark sent (plus 1 delete if the send fails).
 */
export const leaseMs = 20_000;

/** Long past any redelivery of the stream record that asked for the message (the stream keeps 24 h). */
const notificationRecordDays = 14;

export type Claim = { state: 'claimed' } | { state: 'sent' } | { state: 'busy'; retryInMs: number };

export const claimNotification = async ({ db }: DbDeps, dedupKey: string, now: Date): Promise<Claim> => {
  try {
    await db.client.send(
      new PutCommand({
        TableName: db.tableName,
        Item: { ...key(dedupKey), entity: 'notification', state: 'sending', claimedAt: now.getTime(), expiresAt: Math.floor(now.getTime() / 1000) + notificationRecordDays * 86_400 },
        ConditionExpression: 'attribute_not_exists(pk) OR (#state = :sending AND claimedAt < :stale)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':sending': 'sending', ':stale': now.getTime() - leaseMs },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { state: 'claimed' };
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    // The SDK hands back the old item in DynamoDB's own format, not the document client's.
    const old = (error as { Item?: { state?: { S?: string } | string; claimedAt?: { N?: string } | number } }).Item;
    const state = typeof old?.state === 'string' ? old.state : old?.state?.S;
    if (state === 'sent') return { state: 'sent' };
    const claimedAt = Number(typeof old?.claimedAt === 'object' ? old.claimedAt?.N : old?.claimedAt) || now.getTime();
    return { state: 'busy', retryInMs: Math.max(0, claimedAt + leaseMs - now.getTime()) + 50 };
  }
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

/** Gives a claim back after a failed send, so the retry sends it. */
export const releaseNotification = async ({ db }: DbDeps, dedupKey: string) => {
  await db.client.send(new DeleteCommand({ TableName: db.tableName, Key: key(dedupKey) }));
};
