/**
 * The single table, described once as plain data: the CDK stack builds its Table from it and the
 * local stack issues CreateTable from it, so both always have the same keys, indexes and stream.
 *
 * Keys are generic (`pk`, `sk`, `gsiNpk`, `gsiNsk`) because one table holds several entity types;
 * see shared/data/keys.ts for what each key holds and why it is shaped that way.
 */
export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
}

export const tableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB deletes expired items (idempotency records, rate-limit windows). */
  timeToLiveAttribute: 'expiresAt',
  stream: 'NEW_AND_OLD_IMAGES',
  globalSecondaryIndexes: [
    // All items, newest first: the office's unfiltered queue and the export.
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    // Items of one responder group (or the office queue), newest first.
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    // Items of one unit, newest first.
    { name: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
  ] satisfies IndexDefinition[],
} as const;
