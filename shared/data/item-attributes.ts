import type { DbDeps } from '../deps';
import { batchGetAll, batchGetMaxKeys, queryAll } from './db';
import type { EventRecord, ItemRecord } from './items';
import { eventSk, itemPk, itemSk } from './keys';

/** The stored item's own first event (kept on the item record, shared/data/items.ts). */
export type ItemWithFirstEvent = ItemRecord & { firstEvent?: EventRecord };

/**
 * Attributes of items the list indexes do not project (they hold 96 of the 100 attributes
 * DynamoDB allows per table: shared/data/table-definition.ts), by tracking code, read in batches
 * of 100 (BatchGetItem, eventually consistent, projected to the code and the attributes). Items
 * without any of them are left out of the answer. Cost: per item, its size rounded up to 4 KB,
 * halved (the projection saves bytes on the wire, not read units).
 */
export const getItemAttributes = async <K extends keyof ItemWithFirstEvent>(
  { db }: DbDeps,
  codes: readonly string[],
  attributes: readonly K[],
): Promise<Map<string, Pick<ItemWithFirstEvent, K>>> => {
  const found = new Map<string, Pick<ItemWithFirstEvent, K>>();
  const names = Object.fromEntries(attributes.map((a, i) => [`#a${i}`, a]));
  const read = { ProjectionExpression: ['trackingCode', ...Object.keys(names)].join(', '), ExpressionAttributeNames: names };
  for (let start = 0; start < codes.length; start += batchGetMaxKeys) {
    const keys = codes.slice(start, start + batchGetMaxKeys).map((code) => ({ pk: itemPk(code), sk: itemSk }));
    for (const { trackingCode, ...row } of await batchGetAll(db, keys, read)) if (Object.keys(row).length > 0) found.set(String(trackingCode), row as Pick<ItemWithFirstEvent, K>);
  }
  return found;
};

/** One attribute of items (see getItemAttributes). */
export const getItemAttribute = async <K extends keyof ItemRecord>(deps: DbDeps, codes: readonly string[], attribute: K): Promise<Map<string, ItemRecord[K]>> => {
  const found = new Map<string, ItemRecord[K]>();
  for (const [code, row] of await getItemAttributes(deps, codes, [attribute])) found.set(code, row[attribute]);
  return found;
};

/**
 * The public replies among an item's event rows (not its first event, kept on the item), oldest
 * first: one Query on the item collection from its second event, filtered to public replies and
 * projected to their time and text. Cost: the event rows read (an item's are bounded: replies and
 * follow-ups have limits), eventually consistent.
 */
export const getPublicReplies = async ({ db }: DbDeps, trackingCode: string): Promise<{ at: string; body: string }[]> => {
  const rows = await queryAll(db, {
    TableName: db.tableName,
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :second AND :last',
    FilterExpression: '#reply.#visibility = :public',
    ProjectionExpression: '#at, #reply.#body',
    ExpressionAttributeNames: { '#at': 'at', '#reply': 'reply', '#visibility': 'visibility', '#body': 'body' },
    ExpressionAttributeValues: { ':pk': itemPk(trackingCode), ':second': eventSk(2), ':last': eventSk(999_999), ':public': 'public' },
  });
  return rows.map((row) => ({ at: String(row.at), body: String((row.reply as { body: string }).body) }));
};
