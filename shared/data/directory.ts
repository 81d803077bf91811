import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Directory } from '../schemas/directory';
import { seedLayout, type LayoutRead } from './counters';
import { batchGetAll, refusalOf } from './db';
import { counterLayoutKey, directoryKey } from './keys';
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

const isKey = (row: Record<string, unknown>, key: { pk: string; sk: string }) => row.pk === key.pk && row.sk === key.sk;

/**
 * What the office's PUT reads before it writes, in one strongly consistent BatchGetItem instead
 * of two reads one after the other: the stored directory with the time it was stored, and the
 * counters' layout, which its units get their slots in first (seedLayout). Measured on a cold
 * start of PUT /api/admin/directory with the cache off, paired: 0.01 to 0.06 of the floor less.
 * Cost: the two items' read units, as two GetItems.
 */
export const getDirectoryAndLayout = async ({ db }: DbDeps): Promise<{ stored: { document: Directory; updatedAt: string } | null; layout: LayoutRead }> => {
  const rows = await batchGetAll(db, [directoryKey, counterLayoutKey], { ConsistentRead: true });
  const directory = rows.find((row) => isKey(row, directoryKey));
  const layout = rows.find((row) => isKey(row, counterLayoutKey));
  return {
    stored: directory ? { document: directory.document as Directory, updatedAt: String(directory.updatedAt) } : null,
    layout: layout ? { item: layout } : {},
  };
};

/**
 * Replaces the directory in one write, its new units given their counter slots first (so nothing
 * can be counted for a unit without slots, and a failure leaves the old directory in place: the
 * extra slots stay zero). `onlyIfMissing` seeds it without overwriting (and then gives the slots).
 * Cost: ~10 WCU, plus a small layout read (and write when units were added).
 */
export const putDirectory = async ({ db }: DbDeps, document: Directory, options: { onlyIfMissing?: boolean; layout?: LayoutRead } = {}): Promise<boolean> => {
  if (!options.onlyIfMissing) await seedLayout({ db }, document, options.layout);
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
