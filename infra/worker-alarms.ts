/**
 * What watches the workers: one encrypted SNS topic (optionally with an e-mail subscription) that
 * every alarm publishes to, an alarm per failure queue (notify's, sweep's), the tally's two
 * alarms, since the tally has no failure queue to watch, notify's lag alarm (it too retries until
 * a record is handled), one on records the stream workers parked and one on notices kept unsent.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, Stats, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { metricNames, metricsNamespace, metricsService } from '../shared/observability/metrics';
import { scheduleWorker } from '../shared/workers';
import type { YijianFunction } from './yijian-function';

/**
 * The tally's lag alarm: the newest record of a batch older than this means the counters trail
 * the items by as much (deployed, the stream's delay is under a second).
 */
export const tallyMaxLag = Duration.minutes(5);
/** The period of the alarms on the workers' metrics (the sweep's own ones aside: its interval). */
export const alarmPeriod = Duration.minutes(5);
/** Errors in this many consecutive periods (`alarmPeriod`): not a passing throttle, a batch that keeps failing. */
export const tallyErrorPeriods = 3;

/** `AlarmTopicKey` and `AlarmTopic` in `scope` (the workers), `alarmEmail` subscribed if given. */
export function createAlarmTopic(scope: Construct, alarmEmail: string | undefined): Topic {
  // SNS encryption needs a customer managed key: CloudWatch cannot use the AWS managed aws/sns
  // key, whose key policy nobody can extend.
  const alarmKey = new Key(scope, 'AlarmTopicKey', {
    description: 'yijian: encrypts the alarm topic of the background workers',
    enableKeyRotation: true,
    // The topic keeps no messages once delivered: nothing is left to decrypt after it is gone.
    removalPolicy: RemovalPolicy.DESTROY,
    pendingWindow: Duration.days(7),
  });
  alarmKey.addToResourcePolicy(
    new PolicyStatement({
      sid: 'CloudWatchAlarmsPublish',
      principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
    }),
  );
  const topic = new Topic(scope, 'AlarmTopic', {
    displayName: 'yijian alarms',
    masterKey: alarmKey,
    enforceSSL: true,
  });
  if (alarmEmail !== undefined) {
    // The recipient confirms the subscription from the e-mail SNS sends on deploy.
    topic.addSubscription(new EmailSubscription(alarmEmail));
  }
  return topic;
}

/**
 * Alarm `id` in `scope`, in alarm once a message is visible on `queue`. SQS stops publishing
 * metrics for a queue six hours after its last activity, so missing data counts as OK (an idle,
 * empty queue) instead of INSUFFICIENT_DATA.
 */
export function createNotEmptyAlarm(scope: Construct, id: string, queue: Queue, description: string, topic: Topic): Alarm {
  const metric = queue.metricApproximateNumberOfMessagesVisible({ period: alarmPeriod, statistic: Stats.MAXIMUM });
  return createAboveZeroAlarm(scope, id, metric, description, topic);
}

/** Alarm `id` in `scope`, in alarm at the first period where `metric` is above `threshold` (zero); no data is OK. */
function createAboveZeroAlarm(scope: Construct, id: string, metric: IMetric, description: string, topic: Topic, threshold = 0): Alarm {
  const alarm = new Alarm(scope, id, {
    alarmDescription: description,
    metric,
    threshold,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(new SnsAction(topic));
  return alarm;
}

export interface TallyAlarms {
  /** The counters trail the items by more than tallyMaxLag. */
  readonly lag: Alarm;
  /** The tally keeps failing (it retries the same batch without end). */
  readonly errors: Alarm;
}

/** `TallyLagAlarm` and `TallyErrorsAlarm` in `scope` (the workers). */
export function createTallyAlarms(scope: Construct, tally: YijianFunction, topic: Topic): TallyAlarms {
  // The tally has no failure queue to watch: a stuck tally only retries, and shows as lag and
  // errors. Without item changes there are no invocations and no data points: that is OK.
  const lag = new Alarm(scope, 'TallyLagAlarm', {
    alarmDescription:
      `yijian tally: the dashboard's counters are falling behind the items: the tally is working on ` +
      `changes more than ${tallyMaxLag.toMinutes()} minutes old. It retries a failing batch until ` +
      'it succeeds, and every change behind it waits; the stream keeps changes 24 hours, after ' +
      'which they are lost to the counters. See the tally\'s log group and its errors alarm.',
    metric: tally.function.metric('IteratorAge', { period: alarmPeriod, statistic: Stats.MAXIMUM }),
    // IteratorAge is in milliseconds.
    threshold: tallyMaxLag.toMilliseconds(),
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  const errors = new Alarm(scope, 'TallyErrorsAlarm', {
    alarmDescription:
      `yijian tally: updating the dashboard's counters has failed for ${tallyErrorPeriods * alarmPeriod.toMinutes()} minutes ` +
      'in a row. The same batch of changes is retried without end, so the counters stop moving ' +
      'until the cause in the tally\'s log group is fixed; nothing is lost while the stream keeps ' +
      'the changes (24 hours).',
    metric: tally.function.metricErrors({ period: alarmPeriod, statistic: Stats.SUM }),
    threshold: 0,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: tallyErrorPeriods,
    datapointsToAlarm: tallyErrorPeriods,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  for (const alarm of [lag, errors]) alarm.addAlarmAction(new SnsAction(topic));
  return { lag, errors };
}

/**
 * `ParkedRecordsAlarm` in `scope`: a stream worker (notify or tally) set a record aside that it can
 * never handle (shared/services/stream-records.ts). The worker went on with the rest; the parked
 * record waits in the table for a person. The metric is the workers' Powertools EMF count, in
 * their namespace with their `service` dimension; no parked record, no data point: OK.
 */
export function createParkedRecordsAlarm(scope: Construct, topic: Topic): Alarm {
  const metric = new Metric({
    namespace: metricsNamespace,
    metricName: metricNames.parkedRecords,
    dimensionsMap: { service: metricsService },
    period: alarmPeriod,
    statistic: Stats.SUM,
  });
  return createAboveZeroAlarm(
    scope,
    'ParkedRecordsAlarm',
    metric,
    'yijian stream workers: a change-stream record could not be handled (its image does not parse) ' +
      'and was set aside, so the notice or the dashboard count it asked for is missing. The worker ' +
      "logged it as 'stream record parked' with its reason; the record's keys and eventID are kept " +
      'in the table under pk PARKED until a person looks at them.',
    topic,
  );
}

/**
 * `KeptNoticesAlarm` in `scope`: notices that could not be sent are kept in the table
 * (shared/data/kept-notices.ts). The metric is 1 when notify keeps one and, at every sweep, the
 * number still kept (0 included), so the alarm goes off at once and stays on while any wait; its
 * period is the sweep's. No data (no sweep ran): OK.
 */
export function createKeptNoticesAlarm(scope: Construct, topic: Topic): Alarm {
  const metric = new Metric({
    namespace: metricsNamespace,
    metricName: metricNames.keptNotices,
    dimensionsMap: { service: metricsService },
    period: Duration.minutes(scheduleWorker.everyMinutes),
    statistic: Stats.MAXIMUM,
  });
  return createAboveZeroAlarm(
    scope,
    'KeptNoticesAlarm',
    metric,
    'yijian notify: an e-mail could not be sent after all its tries and is kept, in full, in the ' +
      'table (pk KEPT) instead of being dropped. The office lists them at GET /api/admin/notices, ' +
      'has one sent again (POST /api/admin/notices/{id}/redrive, sent once at most) or discards it ' +
      "(DELETE /api/admin/notices/{id}). The reason is in notify's log as 'notification kept'.",
    topic,
  );
}

/**
 * `NotifyLagAlarm` in `scope`: notify retries a record until it is handled (nothing is given up),
 * so a record it keeps failing on (the table not answering) holds back every notice behind it:
 * this says so once the records it works on are older than `tallyMaxLag`.
 */
export function createNotifyLagAlarm(scope: Construct, notify: YijianFunction, topic: Topic): Alarm {
  return createAboveZeroAlarm(
    scope,
    'NotifyLagAlarm',
    notify.function.metric('IteratorAge', { period: alarmPeriod, statistic: Stats.MAXIMUM }),
    `yijian notify: e-mails are falling behind: notify is working on changes more than ${tallyMaxLag.toMinutes()} ` +
      'minutes old. It retries a failing record until it is handled and every notice behind it waits; ' +
      "the stream keeps changes 24 hours. See notify's log group.",
    topic,
    // IteratorAge is in milliseconds.
    tallyMaxLag.toMilliseconds(),
  );
}
