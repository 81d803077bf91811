import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Directory } from '../schemas/directory';
import { seedLayout } from './counters';
import { refusalOf } from './db';
import { directoryKey } from './keys';
import type { DbDeps } from '../deps';

/**
 * The directory is one document, read whole: routing, the SLA and the form all need most of it.
 * Cost: 1 strongly consistent read per 4 KB (the demo directory is ~10 KB: 3 RCU). Handlers read
 * it through the short per-process cache of shared/services/directory.ts.
 */
export const getDirectory = async ({ db }: DbDeps): Promise<Directory | null> => {
  const { Item } = await db.client.send(new GetCommand({ TableName: db.tableName, Key: directoryKey, ConsistentRead: true }));
  return Item ? (Item.document as Directory) : null;
};

/** The stored directory with the time it was stored (the office's PUT needs both). */
export const getDirectoryRecord = async ({ db }: DbDeps): Promise<{ document: Directory; updatedAt: string } | null> => {
  const { Item } = await db.client.send(new GetCommand({ TableName: db.tableName, Key: directoryKey, ConsistentRead: true }));
  return Item ? { document: Item.document as Directory, updatedAt: String(Item.updatedAt) } : null;
};

/**
 * Replaces the directory in one write, its new units given their counter slots first (so nothing
 * can be counted for a unit without slots, and a failure leaves the old directory in place: the
 * extra slots stay zero). `onlyIfMissing` seeds it without overwriting (and then gives the slots).
 * Cost: ~10 WCU, plus a small layout read (and write when units were added).
 */
export const putDirectory = async ({ db }: DbDeps, document: Directory, options: { onlyIfMissing?: boolean } = {}): Promise<boolean> => {
  if (!options.onlyIfMissing) await seedLayout({ db }, document);
  // Only `onlyIfMissing` sets a condition, so only it can be refused.
  const refused = await refusalOf(
    db.client.send(
      new PutCommand({
        TableName: db.tableName,
        Item: { ...directoryKey, entity: 'directory', document, updatedAt: new Date().toISOString() },
        ...(options.onlyIfMissing ? { ConditionExpression: 'attribute_not_exists(pk)' } : {}),
      }),
    ),
  );
  if (refused) return false;
  if (options.onlyIfMissing) await seedLayout({ db }, document);
  return true;
};
