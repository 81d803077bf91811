import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { randomInt } from 'node:crypto';
import type { CounterDelta, Counts } from '../domain/counters';
import { dynamo, tableName } from './client';
import { counterPartition, counterShards, counterSortKey } from './keys';

/** The transaction entry that adds a delta to one shard (picked at random) of its counter. */
export const counterUpdate = (delta: CounterDelta) => {
  const names: Record<string, string> = {};
  const values: Record<string, number> = {};
  const adds = Object.entries(delta.counts).map(([attribute, n], i) => {
    names[`#c${i}`] = attribute;
    values[`:c${i}`] = n;
    return `#c${i} :c${i}`;
  });
  return {
    Update: {
      TableName: tableName,
      Key: { pk: counterPartition, sk: counterSortKey(delta.phase, delta.groupId, randomInt(counterShards)) },
      UpdateExpression: `ADD ${adds.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
};

export interface CounterRow {
  readonly phase: string;
  /** undefined for the office queue. */
  readonly groupId: string | undefined;
  readonly counts: Counts;
}

/**
 * Every counter shard, summed per (phase, group): one Query on one partition, whatever the number
 * of items. Cost: (phases × (groups + 1) × shards) small items, a few KB, strongly consistent.
 */
export const readCounters = async (phase?: string): Promise<CounterRow[]> => {
  const rows = new Map<string, CounterRow>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: phase ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
        ExpressionAttributeValues: { ':pk': counterPartition, ...(phase ? { ':prefix': `${phase}#` } : {}) },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const raw of page.Items ?? []) {
      const [rowPhase, group] = String(raw.sk).split('#');
      const groupId = group === '-' ? undefined : group;
      const key = `${rowPhase}#${group}`;
      const row = rows.get(key) ?? { phase: rowPhase, groupId, counts: {} };
      for (const [name, value] of Object.entries(raw)) {
        if (name === 'pk' || name === 'sk' || typeof value !== 'number') continue;
        row.counts[name] = (row.counts[name] ?? 0) + value;
      }
      rows.set(key, row);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return [...rows.values()];
};
