import { GetCommand, PutCommand } from '../aws/dynamodb';
import type { Directory } from '../schemas/directory';
import { dynamo, tableName } from './client';
import { seedLayout } from './counters';
import { directoryKey } from './keys';

/**
 * The directory is one document, read whole: routing, the SLA and the form all need most of it.
 * Cost: 1 strongly consistent read per 4 KB (the demo directory is ~10 KB: 3 RCU). Handlers read
 * it through the short per-process cache of shared/services/directory.ts.
 */
export const getDirectory = async (): Promise<Directory | null> => {
  const { Item } = await dynamo.send(new GetCommand({ TableName: tableName, Key: directoryKey, ConsistentRead: true }));
  return Item ? (Item.document as Directory) : null;
};

/**
 * Replaces the directory in one write (then gives its new units their counter slots).
 * `onlyIfMissing` seeds it without overwriting. Cost: ~10 WCU, plus a small layout write.
 */
export const putDirectory = async (document: Directory, options: { onlyIfMissing?: boolean } = {}): Promise<boolean> => {
  try {
    await dynamo.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...directoryKey, entity: 'directory', document, updatedAt: new Date().toISOString() },
        ...(options.onlyIfMissing ? { ConditionExpression: 'attribute_not_exists(pk)' } : {}),
      }),
    );
  } catch (error) {
    if (options.onlyIfMissing && (error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
  // Every unit of the new directory has its counter slots before anything is counted for it.
  await seedLayout(document);
  return true;
};
