import middy from '@middy/core';
import { logger } from '../shared/http/logger';
import { sweep } from '../shared/services/sweeper';

/** Scheduled: overdue marks, reminders, auto-close (see shared/services/sweeper.ts). */
const run = async () => {
  const result = await sweep();
  logger.info('sweep done', result);
  return result;
};

export const handler = middy({ timeoutEarlyInMillis: 0 }).handler(run);
