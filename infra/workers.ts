/**
 * The functions that are not HTTP routes (shared/workers.ts), and what watches them, each from
 * its own file:
 *   notify-worker.ts  notify: the table's change stream -> e-mail through SES v2, delivered again
 *                     until handled; a record the stream is about to lose goes to a failure queue
 *   tally-worker.ts   tally: the same stream, a second reader -> the dashboard's counters,
 *                     delivered again without end (exactly-once counting): no failure queue
 *   sweep-worker.ts   sweep: run by an EventBridge schedule; what fails goes to a second queue
 *   worker-alarms.ts  one encrypted SNS topic (optionally with an e-mail subscription), an alarm
 *                     per failure queue, and the tally's lag and errors alarms
 *   worker-queues.ts  the failure queues, and what the two stream readers share
 */
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { Rule } from 'aws-cdk-lib/aws-events';
import type { EventSourceMapping } from 'aws-cdk-lib/aws-lambda';
import type { EmailIdentity } from 'aws-cdk-lib/aws-ses';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { BoundTable } from './bind-table';
import { createNotifyWorker } from './notify-worker';
import { createSweepWorker } from './sweep-worker';
import { createTallyWorker } from './tally-worker';
import { createAlarmTopic, createKeptNoticesAlarm, createNotEmptyAlarm, createNotifyLagAlarm, createParkedRecordsAlarm, createTallyAlarms } from './worker-alarms';
import type { WorkerSettings } from './worker-settings';
import type { YijianFunction } from './yijian-function';

// What test/infra checks the template against, where it has always imported it from.
export { notifyTimeout, sesSendActions, streamMaxRecordAge } from './notify-worker';
export { tallyTableAccess, tallyTimeout } from './tally-worker';
export { tallyErrorPeriods, tallyMaxLag } from './worker-alarms';

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
  /** A stream worker parked a record it can never handle. */
  readonly parkedRecordsAlarm: Alarm;
  /** Notices could not be sent and are kept in the table (on while any is kept). */
  readonly keptNoticesAlarm: Alarm;
  /** notify works on changes older than tallyMaxLag (it retries a record until it is handled). */
  readonly notifyLagAlarm: Alarm;
  /** `arn:<partition>:ses:<region>:<account>:identity/<sesIdentity>`: notify sends as this only. */
  readonly sesIdentityArn: string;
  readonly emailIdentity?: EmailIdentity;

  constructor(scope: Construct, id: string, props: WorkersProps) {
    super(scope, id);
    const { table, settings } = props;

    // Every part in this construct's scope, in this order: the construct ids (and the order of the
    // template) are those of the deployed stack, and a changed id would replace the resource.
    this.alarmTopic = createAlarmTopic(this, settings.alarmEmail);

    const notify = createNotifyWorker(this, { table, settings, defaultPublicUrl: props.defaultPublicUrl });
    this.notify = notify.notify;
    this.sesIdentityArn = notify.sesIdentityArn;
    this.emailIdentity = notify.emailIdentity;
    this.notifyFailures = notify.notifyFailures;
    this.streamMapping = notify.streamMapping;

    const tally = createTallyWorker(this, table);
    this.tally = tally.tally;
    this.tallyMapping = tally.tallyMapping;

    const sweep = createSweepWorker(this, table, settings);
    this.sweep = sweep.sweep;
    this.sweepFailures = sweep.sweepFailures;
    this.schedule = sweep.schedule;

    this.notifyFailuresAlarm = createNotEmptyAlarm(
      this,
      'NotifyFailuresAlarm',
      this.notifyFailures,
      'yijian notify: stream records reached the end of the stream\'s 24 hours without being handled ' +
        '(notify retries a record until it is; a notice it cannot send is kept in the table instead), ' +
        'so their e-mail was not sent. The messages on the queue name the shard and the sequence numbers.',
      this.alarmTopic,
    );
    this.sweepFailuresAlarm = createNotEmptyAlarm(
      this,
      'SweepFailuresAlarm',
      this.sweepFailures,
      'yijian sweep: a scheduled sweep failed after its retries, or could not be started.',
      this.alarmTopic,
    );
    const tallyAlarms = createTallyAlarms(this, this.tally, this.alarmTopic);
    this.tallyLagAlarm = tallyAlarms.lag;
    this.tallyErrorsAlarm = tallyAlarms.errors;
    this.parkedRecordsAlarm = createParkedRecordsAlarm(this, this.alarmTopic);
    this.keptNoticesAlarm = createKeptNoticesAlarm(this, this.alarmTopic);
    this.notifyLagAlarm = createNotifyLagAlarm(this, this.notify, this.alarmTopic);
  }
}
