/**
 * The single table, described once as plain data: the CDK stack builds its Table from it and the
 * local stack issues CreateTable from it, so both always have the same keys, indexes and stream.
 *
 * Keys are generic (`pk`, `sk`, `gsiNpk`, `gsiNsk`) because one table holds several entity types;
 * shared/data/keys.ts says what each key holds and why it is shaped that way.
 */
export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  /**
   * 'ALL', or the non-key attributes the index carries. The list indexes carry only what a list
   * row shows, so a change to an item rewrites small index entries, not its long body.
   */
  readonly projection: 'ALL' | readonly string[];
}

/** What an ItemSummary, the CSV export and the sweeper need; never the body or contact details. */
export const summaryAttributes = [
  'trackingCode',
  'kind',
  'title',
  'status',
  'unitId',
  'groupId',
  'phase',
  'createdAt',
  'dueAt',
  'recommended',
  'version',
  'firstReplyAt',
  'closedAt',
  'satisfaction',
  'overdueNotifiedFor',
  'remindedFor',
] as const;

export const tableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB deletes expired items (idempotency records, rate-limit windows). */
  timeToLiveAttribute: 'expiresAt',
  stream: 'NEW_AND_OLD_IMAGES',
  globalSecondaryIndexes: [
    // All items, newest first: the office's unfiltered queue and the export.
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: summaryAttributes },
    // Items of one responder group (or `-`, the office queue), newest first.
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', projection: summaryAttributes },
    // Items of one unit, newest first.
    { name: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk', projection: summaryAttributes },
    // Items in one status, newest first (a status list filter merges one query per status).
    { name: 'gsi4', partitionKey: 'gsi4pk', sortKey: 'gsi4sk', projection: summaryAttributes },
    // Items of one group in one status: a responder's open queue.
    { name: 'gsi5', partitionKey: 'gsi5pk', sortKey: 'gsi5sk', projection: summaryAttributes },
    // Sparse, the sweeper's work list, so a sweep reads what is due and nothing else:
    //   `DUE`      open items with a due date the office has not been told is past, by due date;
    //   `ANSWERED` answered items waiting for a rating, by the time they were answered;
    //   `CONTACT`  ended items still holding contact details, by when they ended (contact retention).
    { name: 'gsi6', partitionKey: 'gsi6pk', sortKey: 'gsi6sk', projection: summaryAttributes },
    // Sparse: recommended good practices, newest first, with their text.
    { name: 'gsi7', partitionKey: 'gsi7pk', sortKey: 'gsi7sk', projection: 'ALL' },
    // Sparse, training sessions: `SESSIONS` every session by `startsAt`, newest first, and
    // `SESSIONITEMS#<code>` the items of one session, newest first (GET /api/items?sessionCode=,
    // the session's summary and its dashboard). 'ALL': the list indexes above already project 96
    // attributes and DynamoDB allows 100 per table (test/unit/stated-numbers.test.ts counts them),
    // and the items of a session are few.
    { name: 'gsi8', partitionKey: 'gsi8pk', sortKey: 'gsi8sk', projection: 'ALL' },
  ] satisfies IndexDefinition[],
} as const;

export type IndexName = (typeof tableDefinition.globalSecondaryIndexes)[number]['name'];
