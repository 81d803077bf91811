import middy from '@middy/core';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../shared/observability/logger';
import { processRecords } from '../shared/services/notify';

/**
 * The table's change stream -> e-mail. A thrown error fails the batch: the event source mapping
 * retries it, bisecting to isolate a bad record, and sends what still fails to the on-failure queue.
 */
const notify = async (event: DynamoDBStreamEvent) => {
  const { sent } = await processRecords(event.Records);
  logger.info('notifications processed', { records: event.Records.length, sent });
  return { sent };
};

export const handler = middy<DynamoDBStreamEvent>({ timeoutEarlyInMillis: 0 }).handler(notify);
