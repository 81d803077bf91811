import { queryAll, tableName } from '../../shared/data/client';
import { counterPartition } from '../../shared/data/keys';
import { attributeSize } from './item-size';

/**
 * What the dashboard's counter Query reads, for the scale test and the bench: the counter items,
 * their attributes (zeros included) and their size as DynamoDB counts it (names + values).
 * Estimated units are a consistent Query's: one per 4 KB of all the items read, rounded up.
 */
export const counterShape = async () => {
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
