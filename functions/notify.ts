import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { workerHandler } from '../shared/worker-handler';
import { processDeps, type MailDeps } from '../shared/deps';
import { withMailer } from '../shared/notify/mailer';
import { logger } from '../shared/observability/logger';
import { countMetric } from '../shared/observability/metrics';
import { DeliveryError, notifyDirectory, notifyRecord } from '../shared/services/notify';
import { parkPoisonRecord, PoisonRecord } from '../shared/services/stream-records';
import type { Directory } from '../shared/schemas/directory';

/**
 * The table's change stream -> e-mail, with partial batch responses (shared/workers.ts): each
 * record is handled on its own, in stream order; a record that fails is reported, the others are
 * done. The event source mapping then delivers again from the lowest failed record, records behind
 * it included: each message's deduplication claim (shared/data/notifications.ts) makes those send
 * nothing twice, and a record that keeps failing goes to the on-failure queue after its retries
 * without holding back the records behind it (they were handled at every attempt). A record whose
 * image does not parse fails every attempt alike: it is parked instead (shared/services/stream-records.ts).
 */
const handleRecord = (deps: MailDeps, directory: Directory) => async (record: DynamoDBRecord) => {
  try {
    return await notifyRecord(deps, record, directory);
  } catch (error) {
    // A record no delivery can handle is set aside (once), and the batch goes on: handled.
    if (error instanceof PoisonRecord) {
      await parkPoisonRecord(deps, 'notify', record, error.reason, deps.clock.now());
      return 0;
    }
    // Identifiers and the reason only: never the addresses or the text of the message.
    if (error instanceof DeliveryError) {
      countMetric('notificationFailures');
      logger.warn('notification failed', { dedupKey: error.dedupKey, reason: error.message, sequenceNumber: record.dynamodb?.SequenceNumber });
    }
    throw error;
  }
};

const notify = (deps: MailDeps) => async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
  const directory = await notifyDirectory(deps);
  // A processor per invocation: the local stack runs several invocations at once in one process.
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  const response = await processPartialResponse(event, handleRecord(deps, directory), processor, {
    context,
    // In stream order, one at a time (as SES accepts them), and a failure is reported, not thrown.
    processInParallel: false,
    throwOnFullBatchFailure: false,
  });
  // The first record failed: the mapping delivers the whole batch again either way, and thrown, the
  // failure counts as the function's error and names its reason on the on-failure path.
  if (processor.failureMessages[0] === event.Records[0]) throw processor.errors[0];
  logger.info('notifications processed', { records: event.Records.length, failed: processor.failureMessages.length });
  return response;
};

export const handler = workerHandler(notify, withMailer(processDeps()));
