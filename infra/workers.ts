/**
 * The functions that are not HTTP routes (shared/workers.ts), and what watches them:
 *   notify  the table's change stream -> e-mail through SES v2. The event source mapping batches,
 *           takes the records the function reports as failed (partial batch responses), delivers
 *           again from the first of them a limited number of times, and then records what still
 *           fails on an SQS queue; an alarm fires as soon as that queue is not empty.
 *   tally   the same stream, a second event source mapping (DynamoDB Streams allow two readers
 *           per shard) -> the dashboard's counters. Only the items' own records reach it; a batch
 *           is delivered again from the first record the tally did not count, without end, as its
 *           exactly-once counting expects (shared/services/tally.ts): there is no failure queue,
 *           nothing is ever given up.
 *           Alarms on the mapping's lag (IteratorAge) and on errors that persist say it is stuck.
 *   sweep   an EventBridge rule runs it every scheduleWorker.everyMinutes minutes; an event the
 *           rule cannot deliver, and an invocation that still fails after Lambda's retries, land
 *           on a second queue with the same alarm.
 * The alarms publish to one encrypted SNS topic (optionally with an e-mail subscription).
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { CfnEventSourceMapping, EventSourceMapping, FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { itemSk } from '../shared/data/keys';
import { tableDefinition } from '../shared/data/table-definition';
import { scheduleWorker, streamWorker, tallyWorker } from '../shared/workers';
import { bindTable, type BoundTable, type TableActions } from './bind-table';
import type { WorkerSettings } from './worker-settings';
import { YijianFunction } from './yijian-function';

/** SES v2 SendEmail (simple or raw content) is authorised by this one action. */
export const sesSendActions = ['ses:SendEmail'] as const;

/**
 * How old a stream record may get before it goes to the failure queue unprocessed: the stream
 * keeps records 24 hours, so a record older than that could not be read anyway.
 */
export const streamMaxRecordAge = Duration.days(1);

/**
 * notify's timeout: a batch of streamWorker.batchSize records, each a few table writes and an SES
 * call. Kept well under the one-minute lease of a notification claim (shared/data/notifications.ts)
 * so a timed-out attempt's claim is taken over by a retry, never while the attempt still runs.
 */
export const notifyTimeout = Duration.seconds(30);
/**
 * tally's timeout: a batch of tallyWorker.batchSize records is a few steps, each a marker read, a
 * counter Query and one transaction, every request with the SDK's retries (shared/data/db.ts),
 * and a step that collides with another shard's tally reads again (the tallyRace policy).
 * Seconds in the normal case; a minute leaves room for a throttled table without cutting a batch
 * short (a timed-out batch is only retried, but it delays every record behind it).
 */
export const tallyTimeout = Duration.seconds(60);

/**
 * What the tally does to the table, action by action (shared/data/counters.ts), and nothing more:
 *   GetItem        findTallyMarker: a step's marker, read first;
 *   Query          readCounterState: the COUNTERS partition of the table itself (no index);
 *   PutItem        commitTally: counters, a grown layout and the marker, and
 *   UpdateItem     the due buckets' ADDs, entries of one TransactWriteItems (which has no IAM action
 *                  of its own: each entry is authorised as the item action it performs; their
 *                  conditions are on the entries' own items, so no ConditionCheckItem);
 *   DeleteItem     dropDueBucketIfEmpty: a due bucket back at zero.
 * No batch read or write, index Query or Scan.
 */
export const tallyTableAccess: TableActions = {
  only: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
};

/**
 * Only the items' own records (key `sk` = `#ITEM`) reach the tally: it counts nothing else
 * (recordDelta in shared/services/tally.ts), and its own writes (counters, due buckets, markers)
 * and every event, note and idempotency record would otherwise cost invocations. Filtered records
 * are dropped by the mapping before batching, so a batch still comes back whole on a retry.
 */
export const tallyFilter = FilterCriteria.filter({
  dynamodb: { Keys: { [tableDefinition.sortKey]: { S: FilterRule.isEqual(itemSk) } } },
});

/**
 * The tally's lag alarm: the newest record of a batch older than this means the counters trail
 * the items by as much (deployed, the stream's delay is under a second).
 */
export const tallyMaxLag = Duration.minutes(5);
/** Errors in this many consecutive 5-minute periods: not a passing throttle, a batch that keeps failing. */
export const tallyErrorPeriods = 3;

/** sweep's timeout: well under its 15-minute interval, so runs do not pile up. */
export const sweepTimeout = Duration.minutes(5);

/** Failure records stay this long: the SQS maximum, time enough to look into them. */
const failureRetention = Duration.days(14);

export interface WorkersProps {
  readonly table: BoundTable;
  readonly settings: WorkerSettings;
  /** Links in e-mail (`YIJIAN_PUBLIC_URL`) when settings.publicUrl is unset: the site's URL. */
  readonly defaultPublicUrl: string;
}

export class Workers extends Construct {
  readonly notify: YijianFunction;
  readonly tally: YijianFunction;
  readonly sweep: YijianFunction;
  readonly streamMapping: EventSourceMapping;
  /** The tally's reader of the table stream, beside notify's. */
  readonly tallyMapping: EventSourceMapping;
  /** Stream batches that still failed after the retries (their shard and sequence numbers). */
  readonly notifyFailures: Queue;
  /** Sweep events the rule could not deliver, and sweep invocations that failed after retries. */
  readonly sweepFailures: Queue;
  readonly schedule: Rule;
  readonly alarmTopic: Topic;
  readonly notifyFailuresAlarm: Alarm;
  readonly sweepFailuresAlarm: Alarm;
  /** The counters trail the items by more than tallyMaxLag. */
  readonly tallyLagAlarm: Alarm;
  /** The tally keeps failing (it retries the same batch without end). */
  readonly tallyErrorsAlarm: Alarm;
  /** `arn:<partition>:ses:<region>:<account>:identity/<sesIdentity>`: notify sends as this only. */
  readonly sesIdentityArn: string;
  readonly emailIdentity?: EmailIdentity;

  constructor(scope: Construct, id: string, props: WorkersProps) {
    super(scope, id);
    const { table, settings } = props;
    const stack = Stack.of(this);

    // Alarm topic. SNS encryption needs a customer managed key: CloudWatch cannot use the
    // AWS managed aws/sns key, whose key policy nobody can extend.
    const alarmKey = new Key(this, 'AlarmTopicKey', {
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
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: 'yijian alarms',
      masterKey: alarmKey,
      enforceSSL: true,
    });
    if (settings.alarmEmail !== undefined) {
      // The recipient confirms the subscription from the e-mail SNS sends on deploy.
      this.alarmTopic.addSubscription(new EmailSubscription(settings.alarmEmail));
    }

    // notify: the table's change stream -> e-mail.
    this.notify = new YijianFunction(this, 'Notify', {
      handler: streamWorker.handler,
      description: 'yijian notify: table change stream -> e-mail (SES v2)',
      timeout: notifyTimeout,
      environment: {
        YIJIAN_MAIL_FROM: settings.mailFrom,
        YIJIAN_PUBLIC_URL: settings.publicUrl ?? props.defaultPublicUrl,
      },
    });
    // Writes: the deduplication records of shared/data/notifications.ts (claim, mark, release).
    bindTable(this.notify, table, 'write');

    // Only the configured identity. The identity must be verified before SES sends: a domain
    // through its DKIM records (see the outputs when createSesIdentity is set), an address
    // through the link SES mails to it. While the account is in the SES sandbox, SES also
    // accepts only verified recipients (and, as reported, checks this policy against their
    // identity ARNs too): request production access before going live.
    this.sesIdentityArn = stack.formatArn({ service: 'ses', resource: 'identity', resourceName: settings.sesIdentity });
    if (settings.createSesIdentity) {
      const isAddress = settings.sesIdentity.includes('@');
      this.emailIdentity = new EmailIdentity(this, 'MailIdentity', {
        identity: isAddress ? Identity.email(settings.sesIdentity) : Identity.domain(settings.sesIdentity),
      });
      if (!isAddress) {
        this.emailIdentity.dkimRecords.forEach((record, index) => {
          new CfnOutput(stack, `MailDkimRecord${index + 1}`, {
            value: `${record.name} CNAME ${record.value}`,
            description: `DKIM record ${index + 1} of 3 to publish in the DNS of ${settings.sesIdentity}`,
          });
        });
      }
    }
    this.notify.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'SendMailAsIdentity',
        actions: [...sesSendActions],
        resources: [this.sesIdentityArn],
      }),
    );

    this.notifyFailures = this.failureQueue('NotifyFailures', 'on-failure destination of the notify event source mapping');
    const source = new DynamoEventSource(table.table, {
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: streamWorker.batchSize,
      retryAttempts: streamWorker.maxRetries,
      // The function reports each failed record (functions/notify.ts): the mapping resumes at the
      // first of them; bisecting would only deliver the records around it again.
      reportBatchItemFailures: streamWorker.reportBatchItemFailures,
      bisectBatchOnError: false,
      maxRecordAge: streamMaxRecordAge,
      onFailure: new SqsDlq(this.notifyFailures),
    });
    this.notify.function.addEventSource(source);
    this.streamMapping = mappingOf(this.notify);
    acknowledgeListStreams(this.notify);

    // tally: the same stream -> the dashboard's counters (shared/services/tally.ts).
    this.tally = new YijianFunction(this, 'Tally', {
      handler: tallyWorker.handler,
      description: 'yijian tally: table change stream -> dashboard counters',
      timeout: tallyTimeout,
    });
    bindTable(this.tally, table, tallyTableAccess);
    // Its exactly-once counting relies on every setting below: a failed batch comes back from the
    // record the tally reported (or whole), until it succeeds (markers keyed by a step's first
    // record skip what a committed step already counted), and one batch at a time per shard keeps
    // the order.
    this.tally.function.addEventSource(
      new DynamoEventSource(table.table, {
        // From the oldest record the stream keeps: a new mapping starts where the stream does.
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: tallyWorker.batchSize,
        bisectBatchOnError: false,
        // -1: retried until it succeeds (or the record leaves the stream after 24 hours).
        retryAttempts: streamRetryAttempts(tallyWorker.maxRetries),
        parallelizationFactor: 1,
        // The tally reports the first record it did not count (functions/tally.ts): the mapping
        // keeps what was counted and comes back from there, a step's first record.
        reportBatchItemFailures: tallyWorker.reportBatchItemFailures,
        filters: [tallyFilter],
        // No maxRecordAge (below) and no onFailure: nothing is ever given up, so nothing is sent
        // anywhere as failed.
      }),
    );
    this.tallyMapping = mappingOf(this.tally);
    // The CDK takes a maxRecordAge of 60 s to 7 days only; -1 (infinite, the service's default) is
    // written out so that the template says it, and a later edit cannot drop it by accident.
    (this.tallyMapping.node.defaultChild as CfnEventSourceMapping).addPropertyOverride('MaximumRecordAgeInSeconds', -1);
    acknowledgeListStreams(this.tally);

    // sweep: every scheduleWorker.everyMinutes minutes.
    this.sweep = new YijianFunction(this, 'Sweep', {
      handler: scheduleWorker.handler,
      description: `yijian sweep: overdue marks, reminders, auto-close (every ${scheduleWorker.everyMinutes} minutes)`,
      timeout: sweepTimeout,
      environment: { YIJIAN_AUTO_CLOSE_DAYS: String(settings.autoCloseDays) },
    });
    bindTable(this.sweep, table, 'write');
    this.sweepFailures = this.failureQueue(
      'SweepFailures',
      'dead-letter queue of the sweep schedule and on-failure destination of sweep',
    );
    // The next run comes within minutes: a run that still fails after that is news, not a retry.
    const maxEventAge = Duration.minutes(scheduleWorker.everyMinutes);
    this.sweep.function.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge,
      onFailure: new SqsDestination(this.sweepFailures),
    });
    this.schedule = new Rule(this, 'SweepSchedule', {
      description: `yijian: runs sweep every ${scheduleWorker.everyMinutes} minutes`,
      schedule: Schedule.rate(Duration.minutes(scheduleWorker.everyMinutes)),
      targets: [
        new LambdaFunction(this.sweep.function, { retryAttempts: 2, maxEventAge, deadLetterQueue: this.sweepFailures }),
      ],
    });

    this.notifyFailuresAlarm = this.notEmptyAlarm(
      'NotifyFailuresAlarm',
      this.notifyFailures,
      'yijian notify: stream records failed after all retries, their e-mail was not sent. ' +
        'The messages on the queue name the shard and the sequence numbers of the batch.',
    );
    this.sweepFailuresAlarm = this.notEmptyAlarm(
      'SweepFailuresAlarm',
      this.sweepFailures,
      'yijian sweep: a scheduled sweep failed after its retries, or could not be started.',
    );

    // The tally has no failure queue to watch: a stuck tally only retries, and shows as lag and
    // errors. Without item changes there are no invocations and no data points: that is OK.
    this.tallyLagAlarm = new Alarm(this, 'TallyLagAlarm', {
      alarmDescription:
        `yijian tally: the dashboard's counters are falling behind the items: the tally is working on ` +
        `changes more than ${tallyMaxLag.toMinutes()} minutes old. It retries a failing batch until ` +
        'it succeeds, and every change behind it waits; the stream keeps changes 24 hours, after ' +
        'which they are lost to the counters. See the tally\'s log group and its errors alarm.',
      metric: this.tally.function.metric('IteratorAge', { period: Duration.minutes(5), statistic: Stats.MAXIMUM }),
      // IteratorAge is in milliseconds.
      threshold: tallyMaxLag.toMilliseconds(),
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.tallyErrorsAlarm = new Alarm(this, 'TallyErrorsAlarm', {
      alarmDescription:
        `yijian tally: updating the dashboard's counters has failed for ${tallyErrorPeriods * 5} minutes ` +
        'in a row. The same batch of changes is retried without end, so the counters stop moving ' +
        'until the cause in the tally\'s log group is fixed; nothing is lost while the stream keeps ' +
        'the changes (24 hours).',
      metric: this.tally.function.metricErrors({ period: Duration.minutes(5), statistic: Stats.SUM }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: tallyErrorPeriods,
      datapointsToAlarm: tallyErrorPeriods,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    for (const alarm of [this.tallyLagAlarm, this.tallyErrorsAlarm]) alarm.addAlarmAction(new SnsAction(this.alarmTopic));
  }

  private failureQueue(id: string, role: string): Queue {
    const queue = new Queue(this, id, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: failureRetention,
    });
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        `This queue is itself a dead-letter queue (the ${role}): it collects failures for ` +
        'people to inspect under an alarm, has no consumer, and a DLQ behind it would never receive anything.',
    });
    return queue;
  }

  /**
   * In alarm once a message is visible. SQS stops publishing metrics for a queue six hours after
   * its last activity, so missing data counts as OK (an idle, empty queue) instead of INSUFFICIENT_DATA.
   */
  private notEmptyAlarm(id: string, queue: Queue, description: string): Alarm {
    const alarm = new Alarm(this, id, {
      alarmDescription: description,
      metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: Stats.MAXIMUM }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    return alarm;
  }
}

/** The event source mapping a DynamoEventSource made on a worker's function. */
const mappingOf = (worker: YijianFunction): EventSourceMapping =>
  worker.function.node.children.find((child): child is EventSourceMapping => child instanceof EventSourceMapping)!;

/**
 * A stream event source grants dynamodb:ListStreams on "*" besides the stream reads on the stream
 * ARN; acknowledged on the policy that holds it, next to the X-Ray statement.
 */
const acknowledgeListStreams = (worker: YijianFunction): void => {
  Validations.of(worker.role.node.findChild('DefaultPolicy')).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'DynamoDB stream event source: Lambda requires dynamodb:ListStreams, which supports no ' +
      'resource-level permissions (Resource "*"); it lists stream ARNs only. The stream reads ' +
      '(DescribeStream, GetRecords, GetShardIterator) are on this table\'s stream ARN.',
  });
};

/** Retries of a stream mapping: Infinity (shared/workers.ts) is CloudFormation's -1. */
export const streamRetryAttempts = (maxRetries: number): number => (maxRetries === Infinity ? -1 : maxRetries);
