import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { commitBarrierKey } from '../shared/data/keys';
import { intercept } from '../shared/data/middleware';

/**
 * After every TransactWriteItems the client sends (its SDK retries over), one GetItem through the
 * same client: DynamoDB Local answers it only once the transaction's queued commit is on disk
 * (local/stack.ts says why). Returns a function that removes the barrier.
 */
export const addCommitBarrier = (client: DynamoDBDocumentClient, tableName: string): (() => void) =>
  intercept(
    client,
    async (operation, input, next) => {
      const output = await next(input);
      if (operation === 'TransactWriteItems') await client.send(new GetCommand({ TableName: tableName, Key: commitBarrierKey }));
      return output;
    },
    'yijianCommitBarrier',
  );
