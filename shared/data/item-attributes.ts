import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { DbDeps } from '../deps';
import { UnprocessedKeysError } from './errors';
import type { ItemRecord } from './items';
import { itemPk, itemSk } from './keys';
import { unprocessedKeys, withRetry } from './retry';

/** BatchGetItem takes at most 100 keys. */
const batchSize = 100;

/**
 * One attribute of items the list indexes do not project (they hold 96 of the 100 attributes
 * DynamoDB allows per table: shared/data/table-definition.ts), by tracking code, read in batches
 * of 100 (BatchGetItem, eventually consistent, projected to the code and the attribute). Items
 * without it are left out of the answer. Cost: per item, its size rounded up to 4 KB, halved.
 */
export const getItemAttribute = async <K extends keyof ItemRecord>({ db }: DbDeps, codes: readonly string[], attribute: K): Promise<Map<string, ItemRecord[K]>> => {
  const found = new Map<string, ItemRecord[K]>();
  for (let start = 0; start < codes.length; start += batchSize) {
    let keys: Record<string, unknown>[] = codes.slice(start, start + batchSize).map((code) => ({ pk: itemPk(code), sk: itemSk }));
    await withRetry(unprocessedKeys, async () => {
      const { Responses, UnprocessedKeys } = await db.client.send(
        new BatchGetCommand({
          RequestItems: { [db.tableName]: { Keys: keys, ProjectionExpression: 'trackingCode, #a', ExpressionAttributeNames: { '#a': attribute } } },
        }),
      );
      for (const row of Responses?.[db.tableName] ?? []) if (row[attribute] !== undefined) found.set(String(row.trackingCode), row[attribute] as ItemRecord[K]);
      keys = (UnprocessedKeys?.[db.tableName]?.Keys ?? []) as Record<string, unknown>[];
      if (keys.length > 0) throw new UnprocessedKeysError(keys.length);
    });
  }
  return found;
};
