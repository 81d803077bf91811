import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { counterPartition } from '../../shared/data/keys';
import { attributeSize } from './item-size';

/**
 * Reads that check a table from outside the handlers, for the tests and the bench. The data layer
 * is imported when first used: it reads its table and endpoint from the environment at module
 * load, which a test file sets first.
 */
const dataClient = async () => {
  const [{ processDeps }, { queryAll }] = await Promise.all([import('../../shared/deps'), import('../../shared/data/db')]);
  const { db } = processDeps();
  return { dynamo: db.client, tableName: db.tableName, queryAll: (input: Parameters<typeof queryAll>[1]) => queryAll(db, input) };
};

/** How many items a Query matches, every page (Select COUNT: nothing but the count comes back). */
export const countQuery = async (input: Omit<QueryCommandInput, 'Select' | 'ExclusiveStartKey'>): Promise<number> => {
  const { dynamo } = await dataClient();
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(new QueryCommand({ ...input, Select: 'COUNT', ExclusiveStartKey: start }));
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
};

/**
 * What the dashboard's counter Query reads: the counter items,
 * their attributes (zeros included) and their size as DynamoDB counts it (names + values).
 * Estimated units are a consistent Query's: one per 4 KB of all the items read, rounded up.
 */
export const counterShape = async () => {
  const { queryAll, tableName } = await dataClient();
  const rows = await queryAll({
    TableName: tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': counterPartition },
    ConsistentRead: true,
  });
  let attributes = 0;
  let zeros = 0;
  let bytes = 0;
  const byPrefix: Record<string, number> = {};
  for (const row of rows) {
    for (const [name, value] of Object.entries(row)) {
      bytes += attributeSize(name, value);
      if (name === 'pk' || name === 'sk') continue;
      attributes++;
      if (value === 0) zeros++;
      const prefix = name.split(':')[0];
      byPrefix[prefix] = (byPrefix[prefix] ?? 0) + 1;
    }
  }
  const kib = (n: number) => Math.round((n / 1024) * 10) / 10;
  return {
    items: rows.length,
    attributes,
    zeroAttributes: zeros,
    kib: kib(bytes),
    attributesByPrefix: byPrefix,
    largestItemKiB: kib(Math.max(0, ...rows.map((row) => Object.entries(row).reduce((sum, [n, v]) => sum + attributeSize(n, v), 0)))),
    estimatedReadUnits: Math.ceil(bytes / 4096),
  };
};
