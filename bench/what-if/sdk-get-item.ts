/**
 * What-if bundle for the cold-start investigation: the bare handler plus what every data-bound
 * function needs first — the data layer's own DynamoDB client (shared/data/client.ts: the AWS SDK
 * document client, bundled as deployed) and one consistent GetItem (the directory). Its cold start
 * minus the bare one is the SDK's share; no function can start faster than this.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, tableName } from '../../shared/data/client';
import { directoryKey } from '../../shared/data/keys';

export const handler = async () => {
  const { Item } = await dynamo.send(new GetCommand({ TableName: tableName, Key: directoryKey, ConsistentRead: true }));
  return { statusCode: Item ? 200 : 500, headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"ok":true}' };
};
