import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { ReportedItemFailures, resumeIndex, startStreamPoller, type PollerOptions, type StreamPoller } from '../../local/stream-poller';
import { ensureTable, localClient } from '../../local/table';
import { streamWorker } from '../../shared/workers';

/**
 * The local stand-in for the event source mapping, with a scripted handler on a real stream of
 * DynamoDB Local: batch size, order, retry, partial batch responses, on-failure, checkpoints and
 * restarts, with the numbers the deployed mapping uses (shared/workers.ts). The table is made as
 * the stack makes it.
 */

const endpoint = inject('dynamoEndpoint');
const client = localClient(endpoint);
const pollers: StreamPoller[] = [];

const keyOf = (record: DynamoDBRecord) => `${record.dynamodb?.Keys?.pk?.S}/${record.dynamodb?.Keys?.sk?.S}`;

/** A handler that logs each invocation and fails while `fails(batch)` says so. */
const scripted = (fails: (keys: string[], attempt: number) => Error | undefined = () => undefined) => {
  const calls: string[][] = [];
  const handled: string[] = [];
  return {
    calls,
    /** Keys of the records in batches that succeeded, in the order they succeeded. */
    handled,
    handler: async ({ Records }: { Records: DynamoDBRecord[] }) => {
      const keys = Records.map(keyOf);
      calls.push(keys);
      const error = fails(keys, calls.length);
      if (error) throw error;
      handled.push(...keys);
    },
  };
};

const newTable = async () => {
  const name = `poller-${randomBytes(6).toString('hex')}`;
  await ensureTable(client, name);
  return name;
};

const put = (table: string, pk: string, extra: Record<string, { S: string }> = {}) =>
  client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk }, sk: { S: 'X' }, ...extra } }));

const start = async (table: string, options: Partial<PollerOptions> & Pick<PollerOptions, 'handler'>, failures: [string[], unknown][] = []) => {
  const poller = await startStreamPoller(client, {
    endpoint,
    tableName: table,
    onFailure: (records, error) => {
      failures.push([records.map(keyOf), error]);
    },
    batchSize: streamWorker.batchSize,
    maxRetries,
    reportBatchItemFailures: streamWorker.reportBatchItemFailures,
    retryBaseMs: 5,
    idleMs: 50,
    ...options,
  });
  pollers.push(poller);
  return poller;
};

const keys = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(2, '0')}/X`);

/**
 * A finite retry count, for the poller's give-up path: neither stream worker gives a record up
 * any more (both retry until handled, shared/workers.ts), but the poller still models an event
 * source mapping with a MaximumRetryAttempts, as notify's was configured before.
 */
const maxRetries = 5;

beforeAll(() => {
  // The batch shape the tests check is the one the CDK stack configures; both workers retry without end.
  expect(streamWorker).toMatchObject({ batchSize: 10, maxRetries: Infinity, reportBatchItemFailures: true });
});

afterEach(async () => {
  while (pollers.length) await pollers.pop()!.stop();
});

afterAll(() => {
  client.destroy();
});

describe('the local event source mapping', () => {
  it('hands every record over once, in order, in batches of at most batchSize, with both images', async () => {
    const table = await newTable();
    const h = scripted();
    const images: DynamoDBRecord[] = [];
    const poller = await start(table, {
      handler: async (event) => {
        images.push(...event.Records);
        return h.handler(event);
      },
    });
    for (let i = 0; i < 25; i++) await put(table, `a${String(i).padStart(2, '0')}`);
    await client.send(
      new UpdateItemCommand({ TableName: table, Key: { pk: { S: 'a00' }, sk: { S: 'X' } }, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': { S: 'new' } } }),
    );
    await poller.drain(10_000);
    expect(h.handled).toEqual([...keys('a', 25), 'a00/X']);
    for (const batch of h.calls) expect(batch.length).toBeLessThanOrEqual(streamWorker.batchSize);
    const modify = images.at(-1)!;
    expect(modify.eventName).toBe('MODIFY');
    expect(modify.eventSource).toBe('aws:dynamodb');
    expect(modify.dynamodb?.NewImage?.v).toEqual({ S: 'new' });
    expect(modify.dynamodb?.OldImage).toBeDefined();
    expect(modify.dynamodb?.OldImage?.v).toBeUndefined();
    expect(typeof modify.dynamodb?.ApproximateCreationDateTime).toBe('number');
  });

  it('keeps the records before the lowest reported failure and delivers again from that record', async () => {
    const table = await newTable();
    const calls: string[][] = [];
    // Written before the poller starts: the ten records come as one batch.
    for (let i = 0; i < 10; i++) await put(table, `p${String(i).padStart(2, '0')}`);
    const poller = await start(table, {
      handler: async ({ Records }) => {
        calls.push(Records.map(keyOf));
        // The first answer names two records, the higher one first: the lowest one counts.
        const failed = calls.length === 1 ? [Records[7], Records[4]] : [];
        return { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.dynamodb!.SequenceNumber! })) };
      },
    });
    await poller.drain(10_000);
    expect(calls.slice(0, 2)).toEqual([keys('p', 10), keys('p', 10).slice(4)]);
    expect(calls.flat().filter((k) => k === 'p03/X')).toHaveLength(1);
  });

  it('gives up a record reported failed after 1 + maxRetries attempts, with the records behind it in that batch, and goes on', async () => {
    const table = await newTable();
    const poison = 'b04/X';
    const calls: string[][] = [];
    const failures: [string[], unknown][] = [];
    for (let i = 0; i < 10; i++) await put(table, `b${String(i).padStart(2, '0')}`);
    const poller = await start(table, {
      handler: async ({ Records }) => {
        calls.push(Records.map(keyOf));
        const failed = Records.filter((r) => keyOf(r) === poison);
        return { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.dynamodb!.SequenceNumber! })) };
      },
    }, failures);
    await poller.drain(10_000);
    expect(calls[0]).toEqual(keys('b', 10));
    // Every later attempt starts at the poison record: the four before it are done.
    expect(calls.slice(1)).toEqual(Array.from({ length: maxRetries }, () => keys('b', 10).slice(4)));
    expect(calls.filter((c) => c.includes(poison))).toHaveLength(maxRetries + 1);
    expect(failures).toHaveLength(1);
    expect(failures[0][0]).toEqual(keys('b', 10).slice(4));
    expect(failures[0][1]).toBeInstanceOf(ReportedItemFailures);
    // And the stream goes on.
    await put(table, 'b10');
    await poller.drain(10_000);
    expect(calls.at(-1)).toEqual(['b10/X']);
    expect(failures).toHaveLength(1);
  });

  it('delivers the whole batch again when an answer names an empty or unknown record, or when the handler throws', async () => {
    const table = await newTable();
    const calls: string[][] = [];
    const answers: unknown[] = [{ batchItemFailures: [{ itemIdentifier: '' }] }, { batchItemFailures: [{ itemIdentifier: '1' }] }, new Error('thrown'), {}];
    for (let i = 0; i < 3; i++) await put(table, `w${String(i).padStart(2, '0')}`);
    const poller = await start(table, {
      handler: async ({ Records }) => {
        calls.push(Records.map(keyOf));
        const answer = answers.shift();
        if (answer instanceof Error) throw answer;
        return answer;
      },
    });
    await poller.drain(10_000);
    expect(calls).toEqual([keys('w', 3), keys('w', 3), keys('w', 3), keys('w', 3)]);
  });

  it('ignores a partial batch response when the mapping does not report item failures', async () => {
    const table = await newTable();
    const calls: string[][] = [];
    const failures: [string[], unknown][] = [];
    const poller = await start(table, {
      reportBatchItemFailures: false,
      handler: async ({ Records }) => {
        calls.push(Records.map(keyOf));
        return { batchItemFailures: [{ itemIdentifier: Records[0].dynamodb!.SequenceNumber! }] };
      },
    }, failures);
    for (let i = 0; i < 3; i++) await put(table, `n${String(i).padStart(2, '0')}`);
    await poller.drain(10_000);
    expect(calls.flat()).toEqual(keys('n', 3));
    expect(failures).toEqual([]);
  });

  it('checkpoints before a reported failure: a restarted poller starts at the failed record', async () => {
    const table = await newTable();
    let entered!: () => void;
    const reached = new Promise<void>((resolve) => (entered = resolve));
    for (let i = 0; i < 5; i++) await put(table, `r${String(i).padStart(2, '0')}`);
    // A slow retry schedule: the stop lands while the failed record waits for its next attempt.
    const one = await start(table, {
      retryBaseMs: 200,
      handler: async ({ Records }) => {
        entered();
        const failed = Records.filter((r) => keyOf(r) === 'r02/X');
        return { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.dynamodb!.SequenceNumber! })) };
      },
    });
    await reached;
    await one.stop();
    const second = scripted();
    const two = await start(table, { handler: second.handler, checkpoints: one.checkpoints });
    await two.drain(10_000);
    expect(second.calls[0]).toEqual(keys('r', 5).slice(2));
  });

  it('recovers from transient failures without on-failure and without skipping', async () => {
    const table = await newTable();
    let failuresLeft = 3;
    const h = scripted(() => (failuresLeft-- > 0 ? new Error('throttled') : undefined));
    const failures: [string[], unknown][] = [];
    const poller = await start(table, { handler: h.handler }, failures);
    for (let i = 0; i < 12; i++) await put(table, `c${String(i).padStart(2, '0')}`);
    await poller.drain(10_000);
    expect(failures).toEqual([]);
    expect([...new Set(h.handled)]).toEqual(keys('c', 12));
  });

  it('resumes from its checkpoints after a restart: nothing skipped, nothing handled again', async () => {
    const table = await newTable();
    const first = scripted();
    const one = await start(table, { handler: first.handler });
    for (let i = 0; i < 5; i++) await put(table, `d${String(i).padStart(2, '0')}`);
    await one.drain(10_000);
    await one.stop();
    for (let i = 5; i < 12; i++) await put(table, `d${String(i).padStart(2, '0')}`);

    const second = scripted();
    const two = await start(table, { handler: second.handler, checkpoints: one.checkpoints });
    await two.drain(10_000);
    expect(first.handled).toEqual(keys('d', 5));
    expect(second.handled).toEqual(keys('d', 12).slice(5));
  });

  it('resumes from a checkpoint file in a new poller object, as `npm start` after a restart does', async () => {
    const table = await newTable();
    const file = join(mkdtempSync(join(tmpdir(), 'yijian-poller-')), 'checkpoints.json');
    const first = scripted();
    const one = await start(table, { handler: first.handler, checkpointFile: file });
    for (let i = 0; i < 4; i++) await put(table, `e${String(i).padStart(2, '0')}`);
    await one.drain(10_000);
    await one.stop();
    for (let i = 4; i < 7; i++) await put(table, `e${String(i).padStart(2, '0')}`);
    const second = scripted();
    const two = await start(table, { handler: second.handler, checkpointFile: file });
    await two.drain(10_000);
    expect(second.handled).toEqual(keys('e', 7).slice(4));
  });

  it('leaves a batch that is failing when the poller stops to the next poller (no on-failure, no checkpoint past it)', async () => {
    const table = await newTable();
    let failing = true;
    let entered!: () => void;
    const reached = new Promise<void>((resolve) => (entered = resolve));
    const h = scripted((batch) => {
      if (!failing || !batch.includes('f00/X')) return undefined;
      entered();
      return new Error('transient');
    });
    const failures: [string[], unknown][] = [];
    // A slow retry schedule: the stop lands while the record waits for its next attempt.
    const one = await start(table, { handler: h.handler, retryBaseMs: 200 }, failures);
    await put(table, 'f00');
    await reached;
    await one.stop();
    failing = false;

    const second = scripted();
    const two = await start(table, { handler: second.handler, checkpoints: one.checkpoints }, failures);
    await two.drain(10_000);
    expect(failures.map(([k]) => k)).toEqual([]);
    expect(second.handled).toEqual(['f00/X']);
  });

  it('drain waits for records written just before it is called', async () => {
    const table = await newTable();
    const h = scripted();
    const poller = await start(table, { handler: h.handler, idleMs: 200 });
    await poller.drain(10_000);
    await put(table, 'g00');
    await poller.drain(10_000);
    expect(h.handled).toEqual(['g00/X']);
  });
});

describe('where a partial batch response resumes (resumeIndex)', () => {
  const records = ['1', '2', '3'].map((sequence) => ({ dynamodb: { SequenceNumber: sequence } }) as DynamoDBRecord);
  const failing = (...ids: unknown[]) => ({ batchItemFailures: ids.map((itemIdentifier) => ({ itemIdentifier })) });

  it('is a success without an answer, without batchItemFailures, or with an empty list', () => {
    for (const answer of [undefined, null, {}, 'done', { batchItemFailures: null }, { batchItemFailures: [] }]) {
      expect(resumeIndex(records, answer), JSON.stringify(answer)).toBe(-1);
    }
  });

  it('resumes at the lowest failed sequence number, whatever the order of the list', () => {
    expect(resumeIndex(records, failing('3', '2'))).toBe(1);
    expect(resumeIndex(records, failing('3'))).toBe(2);
  });

  it('fails the whole batch for an empty, missing, foreign or malformed identifier', () => {
    for (const answer of [failing(''), failing(null), failing(undefined), failing(2), failing('4', '2'), { batchItemFailures: [{ id: '2' }] }, { batchItemFailures: 'x' }]) {
      expect(resumeIndex(records, answer), JSON.stringify(answer)).toBe(0);
    }
  });
});
