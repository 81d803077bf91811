/**
 * The functions that are not HTTP routes, declared once for the CDK stack and the local stack.
 * The retry policy of the stream is shared too: the local poller honours the same numbers the
 * event source mapping is configured with.
 *
 * Both stream readers answer with partial batch responses (`batchItemFailures`): the mapping
 * checkpoints before the lowest failed record and delivers again from it, and never bisects (a
 * reported failure already says where to resume; halving a batch would only retry more records).
 */
export const streamWorker = {
  handler: 'notify',
  batchSize: 10,
  maxRetries: 5,
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
  batchSize: 100,
  maxRetries: Infinity,
  reportBatchItemFailures: true,
} as const;

export const scheduleWorker = {
  handler: 'sweep',
  everyMinutes: 15,
} as const;
