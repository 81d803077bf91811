import { workerHandler } from '../shared/worker-handler';
import { processDeps, type Deps } from '../shared/deps';
import { logger } from '../shared/observability/logger';
import { countMetric } from '../shared/observability/metrics';
import { sweep } from '../shared/services/sweeper';
import { countKeptNotices } from '../shared/data/kept-notices';

/**
 * Scheduled: overdue marks, reminders, auto-close, contact removal (see shared/services/sweeper.ts),
 * and the number of notices kept unsent, 0 included: the kept-notices alarm stays on while any
 * wait (infra/worker-alarms.ts), not only in the period after one was kept.
 */
const run = (deps: Deps) => async () => {
  const result = await sweep(deps);
  const kept = await countKeptNotices(deps);
  countMetric('overdue', result.overdue);
  countMetric('keptNotices', kept);
  logger.info('sweep done', { ...result, keptNotices: kept });
  return result;
};

export const handler = workerHandler(run, processDeps());
