import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { meterCapacity, type CapacityMeter } from '../../shared/data/capacity';
import { dynamoClientSettings } from '../../shared/data/db';
import { createDeps, type Deps } from '../../shared/deps';
import { useOwnTable } from '../support/own-table';

/**
 * The data layer's DynamoDB client (shared/data/db.ts: the AWS SDK's document client) and what
 * the app adds to it as SDK middleware, against the run's DynamoDB Local: the settings read from
 * the environment, the capacity meter the tests and the bench read, the interceptors, and the
 * local stack's commit barrier (local/commit-barrier.ts).
 */
const tableName = useOwnTable('dataclient');

/** The client of deps read from this process's environment, and a capacity meter on it (as the local stack and the bench add one). */
type Client = { dynamo: DynamoDBDocumentClient; dynamoSettings: ReturnType<typeof dynamoClientSettings> };
let data: Client & { capacity: CapacityMeter };
let middleware: typeof import('../../shared/data/middleware');

const clientOf = (deps: Deps): Client => ({ dynamo: deps.db.client, dynamoSettings: dynamoClientSettings(deps.settings) });

beforeAll(async () => {
  const { ensureTable, localClient } = await import('../../local/table');
  await ensureTable(localClient(inject('dynamoEndpoint')), tableName);
  const client = clientOf(createDeps());
  data = { ...client, capacity: meterCapacity(client.dynamo) };
  middleware = await import('../../shared/data/middleware');
});

/** Runs `check` on a client of deps read from `env` (the SDK reads some of it lazily: it stays set during `check`). */
const withClientUnder = async (env: Record<string, string | undefined>, check: (client: Client) => Promise<void>) => {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  const assign = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  assign(env);
  try {
    await check(clientOf(createDeps(process.env)));
  } finally {
    assign(saved);
  }
};

const endpointOf = async (client: typeof data.dynamo) => {
  const e = await client.config.endpoint!();
  return `${e.protocol}//${e.hostname}${e.port ? `:${e.port}` : ''}${e.path}`;
};

const pk = () => `DC#${randomUUID()}`;

describe('settings (read once per process)', () => {
  it('a local endpoint is just another endpoint: DYNAMODB_ENDPOINT, no request timeout unless YIJIAN_DYNAMODB_TIMEOUT_MS says so', async () => {
    await withClientUnder({ DYNAMODB_ENDPOINT: 'http://127.0.0.1:1', YIJIAN_DYNAMODB_TIMEOUT_MS: undefined }, async (local) => {
      expect(local.dynamoSettings).toEqual({ endpoint: 'http://127.0.0.1:1', maxAttempts: 4, requestTimeoutMs: 0, connectTimeoutMs: 0 });
      expect(await endpointOf(local.dynamo)).toBe('http://127.0.0.1:1/');
      expect(await local.dynamo.config.maxAttempts()).toBe(4);
    });
    await withClientUnder({ DYNAMODB_ENDPOINT: 'http://127.0.0.1:1', YIJIAN_DYNAMODB_TIMEOUT_MS: '250' }, async (timed) => {
      expect(timed.dynamoSettings).toMatchObject({ requestTimeoutMs: 250, connectTimeoutMs: 1000 });
    });
  });

  it('deployed (no DYNAMODB_ENDPOINT): the regional endpoint, a 1.5 s request timeout that gives up, 4 attempts', async () => {
    await withClientUnder({ DYNAMODB_ENDPOINT: undefined, YIJIAN_DYNAMODB_TIMEOUT_MS: undefined, AWS_REGION: 'eu-central-1' }, async (deployed) => {
      expect(deployed.dynamoSettings).toEqual({ endpoint: undefined, maxAttempts: 4, requestTimeoutMs: 1500, connectTimeoutMs: 1000 });
      expect(await deployed.dynamo.config.region()).toBe('eu-central-1');
      expect(await deployed.dynamo.config.maxAttempts()).toBe(4);
      // The handler's configuration, as NodeHttpHandler resolves it before its first request.
      const handler = deployed.dynamo.config.requestHandler as unknown as { configProvider: Promise<Record<string, unknown>> };
      expect(await handler.configProvider).toMatchObject({ requestTimeout: 1500, connectionTimeout: 1000, throwOnRequestTimeout: true });
    });
  });
});

describe('documents', () => {
  it('drops undefined members and keeps binaries as bytes, as the data layer has always written them', async () => {
    const key = { pk: pk(), sk: '#' };
    const bytes = new Uint8Array([0, 1, 254, 255]);
    await data.dynamo.send(new PutCommand({ TableName: tableName, Item: { ...key, gone: undefined, nested: { a: 1, b: undefined }, bytes } }));
    const { Item } = await data.dynamo.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
    expect(Item).toEqual({ ...key, nested: { a: 1 }, bytes });
  });
});

describe('the capacity meter (shared/data/capacity.ts)', () => {
  it('off: adds nothing and asks for nothing', async () => {
    data.capacity.reset();
    const seen: unknown[] = [];
    const stop = middleware.intercept(data.dynamo, async (_operation, input, next) => {
      const output = await next(input);
      seen.push(output.ConsumedCapacity);
      return output;
    });
    try {
      await data.dynamo.send(new GetCommand({ TableName: tableName, Key: { pk: pk(), sk: '#' } }));
    } finally {
      stop();
    }
    expect(seen).toEqual([undefined]);
    expect(data.capacity).toMatchObject({ read: 0, write: 0, total: 0, background: { read: 0, write: 0 } });
  });

  it('on: reads and writes are added up by operation, background work apart; the caller\'s command is left as it was', async () => {
    data.capacity.reset();
    data.capacity.measuring = true;
    const key = { pk: pk(), sk: '#' };
    try {
      const put = new PutCommand({ TableName: tableName, Item: { ...key, n: 1 } });
      await data.dynamo.send(put);
      expect(put.input).not.toHaveProperty('ReturnConsumedCapacity');
      expect(data.capacity).toMatchObject({ read: 0, write: 1, total: 1 });
      await data.dynamo.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
      await data.dynamo.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': key.pk } }));
      expect(data.capacity.read).toBeGreaterThan(0);
      const reads = data.capacity.read;
      // A transaction reports its capacity per table, in a list: it is a write.
      await data.dynamo.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: tableName, Item: { ...key, sk: 'T' } } }] }));
      expect(data.capacity.write).toBeGreaterThanOrEqual(3);
      expect(data.capacity.read).toBe(reads);
      expect(data.capacity.total).toBe(data.capacity.read + data.capacity.write);

      const before = { ...data.capacity, background: { ...data.capacity.background } };
      data.capacity.isBackground = () => true;
      await data.dynamo.send(new UpdateCommand({ TableName: tableName, Key: key, UpdateExpression: 'SET n = n + :one', ExpressionAttributeValues: { ':one': 1 } }));
      await data.dynamo.send(new GetCommand({ TableName: tableName, Key: key }));
      expect(data.capacity).toMatchObject({ read: before.read, write: before.write, total: before.total });
      expect(data.capacity.background.write).toBe(1);
      expect(data.capacity.background.read).toBeGreaterThan(0);
    } finally {
      data.capacity.measuring = false;
      data.capacity.isBackground = () => false;
      data.capacity.reset();
    }
  });
});

describe('interceptors (shared/data/middleware.ts)', () => {
  it('see every operation by its DynamoDB name, once per send, in the order added, and may change the output', async () => {
    const trace: string[] = [];
    const outer = middleware.intercept(data.dynamo, async (operation, input, next) => {
      trace.push(`outer>${operation}`);
      const output = await next(input);
      trace.push(`outer<${operation}`);
      return output;
    });
    const inner = middleware.intercept(data.dynamo, async (operation, input, next) => {
      trace.push(`inner>${operation}`);
      return { ...(await next(input)), marked: true };
    });
    try {
      const key = { pk: pk(), sk: '#' };
      await data.dynamo.send(new PutCommand({ TableName: tableName, Item: key }));
      const got = await data.dynamo.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
      expect(got).toMatchObject({ Item: key, marked: true });
      expect(trace).toEqual(['outer>PutItem', 'inner>PutItem', 'outer<PutItem', 'outer>GetItem', 'inner>GetItem', 'outer<GetItem']);
    } finally {
      outer();
      inner();
    }
    trace.length = 0;
    await data.dynamo.send(new GetCommand({ TableName: tableName, Key: { pk: pk(), sk: '#' } }));
    expect(trace, 'removed').toEqual([]);
  });

  it('an interceptor that throws fails the send with its error', async () => {
    const stop = middleware.intercept(data.dynamo, async () => {
      throw new Error('refused by interceptor');
    });
    try {
      await expect(data.dynamo.send(new GetCommand({ TableName: tableName, Key: { pk: pk(), sk: '#' } }))).rejects.toThrow('refused by interceptor');
    } finally {
      stop();
    }
  });
});

describe('the local commit barrier (local/commit-barrier.ts)', () => {
  it('reads once through the same client after every transaction, and after nothing else', async () => {
    const [{ addCommitBarrier }, { commitBarrierKey }] = await Promise.all([import('../../local/commit-barrier'), import('../../shared/data/keys')]);
    const sent: string[] = [];
    const removeBarrier = addCommitBarrier(data.dynamo, tableName);
    const stopWatching = middleware.intercept(data.dynamo, async (operation, input, next) => {
      sent.push(operation === 'GetItem' && (input.Key as { pk?: string }).pk === commitBarrierKey.pk ? 'barrier' : operation);
      return next(input);
    });
    try {
      const key = { pk: pk(), sk: '#' };
      await data.dynamo.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: tableName, Item: key } }] }));
      await data.dynamo.send(new PutCommand({ TableName: tableName, Item: { ...key, sk: 'P' } }));
      await data.dynamo.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
    } finally {
      stopWatching();
      removeBarrier();
    }
    expect(sent).toEqual(['TransactWriteItems', 'barrier', 'PutItem', 'GetItem']);
  });
});
