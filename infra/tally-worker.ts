/**
 * tally: the table's change stream -> the dashboard's counters (shared/services/tally.ts), a
 * second event source mapping beside notify's (DynamoDB Streams allow two readers per shard).
 * Only the items' own records reach it; a batch is delivered again from the first record the
 * tally did not count, without end, as its exactly-once counting expects: there is no failure
 * queue, nothing is ever given up. Its alarms (infra/worker-alarms.ts) watch lag and errors.
 */
import { Duration } from 'aws-cdk-lib';
import { FilterCriteria, FilterRule, StartingPosition, type CfnEventSourceMapping, type EventSourceMapping } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Construct } from 'constructs';
import { itemSk } from '../shared/data/keys';
import { tableDefinition } from '../shared/data/table-definition';
import { tallyWorker } from '../shared/workers';
import { bindTable, type BoundTable, type TableActions } from './bind-table';
import { acknowledgeListStreams, mappingOf, streamRetryAttempts } from './worker-queues';
import { YijianFunction } from './yijian-function';

/**
 * tally's timeout: a batch of tallyWorker.batchSize records is a few steps, each a marker read, a
 * counter Query and one transaction, every request with the SDK's retries (shared/data/db.ts),
 * and a step that collides with another shard's tally reads again (the tallyRace policy).
 * Seconds in the normal case; this leaves room for a throttled table without cutting a batch short
 * (a timed-out batch is only retried, but it delays every record behind it).
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
 *   DeleteItem     dropDueBucketIfEmpty: a due bucket back at zero;
 *   PutItem        also putParkedRecord (shared/data/parked-records.ts): a record it cannot count.
 * No batch read or write, index Query or Scan.
 */
export const tallyTableAccess: TableActions = {
  only: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
  spaces: tallyWorker.data.write,
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

export interface TallyWorker {
  readonly tally: YijianFunction;
  /** The tally's reader of the table stream, beside notify's. */
  readonly tallyMapping: EventSourceMapping;
}

/** `Tally` in `scope` (the workers), reading `table`'s stream. */
export function createTallyWorker(scope: Construct, table: BoundTable): TallyWorker {
  const tally = new YijianFunction(scope, 'Tally', {
    handler: tallyWorker.handler,
    description: 'yijian tally: table change stream -> dashboard counters',
    timeout: tallyTimeout,
  });
  bindTable(tally, table, tallyTableAccess);
  // Its exactly-once counting relies on every setting below: a failed batch comes back from the
  // record the tally reported (or whole), until it succeeds (markers keyed by a step's first
  // record skip what a committed step already counted), and one batch at a time per shard keeps
  // the order.
  tally.function.addEventSource(
    new DynamoEventSource(table.table, {
      // From the oldest record the stream keeps: a new mapping starts where the stream does.
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: tallyWorker.batchSize,
      bisectBatchOnError: false,
      // -1: retried until it succeeds (or the record leaves the stream, after `streamRetentionHours`).
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
  const tallyMapping = mappingOf(tally);
  // The CDK takes a maxRecordAge of 60 s to 7 days only; -1 (infinite, the service's default) is
  // written out so that the template says it, and a later edit cannot drop it by accident.
  (tallyMapping.node.defaultChild as CfnEventSourceMapping).addPropertyOverride('MaximumRecordAgeInSeconds', -1);
  acknowledgeListStreams(tally);
  return { tally, tallyMapping };
}
