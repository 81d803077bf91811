/**
 * The functions that are not HTTP routes, declared once for the CDK stack and the local stack.
 * The retry policy of the stream is shared too: the local poller honours the same numbers the
 * event source mapping is configured with.
 *
 * Both stream readers answer with partial batch responses (`batchItemFailures`): the mapping
 * checkpoints before the lowest failed record and delivers again from it, and never bisects (a
 * reported failure already says where to resume; halving a batch would only retry more records).
 */
import type { RouteData } from './routes';

/**
 * How long DynamoDB Streams keeps a change record (a fact of the service, not a setting): the
 * event source mappings give a record up at this age at the latest, and what outlives every
 * redelivery of a record (a tally step's marker, a notification's claim) is kept longer.
 */
export const streamRetentionHours = 24;

/**
 * Each worker declares what it touches in the table as a route does (shared/routes.ts RouteData:
 * how to declare); deployed, it may touch nothing else (infra/bind-table.ts).
 */
export const streamWorker = {
  handler: 'notify',
  // Reads the item and the directory behind a change; claims each notification; parks a bad record.
  // keptNotice: a message that cannot be sent is kept, and a redrive sends and deletes it.
  data: { read: ['item', 'directory'], write: ['notification', 'parked', 'keptNotice'] } satisfies RouteData,
  batchSize: 10,
  /**
   * Retried until handled, as the tally: a record is never given up. What could fail for good is
   * set aside instead: an image that does not parse is parked (shared/services/stream-records.ts),
   * a message that cannot be sent is kept in full after `sendAttempts` sends
   * (shared/data/kept-notices.ts); what is left fails for now (the table does not answer).
   */
  maxRetries: Infinity,
  /** Sends of one message (one per delivery of its record), the first included, before it is kept. */
  sendAttempts: 6,
  reportBatchItemFailures: true,
} as const;

/**
 * The tally: the change stream folded into the dashboard's counters. Large batches (a step costs a
 * few reads and one transaction however many records it holds); retried until it succeeds, because
 * no change may go uncounted. A redelivery starts at the record the tally reported, the first one
 * no committed step covers, where its markers expect it (shared/services/tally.ts).
 */
export const tallyWorker = {
  handler: 'tally',
  // Exactly these actions, infra/tally-worker.ts says which and why.
  data: { write: ['counters', 'dueCount', 'tallyMarker', 'parked'] } satisfies RouteData,
  batchSize: 100,
  maxRetries: Infinity,
  reportBatchItemFailures: true,
} as const;

export const scheduleWorker = {
  handler: 'sweep',
  // Changes items (overdue, reminder, auto-close, contact removal), found through gsi6.
  // keptNotice: how many notices are kept, for the alarm, and a removed contact's kept reply
  // notices discarded with it (their claims marked discarded: notification).
  data: { read: ['directory'], write: ['item', 'keptNotice', 'notification'], indexes: ['gsi6'] } satisfies RouteData,
  everyMinutes: 15,
} as const;
