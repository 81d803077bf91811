import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { handlerOn, processDeps, type Deps } from '../shared/deps';
import { lambdaContext, logger } from '../shared/observability/logger';
import { countMetric, metrics } from '../shared/observability/metrics';
import { sweep } from '../shared/services/sweeper';

/** Scheduled: overdue marks, reminders, auto-close (see shared/services/sweeper.ts). */
const run = (deps: Deps) => async () => {
  const result = await sweep(deps);
  countMetric('overdue', result.overdue);
  logger.info('sweep done', result);
  return result;
};

const build = (deps: Deps) =>
  middy({ timeoutEarlyInMillis: 0 })
    .use(injectLambdaContext(logger, lambdaContext))
    .use(logMetrics(metrics))
    .handler(run(deps));

export const handler = handlerOn(build, processDeps());
