/**
 * The functions that are not HTTP routes, declared once for the CDK stack and the local stack.
 * The retry policy of the stream is shared too: the local poller honours the same numbers the
 * event source mapping is configured with.
 */
export const streamWorker = {
  handler: 'notify',
  batchSize: 10,
  maxRetries: 5,
  bisectOnError: true,
} as const;

/**
 * The tally: the change stream folded into the dashboard's counters. Large batches (a step costs a
 * few reads and one transaction however many records it holds); never bisected and retried until
 * it succeeds, because a batch must come back from the same first record (its markers rely on it)
 * and no change may go uncounted.
 */
export const tallyWorker = {
  handler: 'tally',
  batchSize: 100,
  maxRetries: Infinity,
  bisectOnError: false,
} as const;

export const scheduleWorker = {
  handler: 'sweep',
  everyMinutes: 15,
} as const;
