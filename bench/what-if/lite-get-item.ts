/**
 * What-if bundle for the cold-start investigation: the same GetItem as sdk-get-item.ts through
 * the project's own small client (shared/aws/dynamodb.ts) instead of the SDK, configured as the
 * data layer configures its client. Its cold start beside signed-get-item.ts shows what the
 * client's retries, marshalling and error handling cost over a bare hand-signed request.
 */
import { createDynamoClient, GetCommand } from '../../shared/aws/dynamodb';

const client = createDynamoClient({ maxAttempts: 4 });

export const handler = async () => {
  const { Item } = await client.send(
    new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: 'DIRECTORY', sk: 'CURRENT' }, ConsistentRead: true }),
  );
  return { statusCode: Item ? 200 : 500, headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"ok":true}' };
};
