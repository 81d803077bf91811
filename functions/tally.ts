import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { workerHandler } from '../shared/worker-handler';
import { processDeps, type Deps } from '../shared/deps';
import { logger } from '../shared/observability/logger';
import { recordTallyLag } from '../shared/observability/metrics';
import { TallyIncomplete, tallyRecords } from '../shared/services/tally';

/**
 * The table's change stream -> the dashboard's counters (see shared/services/tally.ts), with a
 * partial batch response: when the tally stops inside a batch, the record it names (the first one
 * not durably counted) is reported as failed, so the event source mapping keeps what was counted
 * and delivers again from there, without end (shared/workers.ts). Not Powertools' BatchProcessor:
 * the tally folds the batch in steps of many records, one transaction each, not record by record.
 */
const tally = (deps: Deps) => async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  let counted: readonly DynamoDBRecord[] = event.Records;
  let response: DynamoDBBatchResponse = { batchItemFailures: [] };
  try {
    logger.debug('tally', { records: event.Records.length, ...(await tallyRecords(deps, event.Records)) });
  } catch (error) {
    // Nothing of the batch counted: thrown, the batch comes back whole, and the failure shows in
    // the function's Errors metric, which the tally's errors alarm watches (a partial response is
    // no error; a batch that keeps failing soon fails at its first record).
    if (!(error instanceof TallyIncomplete)) throw error;
    logger.warn('tally stopped inside a batch', { error: error.cause, resumeAt: error.resumeAt.dynamodb?.SequenceNumber });
    counted = event.Records.slice(0, event.Records.indexOf(error.resumeAt));
    response = { batchItemFailures: [{ itemIdentifier: error.resumeAt.dynamodb!.SequenceNumber! }] };
  }
  const newest = Math.max(...counted.map((r) => r.dynamodb?.ApproximateCreationDateTime ?? 0));
  // ApproximateCreationDateTime is in seconds.
  if (newest > 0) recordTallyLag(Date.now() - newest * 1000);
  return response;
};

export const handler = workerHandler(tally, processDeps());
