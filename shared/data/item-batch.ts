import type { Deps } from '../deps';
import { cancellationCodes, newItemPut, type EventRecord, type ItemRecord } from './items';
import { transactWrite } from './transact';

type ItemDeps = Pick<Deps, 'db' | 'clock' | 'settings'>;

/** The new items whose drawn tracking codes were taken (by their index in the batch). */
export class TrackingCodesTakenError extends Error {
  constructor(readonly indexes: readonly number[]) {
    super('tracking codes taken');
  }
}

/** DynamoDB's limit of actions in one transaction: the most items `createItems` makes at once. */
export const maxItemsPerTransaction = 100;

/**
 * Creates up to `maxItemsPerTransaction` items, each with its first event kept on it (one record
 * per item), in ONE transaction: either every item exists afterwards or none does, and nothing of
 * a refused batch is ever visible. TrackingCodesTakenError names the items whose codes were taken
 * (nothing was written; draw those again). The counters and notifications follow from the change
 * stream, one record per item, as for a single submission.
 * Cost: one transaction of n puts (2x WCU each, ~1 KB per item with its index entries).
 */
export const createItems = async (deps: ItemDeps, items: readonly { item: ItemRecord; event: EventRecord }[]): Promise<void> => {
  if (items.length === 0 || items.length > maxItemsPerTransaction) throw new RangeError(`a batch holds 1..${maxItemsPerTransaction} items`);
  try {
    await transactWrite(deps, items.map(({ item, event }) => ({ Put: newItemPut(deps, item, event) })));
  } catch (error) {
    const codes = cancellationCodes(error);
    const taken = (codes ?? []).flatMap((code, i) => (code === 'ConditionalCheckFailed' ? [i] : []));
    if (taken.length > 0) throw new TrackingCodesTakenError(taken);
    throw error;
  }
};

