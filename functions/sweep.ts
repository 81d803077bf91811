import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { lambdaContext, logger } from '../shared/observability/logger';
import { countMetric, metrics } from '../shared/observability/metrics';
import { sweep } from '../shared/services/sweeper';

/** Scheduled: overdue marks, reminders, auto-close (see shared/services/sweeper.ts). */
const run = async () => {
  const result = await sweep();
  countMetric('overdue', result.overdue);
  logger.info('sweep done', result);
  return result;
};

export const handler = middy({ timeoutEarlyInMillis: 0 })
  .use(injectLambdaContext(logger, lambdaContext))
  .use(logMetrics(metrics))
  .handler(run);
