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

export const scheduleWorker = {
  handler: 'sweep',
  everyMinutes: 15,
} as const;
