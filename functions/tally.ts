import middy from '@middy/core';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../shared/observability/logger';
import { tallyRecords } from '../shared/services/tally';

/**
 * The table's change stream -> the dashboard's counters (see shared/services/tally.ts). A thrown
 * error fails the batch: the event source mapping delivers the same records again, without
 * bisecting or skipping, and the tally's markers make that count nothing twice.
 */
const tally = async (event: DynamoDBStreamEvent) => {
  const result = await tallyRecords(event.Records);
  logger.debug('tally', { records: event.Records.length, ...result });
  return result;
};

export const handler = middy<DynamoDBStreamEvent>({ timeoutEarlyInMillis: 0 }).handler(tally);
