import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Directory } from '../schemas/directory';
import { dynamo, tableName } from './client';
import { initCounters } from './counters';
import { directoryKey } from './keys';

/**
 * The directory is one document, read whole: routing, the SLA and the form all need most of it.
 * Cost: 1 strongly consistent read per 4 KB (the demo directory is ~10 KB: 3 RCU), so a change
 * made by the office routes the very next submission.
 */
export const getDirectory = async (): Promise<Directory | null> => {
  const { Item } = await dynamo.send(new GetCommand({ TableName: tableName, Key: directoryKey, ConsistentRead: true }));
  return Item ? (Item.document as Directory) : null;
};

/**
 * Replaces the directory in one write (then makes sure its counters exist). `onlyIfMissing` seeds
 * it without overwriting. Cost: ~10 WCU, plus the counters' first creation.
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
  // Every counter the new directory implies exists, at full width, before anything is counted in it.
  await initCounters(document);
  return true;
};
