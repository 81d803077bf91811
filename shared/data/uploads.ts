import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DbDeps } from '../deps';
import { InvalidInputError } from '../domain/errors';
import { uploadKey } from './keys';
import { cancellationReasons } from './items';
import { noAdmission, type Admission } from './room';
import { transactWrite } from './transact';

/**
 * Pending uploads: what `POST /api/attachments` handed out and nobody has attached yet. The record
 * holds what was declared (name, type, size), so the attaching write checks the stored object
 * against the server's copy of the declaration, not the client's. The write that attaches an id
 * deletes its record in the same transaction, on the condition that it is still there: an id
 * attaches once, even when two writes race for it.
 */
export interface PendingUpload {
  readonly idHash: string;
  readonly fileName: string;
  readonly contentType: string;
  readonly size: number;
  readonly createdAt: string;
  /** Epoch seconds (the table's TTL attribute): `uploadLifetimeSeconds` after it was handed out (shared/services/attachments.ts). */
  readonly expiresAt: number;
}

/**
 * Stores a pending upload, with a public write's room entries (counters, spent proof) when there
 * are any. Cost: one PutItem (1 WCU); with the room's entries a transaction (2 WCU per entry).
 */
export const putPendingUpload = async ({ db }: DbDeps, upload: PendingUpload, admission: Admission = noAdmission): Promise<void> => {
  const { idHash, ...attributes } = upload;
  const put = { TableName: db.tableName, Item: { ...uploadKey(idHash), entity: 'upload', ...attributes }, ConditionExpression: 'attribute_not_exists(pk)' };
  if (admission.entries.length === 0) {
    await db.client.send(new PutCommand(put));
    return;
  }
  try {
    await transactWrite({ db }, [{ Put: put }, ...admission.entries]);
  } catch (error) {
    const reasons = cancellationReasons(error);
    const refusal = reasons && admission.refusal(reasons.slice(1));
    throw refusal ?? error;
  }
};

/** A pending upload that has not expired, or null. Cost: 1 strongly consistent read (≤ 1 KB). */
export const getPendingUpload = async ({ db }: DbDeps, idHash: string, nowSeconds: number): Promise<PendingUpload | null> => {
  const { Item } = await db.client.send(new GetCommand({ TableName: db.tableName, Key: uploadKey(idHash), ConsistentRead: true }));
  if (!Item || Number(Item.expiresAt) <= nowSeconds) return null;
  return {
    idHash,
    fileName: String(Item.fileName),
    contentType: String(Item.contentType),
    size: Number(Item.size),
    createdAt: String(Item.createdAt),
    expiresAt: Number(Item.expiresAt),
  };
};

/**
 * The entries that spend pending uploads in the attaching write's transaction: each deleted on the
 * condition that it is still there and unexpired. A failed condition is the field's 400 (the id
 * was attached meanwhile, or expired). Cost: per upload a transactional delete (2 WCU).
 */
export const uploadClaims = ({ db }: DbDeps, claims: readonly { idHash: string; path: string }[], nowSeconds: number): Admission => ({
  entries: claims.map(({ idHash }) => ({
    Delete: {
      TableName: db.tableName,
      Key: uploadKey(idHash),
      ConditionExpression: 'attribute_exists(pk) AND expiresAt > :now',
      ExpressionAttributeValues: { ':now': nowSeconds },
    },
  })),
  refusal: (reasons) => {
    const spent = claims.filter((_, i) => reasons[i]?.Code === 'ConditionalCheckFailed');
    return spent.length === 0 ? null : new UploadClaimedError(spent.map(({ path }) => ({ path, message: unknownUploadMessage })));
  },
});

/** Another write attached the upload first (or it expired meanwhile): a 400 like any unknown id. */
export class UploadClaimedError extends InvalidInputError {}

/** An id never handed out, attached already, or past its `expiresAt`: the same answer. */
export const unknownUploadMessage = 'No such upload: it was never made, is attached already, or has expired.';
