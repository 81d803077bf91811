import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DbDeps } from '../deps';
import type { Message } from '../notify/templates';
import { queryAll, refusalOf } from './db';
import { keptNoticeKey, keptNoticePartition, notificationKey } from './keys';
import { cancellationCodes } from './items';
import { notificationExpiry } from './notifications';
import { transactWrite } from './transact';

/**
 * Notices the notify worker could not send after its tries, kept in full (the rendered message and
 * its recipients, with the reason) until a redrive sends them or a person discards them; never
 * given up with a stream record. Each is tied to its message's deduplication claim
 * (shared/data/notifications.ts), whose state moves with it in the same transaction:
 *
 *   sending --(send failed)--> failed --(claimed again)--> sending ... --(failed sendAttempts times)--> kept
 *   kept --(redrive: claimNotification from 'kept')--> sending --(sent)--> sent (the kept row deleted)
 *   kept --(discard)--> discarded (the kept row deleted)
 *
 * so a stream record delivered again sends nothing while the notice is kept, and a redrive after
 * a partial success (sent, the answer lost) finds the claim sent and sends nothing twice. The
 * recipients are personal data: they live here only until the notice is sent or discarded, and
 * are never logged. A kept claim has no expiry (TTL) while its notice waits.
 */
export interface KeptNotice {
  readonly dedupKey: string;
  readonly message: Message;
  /** Why the last try failed (an error's name or the sender's short reason, never an address). */
  readonly reason: string;
  readonly keptAt: string;
  readonly attempts: number;
  readonly lastTriedAt: string;
  /** Set by a staff redrive; the notify worker reads the change off the stream and sends. */
  readonly redriveRequestedAt?: string;
}

const claimKey = notificationKey;

/** The update that moves a notice's claim to `state` (settled states expire again, a kept one does not). */
const claimTo = (tableName: string, dedupKey: string, state: 'kept' | 'sent', expiresAt?: number) => ({
  Update: {
    TableName: tableName,
    Key: claimKey(dedupKey),
    UpdateExpression: expiresAt === undefined ? 'SET #state = :state REMOVE claimedAt, expiresAt' : 'SET #state = :state, expiresAt = :expires REMOVE claimedAt',
    ExpressionAttributeNames: { '#state': 'state' },
    ExpressionAttributeValues: { ':state': state, ...(expiresAt === undefined ? {} : { ':expires': expiresAt }) },
  },
});

/**
 * Keeps a message whose sends failed (its claim `failed`): the kept row and the claim's move to
 * `kept` in one transaction (the claim loses its expiry while the notice waits). Cost: one transaction of two writes
 * (the row: about 1 KB per 1 KB of message).
 */
export const keepNotice = async (deps: DbDeps, dedupKey: string, message: Message, reason: string, now: Date): Promise<void> => {
  const at = now.toISOString();
  // A robot's notice keeps its URL (a secret, like the addresses: only until it is sent or discarded) for the redrive.
  const { to, subject, text, webhook, about } = message;
  const notice: KeptNotice = { dedupKey, message: { to: [...to], subject, text, ...(webhook ? { webhook, about } : {}) }, reason, keptAt: at, attempts: 1, lastTriedAt: at };
  await transactWrite(deps, [
    { Put: { TableName: deps.db.tableName, Item: { ...keptNoticeKey(dedupKey), entity: 'kept-notice', ...notice } } },
    claimTo(deps.db.tableName, dedupKey, 'kept'),
  ]);
};

const fromRow = ({ dedupKey, message, reason, keptAt, attempts, lastTriedAt, redriveRequestedAt }: Record<string, unknown>): KeptNotice =>
  ({ dedupKey, message, reason, keptAt, attempts: Number(attempts), lastTriedAt, ...(redriveRequestedAt ? { redriveRequestedAt } : {}) }) as KeptNotice;

/** Every kept notice, by deduplication key. Cost: one Query on one small partition (each entry is an alarm). */
export const listKeptNotices = async ({ db }: DbDeps): Promise<KeptNotice[]> => {
  const rows = await queryAll(db, { TableName: db.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keptNoticePartition }, ConsistentRead: true });
  return rows.map(fromRow);
};

/** The kept notices of one item. Cost: one Query on the kept partition, the item's keys only. */
export const listKeptNoticesOf = async ({ db }: DbDeps, trackingCode: string): Promise<KeptNotice[]> => {
  const rows = await queryAll(db, {
    TableName: db.tableName,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :item)',
    ExpressionAttributeValues: { ':pk': keptNoticePartition, ':item': `${trackingCode}#` },
    ConsistentRead: true,
  });
  return rows.map(fromRow);
};

/** How many notices are kept (the sweeper's gauge for the alarm). Cost: one Query, keys only. */
export const countKeptNotices = async ({ db }: DbDeps): Promise<number> => {
  const rows = await queryAll(db, { TableName: db.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keptNoticePartition }, ProjectionExpression: 'sk' });
  return rows.length;
};

/**
 * Asks for a kept notice to be sent again: marks its row, and the notify worker, which alone may
 * send mail, sends it when the change reaches it. False when no such notice is kept. Cost: 1 write.
 */
export const requestRedrive = async ({ db }: DbDeps, dedupKey: string, now: Date): Promise<boolean> => {
  const refused = await refusalOf(
    db.client.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: keptNoticeKey(dedupKey),
        UpdateExpression: 'SET redriveRequestedAt = :at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': now.toISOString() },
      }),
    ),
  );
  return !refused;
};

/** A redrive sent the notice: the claim `sent` (expiring as any other) and the kept row gone, at once. */
export const settleSentNotice = async (deps: DbDeps, dedupKey: string, now: Date): Promise<void> => {
  await transactWrite(deps, [
    claimTo(deps.db.tableName, dedupKey, 'sent', notificationExpiry(now)),
    { Delete: { TableName: deps.db.tableName, Key: keptNoticeKey(dedupKey) } },
  ]);
};

/** A redrive failed again: the claim back to `kept`, the row with the new reason and no pending request. */
export const keepAgain = async (deps: DbDeps, dedupKey: string, reason: string, now: Date): Promise<void> => {
  await transactWrite(deps, [
    claimTo(deps.db.tableName, dedupKey, 'kept'),
    {
      Update: {
        TableName: deps.db.tableName,
        Key: keptNoticeKey(dedupKey),
        UpdateExpression: 'SET reason = :reason, lastTriedAt = :at, attempts = attempts + :one REMOVE redriveRequestedAt',
        ExpressionAttributeValues: { ':reason': reason, ':at': now.toISOString(), ':one': 1 },
      },
    },
  ]);
};

/** The kept row of a notice whose claim is already settled (sent or discarded elsewhere). Cost: 1 write. */
export const forgetKeptNotice = async ({ db }: DbDeps, dedupKey: string): Promise<void> => {
  await db.client.send(new DeleteCommand({ TableName: db.tableName, Key: keptNoticeKey(dedupKey) }));
};

/**
 * A person discards a kept notice: the row (and its recipients) deleted, the claim `discarded`
 * (expiring as any other) so that nothing sends it later. 'missing': no such notice is kept;
 * 'busy': a redrive is sending it right now. Cost: one transaction of two writes.
 */
export const discardKeptNotice = async (deps: DbDeps, dedupKey: string, now: Date): Promise<'discarded' | 'missing' | 'busy'> => {
  try {
    await transactWrite(deps, [
      { Delete: { TableName: deps.db.tableName, Key: keptNoticeKey(dedupKey), ConditionExpression: 'attribute_exists(pk)' } },
      {
        Update: {
          TableName: deps.db.tableName,
          Key: claimKey(dedupKey),
          UpdateExpression: 'SET #state = :discarded, expiresAt = :expires',
          ConditionExpression: 'attribute_not_exists(pk) OR #state = :kept',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':discarded': 'discarded', ':kept': 'kept', ':expires': notificationExpiry(now) },
        },
      },
    ]);
    return 'discarded';
  } catch (error) {
    const codes = cancellationCodes(error);
    if (codes?.[0] === 'ConditionalCheckFailed') return 'missing';
    if (codes?.[1] === 'ConditionalCheckFailed') return 'busy';
    throw error;
  }
};
