/**
 * sweep: an EventBridge rule runs it every scheduleWorker.everyMinutes minutes; an event the rule
 * cannot deliver, and an invocation that still fails after Lambda's retries, land on a failure
 * queue (infra/worker-alarms.ts raises an alarm as soon as it is not empty).
 */
import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { scheduleWorker } from '../shared/workers';
import { bindTable, type BoundTable } from './bind-table';
import { createFailureQueue } from './worker-queues';
import type { WorkerSettings } from './worker-settings';
import { YijianFunction } from './yijian-function';

/** sweep's timeout: well under its interval (`scheduleWorker.everyMinutes`; a test ties them), so runs do not pile up. */
export const sweepTimeout = Duration.minutes(5);

export interface SweepWorker {
  readonly sweep: YijianFunction;
  /** Sweep events the rule could not deliver, and sweep invocations that failed after retries. */
  readonly sweepFailures: Queue;
  readonly schedule: Rule;
}

/** `Sweep`, `SweepFailures` and `SweepSchedule` in `scope` (the workers). */
export function createSweepWorker(scope: Construct, table: BoundTable, settings: WorkerSettings): SweepWorker {
  const sweep = new YijianFunction(scope, 'Sweep', {
    handler: scheduleWorker.handler,
    description: `yijian sweep: overdue marks, reminders, auto-close, contact removal (every ${scheduleWorker.everyMinutes} minutes)`,
    timeout: sweepTimeout,
    environment: {
      YIJIAN_AUTO_CLOSE_DAYS: String(settings.autoCloseDays),
      YIJIAN_CONTACT_RETENTION_DAYS: String(settings.contactRetentionDays),
    },
  });
  bindTable(sweep, table, { access: 'write', data: scheduleWorker.data });
  const sweepFailures = createFailureQueue(
    scope,
    'SweepFailures',
    'dead-letter queue of the sweep schedule and on-failure destination of sweep',
  );
  // The next run comes within minutes: a run that still fails after that is news, not a retry.
  const maxEventAge = Duration.minutes(scheduleWorker.everyMinutes);
  sweep.function.configureAsyncInvoke({
    retryAttempts: 2,
    maxEventAge,
    onFailure: new SqsDestination(sweepFailures),
  });
  const schedule = new Rule(scope, 'SweepSchedule', {
    description: `yijian: runs sweep every ${scheduleWorker.everyMinutes} minutes`,
    schedule: Schedule.rate(Duration.minutes(scheduleWorker.everyMinutes)),
    targets: [new LambdaFunction(sweep.function, { retryAttempts: 2, maxEventAge, deadLetterQueue: sweepFailures })],
  });
  return { sweep, sweepFailures, schedule };
}
