/**
 * The functions that are not HTTP routes (shared/workers.ts), and what watches them:
 *   notify  the table's change stream -> e-mail through SES v2. The event source mapping batches,
 *           bisects a failing batch, retries a limited number of times and then records what still
 *           fails on an SQS queue; an alarm fires as soon as that queue is not empty.
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
import { EventSourceMapping, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { scheduleWorker, streamWorker } from '../shared/workers';
import { bindTable, type BoundTable } from './bind-table';
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
  readonly sweep: YijianFunction;
  readonly streamMapping: EventSourceMapping;
  /** Stream batches that still failed after the retries (their shard and sequence numbers). */
  readonly notifyFailures: Queue;
  /** Sweep events the rule could not deliver, and sweep invocations that failed after retries. */
  readonly sweepFailures: Queue;
  readonly schedule: Rule;
  readonly alarmTopic: Topic;
  readonly notifyFailuresAlarm: Alarm;
  readonly sweepFailuresAlarm: Alarm;
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
      bisectBatchOnError: streamWorker.bisectOnError,
      maxRecordAge: streamMaxRecordAge,
      // A thrown error fails the whole batch (functions/notify.ts); bisecting isolates a bad record.
      reportBatchItemFailures: false,
      onFailure: new SqsDlq(this.notifyFailures),
    });
    this.notify.function.addEventSource(source);
    this.streamMapping = this.notify.function.node.children.find(
      (child): child is EventSourceMapping => child instanceof EventSourceMapping,
    )!;
    // The event source grants dynamodb:ListStreams on "*" besides the stream reads on the stream
    // ARN; acknowledged on the policy that holds it, next to the X-Ray statement.
    Validations.of(this.notify.role.node.findChild('DefaultPolicy')).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'DynamoDB stream event source: Lambda requires dynamodb:ListStreams, which supports no ' +
        'resource-level permissions (Resource "*"); it lists stream ARNs only. The stream reads ' +
        '(DescribeStream, GetRecords, GetShardIterator) are on this table\'s stream ARN.',
    });

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
