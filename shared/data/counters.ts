import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { counterAttributes, type CounterDelta, type Counts } from '../domain/counters';
import type { Directory } from '../schemas/directory';
import { dynamo, tableName } from './client';
import { counterPartition, counterSortKey } from './keys';

/** The transaction entry that adds a delta to its (phase, group) counter. */
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
      Key: { pk: counterPartition, sk: counterSortKey(delta.phase, delta.groupId) },
      UpdateExpression: `ADD ${adds.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
};

/**
 * Creates every (phase, group) counter of the directory with every attribute at zero, keeping what
 * is already counted. Called whenever the directory is stored: the counters then have a fixed
 * shape, and the dashboard reads the same bytes however many items there are.
 * Cost: (phases × (groups + 1)) × 3 small updates, once per directory change.
 */
export const initCounters = async (directory: Directory): Promise<void> => {
  const attributes = counterAttributes(directory);
  const chunks: string[][] = [];
  // An update expression may be 4 KB at most: a few dozen attributes per update.
  for (let i = 0; i < attributes.length; i += 60) chunks.push(attributes.slice(i, i + 60));
  const queues = [...directory.groups.map((g) => g.id as string | undefined), undefined];
  const updates = directory.campaign.phases.flatMap((phase) =>
    queues.flatMap((groupId) =>
      chunks.map(
        (chunk) =>
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: counterPartition, sk: counterSortKey(phase.id, groupId) },
            UpdateExpression: `SET ${chunk.map((_, i) => `#a${i} = if_not_exists(#a${i}, :zero)`).join(', ')}`,
            ExpressionAttributeNames: Object.fromEntries(chunk.map((name, i) => [`#a${i}`, name])),
            ExpressionAttributeValues: { ':zero': 0 },
          }),
      ),
    ),
  );
  for (let i = 0; i < updates.length; i += 8) await Promise.all(updates.slice(i, i + 8).map((u) => dynamo.send(u)));
};

export interface CounterRow {
  readonly phase: string;
  /** undefined for the office queue. */
  readonly groupId: string | undefined;
  readonly counts: Counts;
}

/**
 * Every counter, one per (phase, group): one Query on one partition, whatever the number of items.
 * Cost: phases × (groups + 1) items of fixed shape (about 2–3 KB each), strongly consistent.
 */
export const readCounters = async (phase?: string): Promise<CounterRow[]> => {
  const rows: CounterRow[] = [];
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
      const counts: Counts = {};
      for (const [name, value] of Object.entries(raw)) if (name !== 'pk' && name !== 'sk' && typeof value === 'number') counts[name] = value;
      rows.push({ phase: rowPhase, groupId: group === '-' ? undefined : group, counts });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return rows;
};
