import { DynamoDBClient, type AttributeValue as SdkAttributeValue } from '@aws-sdk/client-dynamodb';
import * as sdk from '@aws-sdk/lib-dynamodb';
import { randomBytes, randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureTable, localClient } from '../../local/table';
import * as lite from '../../shared/aws/dynamodb';
import { unmarshall, type AttributeValue } from '../../shared/aws/marshall';
import { faults, startFaultProxy, type FaultProxy } from '../support/fault-proxy';

/**
 * The lite DynamoDB client (shared/aws/dynamodb.ts) against the run's DynamoDB Local, beside the
 * SDK's DocumentClient on the same table and the same data: what one writes the other reads, and
 * both give the same answers and the same errors. Then the same client through a real HTTP proxy
 * that injects what DynamoDB Local never does (throttling, internal errors, resets, hangs), to see
 * its retries, timeouts and idempotency tokens on the wire.
 */

const endpoint = inject('dynamoEndpoint');
const region = 'us-east-1';
const TableName = `lite-${randomBytes(6).toString('hex')}`;
const credentials = () => ({ accessKeyId: 'local', secretAccessKey: 'local' });

const client = lite.createDynamoClient({ endpoint, region, credentials });
const sdkClient = sdk.DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint, region, credentials: credentials(), maxAttempts: 1 }), {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
});

beforeAll(async () => {
  await ensureTable(localClient(endpoint), TableName);
}, 120_000);

afterAll(() => {
  client.destroy();
  sdkClient.destroy();
});

// Both command families take the same plain objects; the comparisons below read them loosely.
type Loose = any;
const withoutMetadata = <T extends object>(output: T) => {
  const { $metadata: _, ...rest } = output as T & { $metadata?: unknown };
  return rest;
};
/** Sends the same input through both clients and returns both outputs without $metadata. */
const both = async (
  Lite: new (input: Loose) => lite.Command<object, object>,
  Sdk: new (input: Loose) => { input: unknown },
  input: object,
) => {
  const mine: Loose = withoutMetadata(await client.send(new Lite(input)));
  const theirs: Loose = withoutMetadata((await sdkClient.send(new Sdk(input) as never)) as object);
  return { mine, theirs };
};
const failure = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (error) {
    return error as Error & Record<string, Loose>;
  }
  throw new Error('expected a failure');
};

const id = () => randomUUID();
/** Every kind of value a document may hold. */
const richItem = (pk: string, sk = 'ITEM') => ({
  pk,
  sk,
  s: '意见箱 ✓ 😀',
  empty: '',
  n: 42,
  f: -1.25,
  small: 1e-7,
  maxSafe: Number.MAX_SAFE_INTEGER,
  big: 123456789012345678901234567890n,
  yes: true,
  nil: null,
  gone: undefined,
  list: [1, 'two', { three: 3 }, [false], null, undefined],
  map: { nested: { deeper: ['x'], zero: 0 }, skipped: undefined, 'odd key.with#chars': 'v' },
  ss: new Set(['a', 'b', '意']),
  ns: new Set([1, 2.5, -3]),
  bs: new Set([new Uint8Array([1, 2]), new Uint8Array([3])]),
  bin: new Uint8Array([0, 255, 128]),
  buf: Buffer.from('bytes'),
  emptyBin: new Uint8Array([]),
});

describe('configuration', () => {
  it('takes its endpoint from DYNAMODB_ENDPOINT, else the regional endpoint of AWS_REGION', () => {
    const saved = { endpoint: process.env.DYNAMODB_ENDPOINT, region: process.env.AWS_REGION };
    try {
      process.env.DYNAMODB_ENDPOINT = 'http://127.0.0.1:1';
      process.env.AWS_REGION = 'eu-central-1';
      expect(lite.createDynamoClient().config).toMatchObject({ endpoint: 'http://127.0.0.1:1', region: 'eu-central-1', maxAttempts: 4, requestTimeoutMs: 0 });
      delete process.env.DYNAMODB_ENDPOINT;
      expect(lite.createDynamoClient().config.endpoint).toBe('https://dynamodb.eu-central-1.amazonaws.com');
      expect(lite.createDynamoClient({ region: 'ap-east-1' }).config.endpoint).toBe('https://dynamodb.ap-east-1.amazonaws.com');
      expect(lite.createDynamoClient({ endpoint: 'http://x:2', maxAttempts: 2, requestTimeoutMs: 5 }).config).toMatchObject({ endpoint: 'http://x:2', maxAttempts: 2, requestTimeoutMs: 5 });
    } finally {
      for (const [name, value] of [['DYNAMODB_ENDPOINT', saved.endpoint], ['AWS_REGION', saved.region]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});

describe('the same answers as the SDK DocumentClient', () => {
  it('Put by one client reads back the same by the other (Get), every kind of value included', async () => {
    const a = `T#${id()}`;
    const b = `T#${id()}`;
    await client.send(new lite.PutCommand({ TableName, Item: richItem(a) }));
    await sdkClient.send(new sdk.PutCommand({ TableName, Item: richItem(b) }));
    for (const pk of [a, b]) {
      const { mine, theirs } = await both(lite.GetCommand, sdk.GetCommand, { TableName, Key: { pk, sk: 'ITEM' }, ConsistentRead: true });
      expect(mine).toStrictEqual(theirs);
      expect(mine.Item).toMatchObject({ pk, big: 123456789012345678901234567890n, ns: new Set([1, 2.5, -3]), nil: null, empty: '' });
      expect(mine.Item).not.toHaveProperty('gone');
      expect([...(mine.Item!.bin as Uint8Array)]).toEqual([0, 255, 128]);
    }
    // Same stored bytes whichever client wrote them.
    const [x, y] = await Promise.all([a, b].map((pk) => client.send(new lite.GetCommand({ TableName, Key: { pk, sk: 'ITEM' }, ConsistentRead: true }))));
    expect({ ...x.Item, pk: '' }).toStrictEqual({ ...y.Item, pk: '' });
  });

  it('Get of a missing item has no Item; ProjectionExpression with names works', async () => {
    const pk = `T#${id()}`;
    let r = await both(lite.GetCommand, sdk.GetCommand, { TableName, Key: { pk, sk: 'ITEM' } });
    expect(r.mine).toStrictEqual({});
    expect(r.theirs).toStrictEqual({});
    await client.send(new lite.PutCommand({ TableName, Item: richItem(pk) }));
    r = await both(lite.GetCommand, sdk.GetCommand, {
      TableName,
      Key: { pk, sk: 'ITEM' },
      ProjectionExpression: '#m.nested, #s, ns',
      ExpressionAttributeNames: { '#m': 'map', '#s': 's' },
      ConsistentRead: true,
    });
    expect(r.mine).toStrictEqual(r.theirs);
    expect(r.mine.Item).toStrictEqual({ map: { nested: { deeper: ['x'], zero: 0 } }, s: '意见箱 ✓ 😀', ns: new Set([1, 2.5, -3]) });
  });

  it('Update, Put and Delete with ReturnValues give the same Attributes', async () => {
    const [a, b] = [`T#${id()}`, `T#${id()}`];
    for (const pk of [a, b]) await client.send(new lite.PutCommand({ TableName, Item: { pk, sk: 'ITEM', n: 1, tags: new Set(['x']), m: { k: 'v' } } }));
    const update = (pk: string, ReturnValues: lite.ReturnValue) => ({
      TableName,
      Key: { pk, sk: 'ITEM' },
      UpdateExpression: 'SET #m.#k = :v, added = :list ADD n :one, tags :tags REMOVE gone',
      ConditionExpression: 'n = :expected',
      ExpressionAttributeNames: { '#m': 'm', '#k': 'k' },
      ExpressionAttributeValues: { ':v': 'w', ':list': [1, { x: null }], ':one': 1, ':tags': new Set(['y']), ':expected': 1 },
      ReturnValues,
    });
    const mine = await client.send(new lite.UpdateCommand(update(a, 'ALL_NEW')));
    const theirs = await sdkClient.send(new sdk.UpdateCommand(update(b, 'ALL_NEW')));
    expect({ ...mine.Attributes, pk: '' }).toStrictEqual({ ...theirs.Attributes, pk: '' });
    expect(mine.Attributes).toMatchObject({ n: 2, tags: new Set(['x', 'y']), m: { k: 'w' }, added: [1, { x: null }] });
    expect(mine.$metadata).toMatchObject({ httpStatusCode: 200, attempts: 1, totalRetryDelay: 0 });
    expect(typeof mine.$metadata.requestId).toBe('string');

    const put = (pk: string) => ({ TableName, Item: { pk, sk: 'ITEM', replaced: true }, ReturnValues: 'ALL_OLD' as const });
    const putMine = await client.send(new lite.PutCommand(put(a)));
    const putTheirs = await sdkClient.send(new sdk.PutCommand(put(b)));
    expect({ ...putMine.Attributes, pk: '' }).toStrictEqual({ ...putTheirs.Attributes, pk: '' });

    const del = (pk: string) => ({ TableName, Key: { pk, sk: 'ITEM' }, ReturnValues: 'ALL_OLD' as const, ConditionExpression: 'attribute_exists(pk)' });
    const delMine = await client.send(new lite.DeleteCommand(del(a)));
    const delTheirs = await sdkClient.send(new sdk.DeleteCommand(del(b)));
    expect(delMine.Attributes).toStrictEqual({ pk: a, sk: 'ITEM', replaced: true });
    expect({ ...delMine.Attributes, pk: '' }).toStrictEqual({ ...delTheirs.Attributes, pk: '' });
    const gone = await both(lite.DeleteCommand, sdk.DeleteCommand, { TableName, Key: { pk: a, sk: 'ITEM' }, ReturnValues: 'ALL_OLD' });
    expect(gone.mine).toStrictEqual(gone.theirs);
    expect(gone.mine).not.toHaveProperty('Attributes');
  });

  it('Query on a GSI, pages through LastEvaluatedKey, and either client continues from the other one\'s key', async () => {
    const group = `G#${id()}`;
    const put = (i: number) =>
      client.send(
        new lite.PutCommand({
          TableName,
          // `body` is not projected into gsi1: the index answers without it.
          Item: { pk: `ITEM#${group}-${i}`, sk: '#ITEM', gsi1pk: group, gsi1sk: `2027-01-${String(10 + i)}`, trackingCode: `YJ-${i}`, title: `t${i}`, version: i, body: 'x'.repeat(100) },
        }),
      );
    for (let i = 0; i < 7; i++) await put(i);
    const query = (ExclusiveStartKey?: Record<string, unknown>) => ({
      TableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :g AND gsi1sk > :from',
      FilterExpression: 'version <> :skip',
      ExpressionAttributeValues: { ':g': group, ':from': '2027-01-10', ':skip': 3 },
      ScanIndexForward: false,
      Limit: 2,
      ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
    });
    const seen: string[] = [];
    let start: Record<string, unknown> | undefined;
    let turn = 0;
    do {
      const { mine, theirs } = await both(lite.QueryCommand, sdk.QueryCommand, query(start));
      expect(mine).toStrictEqual(theirs);
      for (const item of mine.Items ?? []) {
        expect(item).not.toHaveProperty('body');
        seen.push(item.trackingCode as string);
      }
      // Alternate whose key continues: the documents are interchangeable.
      start = turn++ % 2 === 0 ? mine.LastEvaluatedKey : (theirs as typeof mine).LastEvaluatedKey;
    } while (start);
    expect(seen).toEqual(['YJ-6', 'YJ-5', 'YJ-4', 'YJ-2', 'YJ-1']);
    expect(turn).toBeGreaterThanOrEqual(3);

    const counted = await both(lite.QueryCommand, sdk.QueryCommand, { TableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :g', ExpressionAttributeValues: { ':g': group }, Select: 'COUNT' });
    expect(counted.mine).toStrictEqual(counted.theirs);
    expect(counted.mine).toMatchObject({ Count: 7, ScannedCount: 7 });
    expect(counted.mine).not.toHaveProperty('Items');
  });

  it('ReturnConsumedCapacity (TOTAL and INDEXES) comes back as the SDK gives it', async () => {
    const pk = `T#${id()}`;
    await client.send(new lite.PutCommand({ TableName, Item: { pk, sk: 'ITEM', gsi1pk: 'CAP', gsi1sk: pk } }));
    for (const ReturnConsumedCapacity of ['TOTAL', 'INDEXES'] as const) {
      const get = await both(lite.GetCommand, sdk.GetCommand, { TableName, Key: { pk, sk: 'ITEM' }, ConsistentRead: true, ReturnConsumedCapacity });
      expect(get.mine).toStrictEqual(get.theirs);
      expect(get.mine.ConsumedCapacity).toMatchObject({ TableName, CapacityUnits: 1 });
      const query = await both(lite.QueryCommand, sdk.QueryCommand, { TableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ReturnConsumedCapacity });
      expect(query.mine).toStrictEqual(query.theirs);
      const put = await both(lite.PutCommand, sdk.PutCommand, { TableName, Item: { pk, sk: 'ITEM', gsi1pk: 'CAP', gsi1sk: pk }, ReturnConsumedCapacity });
      expect(put.mine).toStrictEqual(put.theirs);
      expect(put.mine.ConsumedCapacity?.CapacityUnits).toBeGreaterThan(0);
      if (ReturnConsumedCapacity === 'INDEXES') expect(put.mine.ConsumedCapacity).toMatchObject({ Table: { CapacityUnits: expect.any(Number) } });
    }
  });

  it('TransactWrite applies every entry (Put, Update, Delete, ConditionCheck) and reports capacity per table', async () => {
    const [p, u, d, c] = [id(), id(), id(), id()].map((x) => `T#${x}`);
    for (const pk of [u, d, c]) await client.send(new lite.PutCommand({ TableName, Item: { pk, sk: 'ITEM', n: 1 } }));
    const out = await client.send(
      new lite.TransactWriteCommand({
        TransactItems: [
          { Put: { TableName, Item: { pk: p, sk: 'ITEM', set: new Set([1, 2]), gone: undefined }, ConditionExpression: 'attribute_not_exists(pk)' } },
          { Update: { TableName, Key: { pk: u, sk: 'ITEM' }, UpdateExpression: 'SET n = n + :one', ExpressionAttributeValues: { ':one': 1 } } },
          { Delete: { TableName, Key: { pk: d, sk: 'ITEM' }, ConditionExpression: 'n = :one', ExpressionAttributeValues: { ':one': 1 } } },
          { ConditionCheck: { TableName, Key: { pk: c, sk: 'ITEM' }, ConditionExpression: 'attribute_exists(pk)' } },
        ],
        ClientRequestToken: randomUUID(),
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    expect(out.ConsumedCapacity).toEqual([expect.objectContaining({ TableName })]);
    const read = async (pk: string) => (await sdkClient.send(new sdk.GetCommand({ TableName, Key: { pk, sk: 'ITEM' }, ConsistentRead: true }))).Item;
    expect(await read(p)).toStrictEqual({ pk: p, sk: 'ITEM', set: new Set([1, 2]) });
    expect(await read(u)).toMatchObject({ n: 2 });
    expect(await read(d)).toBeUndefined();
  });

  it('BatchWrite and BatchGet agree with the SDK (Responses, UnprocessedKeys/Items, projections, deletes)', async () => {
    const keys = Array.from({ length: 25 }, (_, i) => ({ pk: `B#${id()}`, sk: `S${i}` }));
    const written = await client.send(
      new lite.BatchWriteCommand({ RequestItems: { [TableName]: keys.map((k, i) => ({ PutRequest: { Item: { ...k, i, bin: new Uint8Array([i]), tags: new Set([`t${i}`]) } } })) }, ReturnConsumedCapacity: 'TOTAL' }),
    );
    expect(written.UnprocessedItems).toStrictEqual({});
    expect(written.ConsumedCapacity).toEqual([expect.objectContaining({ TableName, CapacityUnits: 25 })]);

    const missing = { pk: `B#${id()}`, sk: 'none' };
    const byPk = (items: Record<string, unknown>[] | undefined) => [...(items ?? [])].sort((x, y) => String(x.pk).localeCompare(String(y.pk)));
    const get = await both(lite.BatchGetCommand, sdk.BatchGetCommand, { RequestItems: { [TableName]: { Keys: [...keys, missing], ConsistentRead: true } } });
    expect(byPk(get.mine.Responses?.[TableName])).toStrictEqual(byPk((get.theirs as typeof get.mine).Responses?.[TableName]));
    expect(get.mine.Responses?.[TableName]).toHaveLength(25);
    expect(get.mine.UnprocessedKeys).toStrictEqual({});
    expect(get.theirs).toMatchObject({ UnprocessedKeys: {} });
    const one = get.mine.Responses![TableName].find((item: Record<string, unknown>) => item.sk === 'S7')!;
    expect(one).toMatchObject({ i: 7, tags: new Set(['t7']) });
    expect([...(one.bin as Uint8Array)]).toEqual([7]);

    const projected = await both(lite.BatchGetCommand, sdk.BatchGetCommand, {
      RequestItems: { [TableName]: { Keys: keys.slice(0, 3), ProjectionExpression: '#i', ExpressionAttributeNames: { '#i': 'i' } } },
    });
    expect(byPk(projected.mine.Responses?.[TableName])).toStrictEqual(byPk((projected.theirs as typeof projected.mine).Responses?.[TableName]));

    await client.send(new lite.BatchWriteCommand({ RequestItems: { [TableName]: keys.map((Key) => ({ DeleteRequest: { Key } })) } }));
    const after = await client.send(new lite.BatchGetCommand({ RequestItems: { [TableName]: { Keys: keys, ConsistentRead: true } } }));
    expect(after.Responses?.[TableName]).toEqual([]);
  });

  it('Scan pages as the SDK does', async () => {
    const { mine, theirs } = await both(lite.ScanCommand, sdk.ScanCommand, { TableName, Limit: 3, ConsistentRead: true });
    expect(mine).toStrictEqual(theirs);
  });
});

describe('errors, as the SDK names them', () => {
  it('a failed condition is a ConditionalCheckFailedException with the old item as a document, and is not retried', async () => {
    const pk = `T#${id()}`;
    await client.send(new lite.PutCommand({ TableName, Item: { pk, sk: 'ITEM', state: 'sent', claimedAt: 5, bin: new Uint8Array([9]) } }));
    const input = { TableName, Item: { pk, sk: 'ITEM' }, ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const };
    const mine = await failure(client.send(new lite.PutCommand(input)));
    const theirs = await failure(sdkClient.send(new sdk.PutCommand(input)));
    expect(mine).toBeInstanceOf(lite.ConditionalCheckFailedException);
    expect(mine).toBeInstanceOf(lite.DynamoDbError);
    expect(mine).toBeInstanceOf(Error);
    expect(mine.name).toBe('ConditionalCheckFailedException');
    expect(mine.name).toBe(theirs.name);
    expect(mine.message).toBe(theirs.message);
    expect(mine.$fault).toBe(theirs.$fault);
    expect(mine.$metadata).toMatchObject({ httpStatusCode: 400, attempts: 1, totalRetryDelay: 0 });
    expect(mine.$metadata.httpStatusCode).toBe(theirs.$metadata.httpStatusCode);
    // The SDK leaves this Item in AttributeValue form; here it is a document.
    expect(mine.Item).toStrictEqual(unmarshall(theirs.Item as Record<string, AttributeValue>));
    expect(mine.Item).toMatchObject({ state: 'sent', claimedAt: 5 });
  });

  it('a cancelled transaction is a TransactionCanceledException with the CancellationReasons the SDK gives, in order', async () => {
    const [fresh, existing, other] = [`T#${id()}`, `T#${id()}`, `T#${id()}`];
    await client.send(new lite.PutCommand({ TableName, Item: { pk: existing, sk: 'ITEM', version: 3, tags: new Set(['a']) } }));
    await client.send(new lite.PutCommand({ TableName, Item: { pk: other, sk: 'ITEM', version: 1 } }));
    const input = {
      TransactItems: [
        { Put: { TableName, Item: { pk: fresh, sk: 'ITEM' }, ConditionExpression: 'attribute_not_exists(pk)' } },
        { ConditionCheck: { TableName, Key: { pk: existing, sk: 'ITEM' }, ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': 2 }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } },
        { Update: { TableName, Key: { pk: other, sk: 'ITEM' }, UpdateExpression: 'SET version = :two', ExpressionAttributeValues: { ':two': 2 } } },
        { Update: { TableName, Key: { pk: other, sk: 'NONE' }, UpdateExpression: 'SET x = :x', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':x': 1 } } },
      ],
    };
    const mine = await failure(client.send(new lite.TransactWriteCommand(input)));
    const theirs = await failure(sdkClient.send(new sdk.TransactWriteCommand(input)));
    expect(mine).toBeInstanceOf(lite.TransactionCanceledException);
    expect(mine.name).toBe('TransactionCanceledException');
    expect(mine.message).toBe(theirs.message);
    expect(mine.$metadata).toMatchObject({ httpStatusCode: 400, attempts: 1 });
    const reasons = mine.CancellationReasons as lite.CancellationReason[];
    expect(reasons.map((r) => r.Code)).toEqual(['None', 'ConditionalCheckFailed', 'None', 'ConditionalCheckFailed']);
    // Identical to the SDK's, but for Item, a document here.
    const sdkReasons = (theirs.CancellationReasons as { Code?: string; Message?: string; Item?: Record<string, SdkAttributeValue> }[]).map((r) =>
      r.Item ? { ...r, Item: unmarshall(r.Item as Record<string, AttributeValue>) } : r,
    );
    expect(reasons).toStrictEqual(sdkReasons);
    expect(reasons[1].Item).toStrictEqual({ pk: existing, sk: 'ITEM', version: 3, tags: new Set(['a']) });
    // Nothing was written.
    expect((await client.send(new lite.GetCommand({ TableName, Key: { pk: fresh, sk: 'ITEM' }, ConsistentRead: true }))).Item).toBeUndefined();
  });

  it('validation errors and missing tables are named as the SDK names them, not retried', async () => {
    const cases: [new (input: Loose) => lite.Command<object, object>, new (input: Loose) => { input: unknown }, object][] = [
      [lite.GetCommand, sdk.GetCommand, { TableName, Key: { pk: 'only-half' } }],
      [lite.GetCommand, sdk.GetCommand, { TableName: `${TableName}-missing`, Key: { pk: 'a', sk: 'b' } }],
      [lite.QueryCommand, sdk.QueryCommand, { TableName, KeyConditionExpression: 'pk = :undeclared' }],
      [lite.UpdateCommand, sdk.UpdateCommand, { TableName, Key: { pk: 'a', sk: 'b' }, UpdateExpression: 'SET #x = :y', ExpressionAttributeValues: { ':y': 1 } }],
    ];
    const names: string[] = [];
    for (const [Lite, Sdk, input] of cases) {
      const mine = await failure(client.send(new Lite(input)));
      const theirs = await failure(sdkClient.send(new Sdk(input) as never));
      expect(mine).toBeInstanceOf(lite.DynamoDbError);
      expect([mine.name, mine.message, mine.$fault, mine.$metadata.httpStatusCode]).toEqual([theirs.name, theirs.message, theirs.$fault, theirs.$metadata.httpStatusCode]);
      expect(mine.$metadata.attempts).toBe(1);
      names.push(mine.name);
    }
    expect(names).toEqual(['ValidationException', 'ResourceNotFoundException', 'ValidationException', 'ValidationException']);
  });

  it('refuses what it cannot marshal before sending anything, as the SDK', async () => {
    for (const value of [Number.NaN, 2 ** 53, new Set(), new Date()]) {
      const mine = await failure(client.send(new lite.PutCommand({ TableName, Item: { pk: 'x', sk: 'y', value } })));
      const theirs = await failure(sdkClient.send(new sdk.PutCommand({ TableName, Item: { pk: 'x', sk: 'y', value } })));
      expect(mine).toBeInstanceOf(Error);
      expect(theirs).toBeInstanceOf(Error);
    }
  });
});

describe('interceptors', () => {
  it('see every operation by its DynamoDB name, in the order added, and may change input and output', async () => {
    const hooked = lite.createDynamoClient({ endpoint, region, credentials });
    const trace: string[] = [];
    hooked.use(async (operation, input, next) => {
      trace.push(`outer>${operation}`);
      const output = await next(input);
      trace.push(`outer<${operation}`);
      return output;
    });
    // The capacity meter of shared/data/client.ts, as an interceptor.
    const meter = { read: 0, write: 0 };
    const reads = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);
    const removeMeter = hooked.use(async (operation, input, next) => {
      trace.push(`inner>${operation}`);
      const output = await next({ ...input, ReturnConsumedCapacity: input.ReturnConsumedCapacity ?? 'TOTAL' });
      const consumed = output.ConsumedCapacity as lite.ConsumedCapacity | lite.ConsumedCapacity[] | undefined;
      for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) meter[reads.has(operation) ? 'read' : 'write'] += c.CapacityUnits ?? 0;
      return output;
    });
    const pk = `T#${id()}`;
    const command = new lite.PutCommand({ TableName, Item: { pk, sk: 'ITEM' } });
    await hooked.send(command);
    expect(command.input).not.toHaveProperty('ReturnConsumedCapacity');
    await hooked.send(new lite.GetCommand({ TableName, Key: { pk, sk: 'ITEM' }, ConsistentRead: true }));
    await hooked.send(new lite.QueryCommand({ TableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }));
    await hooked.send(new lite.UpdateCommand({ TableName, Key: { pk, sk: 'ITEM' }, UpdateExpression: 'SET a = :a', ExpressionAttributeValues: { ':a': 1 } }));
    await hooked.send(new lite.TransactWriteCommand({ TransactItems: [{ Put: { TableName, Item: { pk, sk: 'T' } } }] }));
    await hooked.send(new lite.BatchWriteCommand({ RequestItems: { [TableName]: [{ PutRequest: { Item: { pk, sk: 'B' } } }] } }));
    await hooked.send(new lite.BatchGetCommand({ RequestItems: { [TableName]: { Keys: [{ pk, sk: 'B' }] } } }));
    await hooked.send(new lite.DeleteCommand({ TableName, Key: { pk, sk: 'B' } }));
    const operations = trace.filter((t) => t.startsWith('outer>')).map((t) => t.slice('outer>'.length));
    expect(operations).toEqual(['PutItem', 'GetItem', 'Query', 'UpdateItem', 'TransactWriteItems', 'BatchWriteItem', 'BatchGetItem', 'DeleteItem']);
    expect(trace.slice(0, 3)).toEqual(['outer>PutItem', 'inner>PutItem', 'outer<PutItem']);
    expect(meter.read).toBeGreaterThan(0);
    expect(meter.write).toBeGreaterThan(0);

    // The commit barrier of local/stack.ts: a read after each transaction, through the same client.
    removeMeter();
    trace.length = 0;
    hooked.use(async (operation, input, next) => {
      const output = await next(input);
      if (operation === 'TransactWriteItems') await hooked.send(new lite.GetCommand({ TableName, Key: { pk: '#commit-barrier', sk: '#' } }));
      return output;
    });
    await hooked.send(new lite.TransactWriteCommand({ TransactItems: [{ Put: { TableName, Item: { pk, sk: 'T2' } } }] }));
    expect(trace.filter((t) => t.startsWith('outer>'))).toEqual(['outer>TransactWriteItems', 'outer>GetItem']);
    hooked.destroy();
  });

  it('an interceptor that throws fails the send with its error', async () => {
    const hooked = lite.createDynamoClient({ endpoint, region, credentials });
    hooked.use(async () => {
      throw new Error('refused by interceptor');
    });
    await expect(hooked.send(new lite.GetCommand({ TableName, Key: { pk: 'a', sk: 'b' } }))).rejects.toThrow('refused by interceptor');
    hooked.destroy();
  });
});

describe('through a fault-injecting proxy', () => {
  let proxy: FaultProxy;
  const clients: lite.DynamoClient[] = [];
  const proxied = (options: lite.DynamoClientOptions = {}) => {
    const c = lite.createDynamoClient({ endpoint: proxy.endpoint, region, credentials, ...options });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    proxy = await startFaultProxy(endpoint);
  });
  afterEach(() => {
    proxy.reset();
    for (const c of clients.splice(0)) c.destroy();
  });
  afterAll(async () => {
    await proxy.stop();
  });

  const transient = {
    ThrottlingException: faults.throttling,
    ProvisionedThroughputExceededException: faults.provisionedThroughputExceeded,
    InternalServerError: faults.internalServerError,
    ServiceUnavailableException: faults.serviceUnavailable,
    TransactionInProgressException: { kind: 'status', status: 400, type: 'com.amazonaws.dynamodb.v20120810#TransactionInProgressException' },
    RequestLimitExceeded: { kind: 'status', status: 400, type: 'com.amazonaws.dynamodb.v20120810#RequestLimitExceeded' },
    '502 without a JSON body': { kind: 'status', status: 502, type: '' },
    'a reset connection': faults.reset,
  } as const;

  for (const [name, fault] of Object.entries(transient)) {
    it(`${name}: retried, then the request succeeds (requests = faults + 1)`, async () => {
      const c = proxied();
      const pk = `T#${id()}`;
      await c.send(new lite.PutCommand({ TableName, Item: { pk, sk: 'ITEM', v: 1 } }));
      proxy.plan('GetItem', fault, 3);
      const out = await c.send(new lite.GetCommand({ TableName, Key: { pk, sk: 'ITEM' }, ConsistentRead: true }));
      expect(out.Item).toStrictEqual({ pk, sk: 'ITEM', v: 1 });
      expect(proxy.count('GetItem')).toBe(4);
      expect(out.$metadata.attempts).toBe(4);
      expect(out.$metadata.totalRetryDelay).toBeGreaterThanOrEqual(0);
      expect(proxy.requests('GetItem').map((r) => r.outcome)).toEqual([fault.kind, fault.kind, fault.kind, 'forwarded']);
    });
  }

  const exhausted: [string, (typeof transient)[keyof typeof transient], (e: Error & Record<string, Loose>) => void][] = [
    ['ThrottlingException', faults.throttling, (e) => expect(e).toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } })],
    ['ProvisionedThroughputExceededException', faults.provisionedThroughputExceeded, (e) => expect(e).toMatchObject({ name: 'ProvisionedThroughputExceededException', $fault: 'client' })],
    ['InternalServerError', faults.internalServerError, (e) => expect(e).toMatchObject({ name: 'InternalServerError', $fault: 'server', $metadata: { httpStatusCode: 500 } })],
    ['ServiceUnavailableException (503)', faults.serviceUnavailable, (e) => expect(e).toMatchObject({ name: 'ServiceUnavailableException', $metadata: { httpStatusCode: 503 } })],
    ['a reset connection', faults.reset, (e) => expect(e).toMatchObject({ code: 'ECONNRESET' })],
  ];
  for (const [name, fault, check] of exhausted) {
    it(`${name} outlasting the attempts: the error after exactly maxAttempts requests`, async () => {
      for (const maxAttempts of [undefined, 2]) {
        proxy.reset();
        const c = proxied(maxAttempts ? { maxAttempts } : {});
        proxy.plan('UpdateItem', fault, 100);
        const error = await failure(c.send(new lite.UpdateCommand({ TableName, Key: { pk: `T#${id()}`, sk: 'ITEM' }, UpdateExpression: 'SET a = :a', ExpressionAttributeValues: { ':a': 1 } })));
        check(error);
        const expected = maxAttempts ?? 4;
        expect(proxy.count('UpdateItem')).toBe(expected);
        expect(error.$metadata).toMatchObject({ attempts: expected });
        expect(error.$metadata.totalRetryDelay).toBeGreaterThanOrEqual(0);
      }
    });
  }

  const final: [string, Parameters<FaultProxy['plan']>[1], string][] = [
    ['ConditionalCheckFailedException', { kind: 'status', status: 400, type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException', message: 'The conditional request failed' }, 'ConditionalCheckFailedException'],
    ['ValidationException', { kind: 'status', status: 400, type: 'com.amazon.coral.validate#ValidationException', message: 'bad' }, 'ValidationException'],
    ['AccessDeniedException', { kind: 'status', status: 400, type: 'com.amazon.coral.service#AccessDeniedException' }, 'AccessDeniedException'],
    ['ResourceNotFoundException', { kind: 'status', status: 400, type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException' }, 'ResourceNotFoundException'],
    [
      'TransactionCanceledException',
      {
        kind: 'status',
        status: 400,
        type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
        message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [None, TransactionConflict]',
        extra: { CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }] },
      },
      'TransactionCanceledException',
    ],
    ['a 501 (not a transient status)', { kind: 'status', status: 501, type: 'NotImplemented' }, 'NotImplemented'],
  ];
  for (const [name, fault, expectedName] of final) {
    it(`${name} is not retried`, async () => {
      const c = proxied();
      proxy.plan('*', fault, 10);
      const error = await failure(c.send(new lite.TransactWriteCommand({ TransactItems: [{ Put: { TableName, Item: { pk: `T#${id()}`, sk: 'ITEM' } } }] })));
      expect(error.name).toBe(expectedName);
      expect(proxy.count()).toBe(1);
      expect(error.$metadata.attempts).toBe(1);
      if (expectedName === 'TransactionCanceledException') {
        expect(error).toBeInstanceOf(lite.TransactionCanceledException);
        expect(error.CancellationReasons).toStrictEqual([{ Code: 'None' }, { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }]);
      }
    });
  }

  it('a real failed condition through the proxy is answered once', async () => {
    const c = proxied();
    const pk = `T#${id()}`;
    await c.send(new lite.PutCommand({ TableName, Item: { pk, sk: 'ITEM' } }));
    const error = await failure(c.send(new lite.PutCommand({ TableName, Item: { pk, sk: 'ITEM' }, ConditionExpression: 'attribute_not_exists(pk)' })));
    expect(error).toBeInstanceOf(lite.ConditionalCheckFailedException);
    expect(proxy.count('PutItem')).toBe(2);
  });

  it('a request that hangs is given up after requestTimeoutMs and retried', async () => {
    // The deployed timeout: long enough that the real (retried) GetItem never hits it, even on a loaded machine.
    const c = proxied({ requestTimeoutMs: 1500 });
    const pk = `T#${id()}`;
    await c.send(new lite.PutCommand({ TableName, Item: { pk, sk: 'ITEM' } }));
    proxy.plan('GetItem', faults.stall, 1);
    const started = Date.now();
    const out = await c.send(new lite.GetCommand({ TableName, Key: { pk, sk: 'ITEM' }, ConsistentRead: true }));
    expect(out.Item).toStrictEqual({ pk, sk: 'ITEM' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1490);
    expect(proxy.count('GetItem')).toBe(2);
    expect(proxy.requests('GetItem').map((r) => r.outcome)).toEqual(['stall', 'forwarded']);
    expect(out.$metadata.attempts).toBe(2);
  });

  it('requests that keep hanging end as a TimeoutError after maxAttempts', async () => {
    const c = proxied({ requestTimeoutMs: 200, maxAttempts: 3 });
    proxy.plan('Query', faults.stall, 10);
    const error = await failure(c.send(new lite.QueryCommand({ TableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'x' } })));
    expect(error.name).toBe('TimeoutError');
    expect(error.message).toBe('Request timed out after 200 ms');
    expect(error.$metadata).toMatchObject({ attempts: 3 });
    expect(proxy.count('Query')).toBe(3);
  });

  it('a retried TransactWriteItems carries the same ClientRequestToken, and is applied once', async () => {
    const c = proxied();
    const token = randomUUID();
    const pk = `T#${id()}`;
    const counter = `T#${id()}`;
    proxy.plan('TransactWriteItems', faults.internalServerError, 1);
    proxy.plan('TransactWriteItems', faults.reset, 1);
    proxy.plan('TransactWriteItems', faults.throttling, 1);
    await c.send(
      new lite.TransactWriteCommand({
        TransactItems: [
          { Put: { TableName, Item: { pk, sk: 'ITEM' }, ConditionExpression: 'attribute_not_exists(pk)' } },
          { Update: { TableName, Key: { pk: counter, sk: 'C' }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': 1 } } },
        ],
        ClientRequestToken: token,
      }),
    );
    const sent = proxy.requests('TransactWriteItems');
    expect(sent.map((r) => r.outcome)).toEqual(['status', 'reset', 'status', 'forwarded']);
    expect(sent.map((r) => r.clientRequestToken)).toEqual([token, token, token, token]);
    // Byte for byte the same request each time.
    expect(new Set(sent.map((r) => r.body)).size).toBe(1);
    expect((await client.send(new lite.GetCommand({ TableName, Key: { pk: counter, sk: 'C' }, ConsistentRead: true }))).Item).toMatchObject({ n: 1 });
  });

  it('a transaction without a token gets one, the same on every attempt, as the SDK does', async () => {
    const c = proxied();
    proxy.plan('TransactWriteItems', faults.internalServerError, 2);
    await c.send(new lite.TransactWriteCommand({ TransactItems: [{ Put: { TableName, Item: { pk: `T#${id()}`, sk: 'ITEM' } } }] }));
    const tokens = proxy.requests('TransactWriteItems').map((r) => r.clientRequestToken);
    expect(tokens).toHaveLength(3);
    expect(tokens[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(tokens).size).toBe(1);
  });

  it('reads credentials from the environment at every request (Lambda rotates them)', async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY, token: process.env.AWS_SESSION_TOKEN };
    try {
      const c = proxied({ credentials: undefined });
      Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'ASIAFIRST', AWS_SECRET_ACCESS_KEY: 'first-secret' });
      delete process.env.AWS_SESSION_TOKEN;
      await c.send(new lite.GetCommand({ TableName, Key: { pk: 'a', sk: 'b' } }));
      Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'ASIASECOND', AWS_SECRET_ACCESS_KEY: 'second-secret', AWS_SESSION_TOKEN: 'session-token-2' });
      await c.send(new lite.GetCommand({ TableName, Key: { pk: 'a', sk: 'b' } }));
      expect(proxy.requests('GetItem').map((r) => [r.accessKeyId, r.sessionToken])).toEqual([
        ['ASIAFIRST', undefined],
        ['ASIASECOND', 'session-token-2'],
      ]);
      delete process.env.AWS_ACCESS_KEY_ID;
      const error = await failure(c.send(new lite.GetCommand({ TableName, Key: { pk: 'a', sk: 'b' } })));
      expect(error.name).toBe('CredentialsProviderError');
      expect(proxy.count('GetItem')).toBe(2);
    } finally {
      for (const [name, value] of [['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.secret], ['AWS_SESSION_TOKEN', saved.token]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('a refused connection surfaces as ECONNREFUSED after the attempts', async () => {
    const closed = await startFaultProxy(endpoint);
    const dead = closed.endpoint;
    await closed.stop();
    const c = lite.createDynamoClient({ endpoint: dead, region, credentials, maxAttempts: 3 });
    const error = await failure(c.send(new lite.GetCommand({ TableName, Key: { pk: 'a', sk: 'b' } })));
    expect(error.code).toBe('ECONNREFUSED');
    expect(error.$metadata).toMatchObject({ attempts: 3 });
    c.destroy();
  });

  it('no error carries the credentials, the signature or the request body', async () => {
    const secret = `SECRET${randomBytes(8).toString('hex')}`;
    const marker = `BODY${randomBytes(8).toString('hex')}`;
    const leaky = { credentials: () => ({ accessKeyId: 'AKIALEAKTEST', secretAccessKey: secret, sessionToken: `TOKEN${secret}` }), maxAttempts: 2 };
    const c = proxied(leaky);
    // Only stalled requests meet this timeout, so a slow machine cannot turn the other cases into timeouts.
    const stalling = proxied({ ...leaky, requestTimeoutMs: 150 });
    const put = (via: lite.DynamoClient) =>
      via.send(new lite.PutCommand({ TableName, Item: { pk: `T#${id()}`, sk: 'ITEM', note: marker }, ConditionExpression: 'attribute_exists(pk)' }));
    const errors: unknown[] = [];
    errors.push(await failure(put(c))); // a real ConditionalCheckFailedException
    for (const fault of [faults.internalServerError, faults.reset]) {
      proxy.plan('PutItem', fault, 2);
      errors.push(await failure(put(c)));
    }
    proxy.plan('PutItem', faults.stall, 2);
    errors.push(await failure(put(stalling)));
    errors.push(await failure(c.send(new lite.PutCommand({ TableName, Item: { pk: marker, sk: 'ITEM', bad: Number.NaN } }))));
    expect(errors.map((e) => (e as Error).name)).toEqual(['ConditionalCheckFailedException', 'InternalServerError', 'Error', 'TimeoutError', 'Error']);
    for (const error of errors) {
      const text = [inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error), String(error), (error as Error).stack].join('\n');
      expect(text).not.toContain(secret);
      expect(text).not.toContain('AKIALEAKTEST');
      expect(text).not.toContain('Signature=');
      expect(text).not.toContain(marker);
    }
  });
});
