/**
 * notify: the table's change stream -> e-mail through SES v2. The event source mapping batches,
 * takes the records the function reports as failed (partial batch responses) and delivers again
 * from the first of them until they are handled: nothing is given up (a notice that cannot be sent
 * is kept in the table, shared/data/kept-notices.ts). Only a record the stream is about to lose
 * (`streamMaxRecordAge` old) goes to an SQS queue (infra/worker-alarms.ts raises an alarm as soon as that
 * queue is not empty).
 */
import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { StartingPosition, type EventSourceMapping } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { streamRetentionHours, streamWorker } from '../shared/workers';
import { bindTable, type BoundTable } from './bind-table';
import { acknowledgeListStreams, createFailureQueue, mappingOf, streamRetryAttempts } from './worker-queues';
import type { WorkerSettings } from './worker-settings';
import { YijianFunction } from './yijian-function';

/** SES v2 SendEmail (simple or raw content) is authorised by this one action. */
export const sesSendActions = ['ses:SendEmail'] as const;

/**
 * How old a stream record may get before it goes to the failure queue unprocessed: as long as the
 * stream keeps it, since a record older than that could not be read anyway.
 */
export const streamMaxRecordAge = Duration.hours(streamRetentionHours);

/**
 * notify's timeout: a batch of streamWorker.batchSize records, each a few table writes and an SES
 * call or a robot's post (`webhookTimeoutMs` bounds one). A claim (shared/data/notifications.ts)
 * is held for one send, which the mailer's own timeout (`sesRequestTimeoutMs`) bounds well under
 * the claim's lease (`leaseMs`), so a live attempt never loses its claim; a retry after a
 * timed-out attempt (this timeout is longer than the lease) finds the lease over and takes the
 * claim over. test/infra/stack.test.ts and test/unit/settings.test.ts tie these.
 */
export const notifyTimeout = Duration.seconds(30);

export interface NotifyWorkerProps {
  readonly table: BoundTable;
  readonly settings: WorkerSettings;
  /** Links in e-mail (`YIJIAN_PUBLIC_URL`) when settings.publicUrl is unset: the site's URL. */
  readonly defaultPublicUrl: string;
}

export interface NotifyWorker {
  readonly notify: YijianFunction;
  /** `arn:<partition>:ses:<region>:<account>:identity/<sesIdentity>`: notify sends as this only. */
  readonly sesIdentityArn: string;
  readonly emailIdentity?: EmailIdentity;
  /** Stream records the stream was about to lose unhandled (their shard and sequence numbers). */
  readonly notifyFailures: Queue;
  readonly streamMapping: EventSourceMapping;
}

/** `Notify`, `MailIdentity` (if createSesIdentity) and `NotifyFailures` in `scope` (the workers). */
export function createNotifyWorker(scope: Construct, { table, settings, defaultPublicUrl }: NotifyWorkerProps): NotifyWorker {
  const stack = Stack.of(scope);
  const notify = new YijianFunction(scope, 'Notify', {
    handler: streamWorker.handler,
    description: 'yijian notify: table change stream -> e-mail (SES v2) and group-chat robots (HTTPS)',
    timeout: notifyTimeout,
    environment: {
      YIJIAN_MAIL_FROM: settings.mailFrom,
      YIJIAN_PUBLIC_URL: settings.publicUrl ?? defaultPublicUrl,
    },
  });
  // Writes: the deduplication records of shared/data/notifications.ts (claim, mark, release).
  bindTable(notify, table, { access: 'write', data: streamWorker.data });

  // Only the configured identity. The identity must be verified before SES sends: a domain
  // through its DKIM records (see the outputs when createSesIdentity is set), an address
  // through the link SES mails to it. While the account is in the SES sandbox, SES also
  // accepts only verified recipients (and, as reported, checks this policy against their
  // identity ARNs too): request production access before going live.
  const sesIdentityArn = stack.formatArn({ service: 'ses', resource: 'identity', resourceName: settings.sesIdentity });
  let emailIdentity: EmailIdentity | undefined;
  if (settings.createSesIdentity) {
    const isAddress = settings.sesIdentity.includes('@');
    emailIdentity = new EmailIdentity(scope, 'MailIdentity', {
      identity: isAddress ? Identity.email(settings.sesIdentity) : Identity.domain(settings.sesIdentity),
    });
    if (!isAddress) {
      emailIdentity.dkimRecords.forEach((record, index) => {
        new CfnOutput(stack, `MailDkimRecord${index + 1}`, {
          value: `${record.name} CNAME ${record.value}`,
          description: `DKIM record ${index + 1} of 3 to publish in the DNS of ${settings.sesIdentity}`,
        });
      });
    }
  }
  notify.role.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'SendMailAsIdentity',
      actions: [...sesSendActions],
      resources: [sesIdentityArn],
    }),
  );

  const notifyFailures = createFailureQueue(scope, 'NotifyFailures', 'on-failure destination of the notify event source mapping');
  const source = new DynamoEventSource(table.table, {
    startingPosition: StartingPosition.TRIM_HORIZON,
    batchSize: streamWorker.batchSize,
    retryAttempts: streamRetryAttempts(streamWorker.maxRetries),
    // The function reports each failed record (functions/notify.ts): the mapping resumes at the
    // first of them; bisecting would only deliver the records around it again.
    reportBatchItemFailures: streamWorker.reportBatchItemFailures,
    bisectBatchOnError: false,
    maxRecordAge: streamMaxRecordAge,
    onFailure: new SqsDlq(notifyFailures),
  });
  notify.function.addEventSource(source);
  const streamMapping = mappingOf(notify);
  acknowledgeListStreams(notify);
  return { notify, sesIdentityArn, ...(emailIdentity === undefined ? {} : { emailIdentity }), notifyFailures, streamMapping };
}
