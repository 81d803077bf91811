/**
 * The second baseline of the cold-start proxy, the floor this design can reach: the bare handler
 * plus what every data-bound function needs first — its deps (settings read once, the data layer's
 * DynamoDB document client: the AWS SDK, bundled as deployed) and one consistent GetItem (the
 * directory). A function's cold start over this one is the cost of its own code.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { directoryKey } from '../shared/data/keys';
import { processDeps } from '../shared/deps';

// At module load, as every function's handler takes its deps (the client itself is made on first use).
const { db } = processDeps();

export const handler = async () => {
  const { Item } = await db.client.send(new GetCommand({ TableName: db.tableName, Key: directoryKey, ConsistentRead: true }));
  return { statusCode: Item ? 200 : 500, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }, body: '{"ok":true}' };
};
