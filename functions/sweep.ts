import { workerHandler } from '../shared/worker-handler';
import { processDeps, type Deps } from '../shared/deps';
import { logger } from '../shared/observability/logger';
import { countMetric } from '../shared/observability/metrics';
import { sweep } from '../shared/services/sweeper';

/** Scheduled: overdue marks, reminders, auto-close, contact removal (see shared/services/sweeper.ts). */
const run = (deps: Deps) => async () => {
  const result = await sweep(deps);
  countMetric('overdue', result.overdue);
  logger.info('sweep done', result);
  return result;
};

export const handler = workerHandler(run, processDeps());
