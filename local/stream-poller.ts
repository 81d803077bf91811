import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

/**
 * The local stand-in for a Lambda event source mapping on the table's stream: it reads DynamoDB
 * Local's stream (DescribeStream, GetShardIterator, GetRecords, following child shards), calls the
 * same handler with Lambda-shaped batches, and honours the same rules: a batch that fails is
 * delivered again; with `reportBatchItemFailures`, a response naming failed records (see
 * `resumeIndex`) keeps the records before the lowest of them and delivers again from it; records
 * that still fail after `maxRetries` go to the on-failure destination. Progress is checkpointed
 * after each batch and at each partial failure (in the data dir when there is one), so a restarted
 * poller resumes after the last record handled: nothing skipped; what was half done is delivered
 * again and the handler's deduplication makes it send nothing twice.
 */
export interface PollerOptions {
  readonly endpoint: string;
  readonly tableName: string;
  readonly handler: (event: DynamoDBStreamEvent) => Promise<unknown>;
  /** Records given up, from the first that still failed, with the last attempt's error. */
  readonly onFailure: (records: readonly DynamoDBRecord[], error: unknown) => void | Promise<void>;
  readonly batchSize: number;
  readonly maxRetries: number;
  /** The mapping's ReportBatchItemFailures: without it, any answer the handler returns is success. */
  readonly reportBatchItemFailures: boolean;
  /** A JSON file for checkpoints; omitted keeps them in memory (for this poller object only). */
  readonly checkpointFile?: string;
  readonly checkpoints?: Map<string, string>;
  /**
   * The least time between the starts of two passes (default `pollIntervalMs`, as often as Lambda's
   * event source mapping reads a shard), so records that arrive while a batch is handled are
   * handed over together. A drain cuts the wait short.
   */
  readonly idleMs?: number;
  readonly retryBaseMs?: number;
}

export interface StreamPoller {
  stop(): Promise<void>;
  /** Resolves once every record written so far has been handled (or sent to on-failure). */
  drain(timeoutMs?: number): Promise<void>;
  readonly checkpoints: Map<string, string>;
}

/** As often as Lambda polls a stream's shard (AWS: about four times a second). */
const pollIntervalMs = 250;
/** GetRecords' largest page. */
const readLimit = 1000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Stopping mid-batch: the batch is neither done nor failed; the next poller retries it. */
class PollerStopped extends Error {}

/** The handler answered with failed records (a partial batch response) rather than throwing. */
export class ReportedItemFailures extends Error {
  override readonly name = 'ReportedItemFailures';
  constructor(readonly itemIdentifiers: readonly unknown[]) {
    super(`the handler reported ${itemIdentifiers.length} failed record(s)`);
  }
}

/**
 * Where Lambda resumes a stream batch after the handler answered `response` (with
 * ReportBatchItemFailures on): -1 when the batch succeeded (no answer, no `batchItemFailures`, or
 * an empty list), else the index of the record it delivers again from, the lowest failed sequence
 * number. An identifier that is empty, not a string or not a sequence number of the batch makes
 * the whole batch a failure (0), as does a `batchItemFailures` that is not a list.
 */
export const resumeIndex = (records: readonly DynamoDBRecord[], response: unknown): number => {
  const failures = typeof response === 'object' && response !== null ? (response as { batchItemFailures?: unknown }).batchItemFailures : undefined;
  if (failures === undefined || failures === null) return -1;
  if (!Array.isArray(failures)) return 0;
  if (failures.length === 0) return -1;
  let lowest = records.length;
  for (const failure of failures) {
    const id = typeof failure === 'object' && failure !== null ? (failure as { itemIdentifier?: unknown }).itemIdentifier : undefined;
    const index = typeof id === 'string' && id !== '' ? records.findIndex((r) => r.dynamodb?.SequenceNumber === id) : -1;
    if (index < 0) return 0;
    lowest = Math.min(lowest, index);
  }
  return lowest;
};

const toLambdaRecord = (record: StreamRecord, streamArn: string): DynamoDBRecord => ({
  eventID: record.eventID,
  eventName: record.eventName as DynamoDBRecord['eventName'],
  eventVersion: record.eventVersion ?? '1.1',
  eventSource: 'aws:dynamodb',
  awsRegion: record.awsRegion ?? 'us-east-1',
  eventSourceARN: streamArn,
  dynamodb: {
    ...(record.dynamodb as DynamoDBRecord['dynamodb']),
    ApproximateCreationDateTime: record.dynamodb?.ApproximateCreationDateTime
      ? Math.floor(new Date(record.dynamodb.ApproximateCreationDateTime).getTime() / 1000)
      : undefined,
  },
});

export const startStreamPoller = async (tableClient: DynamoDBClient, options: PollerOptions): Promise<StreamPoller> => {
  const streams = new DynamoDBStreamsClient({
    endpoint: options.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const table = await tableClient.send(new DescribeTableCommand({ TableName: options.tableName }));
  const streamArn = table.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${options.tableName} has no stream`);

  const checkpoints = options.checkpoints ?? new Map<string, string>();
  if (options.checkpointFile && existsSync(options.checkpointFile)) {
    const stored = JSON.parse(readFileSync(options.checkpointFile, 'utf8')) as Record<string, string>;
    for (const [shard, sequence] of Object.entries(stored)) checkpoints.set(shard, sequence);
  }
  const saveCheckpoints = () => {
    if (!options.checkpointFile) return;
    mkdirSync(dirname(options.checkpointFile), { recursive: true });
    const tmp = `${options.checkpointFile}.tmp`;
    writeFileSync(tmp, JSON.stringify(Object.fromEntries(checkpoints)));
    renameSync(tmp, options.checkpointFile);
  };

  const closed = new Set<string>();
  const iterators = new Map<string, string>();
  let stopping = false;
  const retryBase = options.retryBaseMs ?? 50;

  /**
   * Handles a batch the way an event source mapping does: delivered again while it fails, from the
   * lowest record a partial response names (the records before it are done: `done` checkpoints
   * them), then on-failure. Each first record gets 1 + maxRetries attempts: a retry that moves the
   * checkpoint on starts the count again for the record it now starts at (AWS documents no count
   * for that case; this one never gives up a record before it had its own attempts). A retry is the
   * rest of the same batch; Lambda may add newer records behind it, which neither handler relies on.
   */
  const handle = async (batch: readonly DynamoDBRecord[], done: (record: DynamoDBRecord) => void): Promise<void> => {
    let records = batch;
    for (let attempt = 0; ; attempt++) {
      let failedAt: number;
      let error: unknown;
      try {
        const response = await options.handler({ Records: [...records] });
        failedAt = options.reportBatchItemFailures ? resumeIndex(records, response) : -1;
        if (failedAt < 0) return;
        error = new ReportedItemFailures((response as { batchItemFailures: { itemIdentifier?: unknown }[] }).batchItemFailures.map((f) => f?.itemIdentifier));
      } catch (thrown) {
        failedAt = 0;
        error = thrown;
      }
      if (failedAt > 0) {
        done(records[failedAt - 1]);
        records = records.slice(failedAt);
        attempt = 0;
      }
      if (stopping) throw new PollerStopped();
      if (attempt >= options.maxRetries) {
        await options.onFailure(records, error);
        return;
      }
      await sleep(retryBase * 2 ** Math.min(attempt, 6));
      if (stopping) throw new PollerStopped();
    }
  };

  const iteratorFor = async (shard: Shard): Promise<string | undefined> => {
    const known = iterators.get(shard.ShardId!);
    if (known) return known;
    const after = checkpoints.get(shard.ShardId!);
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shard.ShardId!,
        ShardIteratorType: after ? 'AFTER_SEQUENCE_NUMBER' : 'TRIM_HORIZON',
        ...(after ? { SequenceNumber: after } : {}),
      }),
    );
    return ShardIterator;
  };

  /**
   * One pass over every readable shard, each read to its end: `complete` unless a shard was left
   * for a later pass (a child whose parent is not finished).
   * A complete pass has handled every record written before it started.
   */
  const pass = async (): Promise<{ complete: boolean }> => {
    let complete = true;
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    const shards = StreamDescription?.Shards ?? [];
    for (const shard of shards) {
      const id = shard.ShardId!;
      if (closed.has(id)) continue;
      // A child shard is read only after its parent is finished, to keep the order of changes.
      if (shard.ParentShardId && shards.some((s) => s.ShardId === shard.ParentShardId) && !closed.has(shard.ParentShardId)) {
        complete = false;
        continue;
      }
      let iterator = await iteratorFor(shard);
      // Until this pass finishes the shard, the next one resumes from the checkpoint (a failed read
      // or an expired iterator must not leave a stale position behind).
      iterators.delete(id);
      while (iterator && !stopping) {
        const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: readLimit }));
        const records = page.Records ?? [];
        for (let i = 0; i < records.length; i += options.batchSize) {
          // A stopping poller leaves the rest to the next one: each batch done is checkpointed.
          if (stopping) throw new PollerStopped();
          const batch = records.slice(i, i + options.batchSize).map((r) => toLambdaRecord(r, streamArn));
          const checkpoint = (record: DynamoDBRecord) => {
            checkpoints.set(id, record.dynamodb!.SequenceNumber!);
            saveCheckpoints();
          };
          await handle(batch, checkpoint);
          checkpoint(batch[batch.length - 1]);
        }
        iterator = page.NextShardIterator;
        // A short page is the shard's end as of this read (DynamoDB Local returns every record it
        // has up to the limit): what arrives meanwhile waits for the next pass, as on Lambda,
        // instead of being read a few records at a time while writes keep coming.
        if (records.length < readLimit) break;
      }
      if (iterator) iterators.set(id, iterator);
      else {
        iterators.delete(id);
        closed.add(id);
      }
    }
    return { complete };
  };

  // A drain is answered by the first complete pass that starts after it: that pass read every shard
  // to its end, so everything written before the drain was called has been handled. (Waiting for a
  // pass that finds nothing new instead would wait out every other writer: the tally also reads the
  // notify handler's writes, and would keep finding some while notifications are being sent.)
  let passes = 0;
  let drainWaiters: { readonly after: number; readonly resolve: () => void }[] = [];
  let wakeUp: (() => void) | undefined;
  let readFailure: string | undefined;
  const idle = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        wakeUp = undefined;
        resolve();
      }, ms);
      wakeUp = () => {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      };
    });
  const interval = options.idleMs ?? pollIntervalMs;
  const loop = (async () => {
    while (!stopping) {
      const thisPass = ++passes;
      const passStartedAt = performance.now();
      let complete = false;
      try {
        ({ complete } = await pass());
        readFailure = undefined;
      } catch (error) {
        // Told after the idle wait, if the poller is not stopping by then: at a shutdown DynamoDB
        // Local may go first, and a read it cut short is no news.
        if (!(error instanceof PollerStopped)) readFailure = (error as Error).name;
      }
      if (complete) {
        const done = drainWaiters.filter((w) => w.after < thisPass);
        drainWaiters = drainWaiters.filter((w) => w.after >= thisPass);
        for (const waiter of done) waiter.resolve();
      }
      const elapsed = performance.now() - passStartedAt;
      if (elapsed < interval) await idle(interval - elapsed);
      if (readFailure !== undefined && !stopping) console.error('stream poller: read failed', readFailure);
    }
  })();

  return {
    checkpoints,
    async stop() {
      stopping = true;
      wakeUp?.();
      await loop;
      streams.destroy();
    },
    drain(timeoutMs = 20_000) {
      if (stopping) return Promise.reject(new Error('the stream poller is stopped'));
      const after = passes;
      const drained = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('stream poller did not drain in time')), timeoutMs);
        drainWaiters.push({
          after,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
      wakeUp?.();
      return drained;
    },
  };
};
