/**
 * What-if bundle for the cold-start investigation: the bare handler plus what every data-bound
 * function needs first — the deps a handler builds at its cold start (shared/deps.ts: the
 * settings and the AWS SDK document client, bundled as deployed) and one consistent GetItem (the directory). Its cold start
 * minus the bare one is the SDK's share; no function can start faster than this.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { directoryKey } from '../../shared/data/keys';
import { processDeps } from '../../shared/deps';

const { db } = processDeps();

export const handler = async () => {
  const { Item } = await db.client.send(new GetCommand({ TableName: db.tableName, Key: directoryKey, ConsistentRead: true }));
  return { statusCode: Item ? 200 : 500, headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"ok":true}' };
};
