/**
 * What-if bundle for the cold-start investigation: the bare handler plus what every data-bound
 * function needs first — the AWS SDK v3 document client (external, as deployed) and one
 * consistent GetItem (the directory). Its cold start minus the bare one is the SDK's share.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

const endpoint = process.env.DYNAMODB_ENDPOINT || undefined;
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ ...(endpoint ? { endpoint } : {}), maxAttempts: 4 }));

export const handler = async () => {
  const { Item } = await client.send(
    new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: 'DIRECTORY', sk: 'CURRENT' }, ConsistentRead: true }),
  );
  return { statusCode: Item ? 200 : 500, headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"ok":true}' };
};
