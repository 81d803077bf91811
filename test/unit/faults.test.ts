import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { demoDirectory } from '../../shared/demo/directory';
import { leakPattern } from '../support/stack';

/**
 * Fault injection: what DynamoDB Local never does (throttle, fail inside, time out, reset the
 * connection, cancel a transaction for a conflict), injected under the SDK at its HTTP layer so the
 * SDK's own deserializer and retry strategy see exactly what the service would send. Every other
 * request goes through to the run's DynamoDB Local, on a table of this file's own.
 *
 *  - transient faults are retried by the SDK (the client is configured with maxAttempts 4);
 *  - faults that outlast the retries give a 503 problem with Retry-After on every write path,
 *    with nothing of the cause in the body, and nothing written;
 *  - a transaction that fails on one of its entries (the last one included) leaves nothing behind.
 */

// Handlers read their configuration at module load, as in Lambda: set it before importing them.
const tableName = `faults-${randomBytes(6).toString('hex')}`;
Object.assign(process.env, {
  TABLE_NAME: tableName,
  DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  // One public write per address and window: each request below comes from its own address, but
  // the last-entry test needs the limiter's entry (always the last of a transaction) in place.
  YIJIAN_RATE_LIMIT: '1/600',
  // The request timeout deployed functions use (locally, against DynamoDB Local, there is none).
  YIJIAN_DYNAMODB_TIMEOUT_MS: '1500',
});
delete process.env.AWS_PROFILE;

type Invoke = (e: APIGatewayProxyEventV2, c: Context) => Promise<APIGatewayProxyStructuredResultV2>;
type Modules = Awaited<ReturnType<typeof load>>;
const load = async () => {
  const [client, items, directory, counters, keys, lib, table, idempotency] = await Promise.all([
    import('../../shared/data/client'),
    import('../../shared/data/items'),
    import('../../shared/data/directory'),
    import('../../shared/data/counters'),
    import('../../shared/data/keys'),
    import('@aws-sdk/lib-dynamodb'),
    import('../../local/table'),
    import('../../shared/domain/idempotency'),
  ]);
  const handlers = {
    createSubmission: (await import('../../functions/create-submission')).handler as unknown as Invoke,
    createFollowUp: (await import('../../functions/create-follow-up')).handler as unknown as Invoke,
    createReply: (await import('../../functions/create-reply')).handler as unknown as Invoke,
    transitionItem: (await import('../../functions/transition-item')).handler as unknown as Invoke,
    assignItem: (await import('../../functions/assign-item')).handler as unknown as Invoke,
    putDirectory: (await import('../../functions/put-directory')).handler as unknown as Invoke,
  };
  return { ...client, ...items, ...directory, ...counters, ...keys, lib, table, idempotency, handlers };
};
let m: Modules;

// ---------------------------------------------------------------------------------------------
// The fault injector: wraps the client's HTTP handler (shared by the document client).

type Fault =
  | { kind: 'service'; status: number; type: string; extra?: Record<string, unknown> }
  | { kind: 'throw'; error: () => Error }
  | { kind: 'stall' };

interface Plan {
  readonly operation: string;
  readonly fault: Fault;
  /** How many requests of that operation fail (Infinity: all of them). */
  remaining: number;
}

let plan: Plan | null = null;
const calls = new Map<string, number>();
const count = (operation: string) => calls.get(operation) ?? 0;

/** A TCP server that accepts connections and never answers: a DynamoDB connection that hangs. */
let stallServer: Server | undefined;
const stalled = new Set<Socket>();
let stallPort = 0;

interface SmithyRequest {
  headers: Record<string, string>;
  hostname: string;
  port?: number;
  protocol: string;
}
interface SmithyHandler {
  handle(request: SmithyRequest, options?: unknown): Promise<{ response: unknown }>;
}

const serviceError = (status: number, type: string, extra: Record<string, unknown> = {}) => ({
  response: {
    statusCode: status,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': `FAULT${randomUUID()}` },
    body: Readable.from([Buffer.from(JSON.stringify({ __type: type, message: `injected ${type}`, ...extra }), 'utf8')]),
  },
});

const installInjector = async () => {
  const config = m.dynamo.config as unknown as { requestHandler: SmithyHandler };
  const real = config.requestHandler;
  const injector: SmithyHandler = {
    handle: async (request, options) => {
      const target = Object.entries(request.headers).find(([name]) => name.toLowerCase() === 'x-amz-target')?.[1] ?? '';
      const operation = target.split('.')[1] ?? '?';
      calls.set(operation, count(operation) + 1);
      if (plan && plan.operation === operation && plan.remaining > 0) {
        plan.remaining--;
        const { fault } = plan;
        if (fault.kind === 'service') return serviceError(fault.status, fault.type, fault.extra);
        if (fault.kind === 'throw') throw fault.error();
        return real.handle({ ...request, hostname: '127.0.0.1', port: stallPort }, options);
      }
      return real.handle(request, options);
    },
  };
  Object.setPrototypeOf(injector, real);
  config.requestHandler = injector;
};

/** The faults DynamoDB (or the network under the SDK) produces, as the SDK receives them. */
const faults: Record<string, Fault> = {
  ProvisionedThroughputExceededException: {
    kind: 'service',
    status: 400,
    type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
  },
  ThrottlingException: { kind: 'service', status: 400, type: 'com.amazon.coral.availability#ThrottlingException' },
  RequestLimitExceeded: { kind: 'service', status: 400, type: 'com.amazonaws.dynamodb.v20120810#RequestLimitExceeded' },
  InternalServerError: { kind: 'service', status: 500, type: 'com.amazonaws.dynamodb.v20120810#InternalServerError' },
  ServiceUnavailable: { kind: 'service', status: 503, type: 'com.amazon.coral.availability#ServiceUnavailableException' },
  // What @smithy/node-http-handler throws when a connection or request times out.
  TimeoutError: { kind: 'throw', error: () => Object.assign(new Error('Connection timed out after 1000 ms'), { name: 'TimeoutError' }) },
  // A connection reset by the peer (a load balancer recycling, a network blip).
  ECONNRESET: { kind: 'throw', error: () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) },
};

// ---------------------------------------------------------------------------------------------
// API Gateway payload-2.0 events and a Lambda context.

let ipCounter = 0;
const nextIp = () => `198.51.${Math.floor(++ipCounter / 250) % 250}.${(ipCounter % 250) + 1}`;

const event = (options: {
  method: string;
  path: string;
  route: string;
  body?: unknown;
  headers?: Record<string, string>;
  params?: Record<string, string>;
  staff?: boolean;
  sourceIp?: string;
}): APIGatewayProxyEventV2 => {
  const now = new Date();
  const sourceIp = options.sourceIp ?? nextIp();
  return {
    version: '2.0',
    routeKey: `${options.method} ${options.route}`,
    rawPath: options.path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', host: 'desk.example', ...(options.headers ?? {}) },
    ...(options.params ? { pathParameters: options.params } : {}),
    isBase64Encoded: false,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'desk.example',
      domainPrefix: 'desk',
      http: { method: options.method, path: options.path, protocol: 'HTTP/1.1', sourceIp, userAgent: 'vitest' },
      requestId: randomUUID(),
      routeKey: `${options.method} ${options.route}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      ...(options.staff
        ? { authorizer: { jwt: { claims: { sub: 'office-1', name: '办公室', 'cognito:groups': '[office]', token_use: 'access' }, scopes: [] } } }
        : {}),
    },
  } as APIGatewayProxyEventV2;
};

const context = (): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'yijian-faults',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:yijian-faults',
  memoryLimitInMB: '256',
  awsRequestId: randomUUID(),
  logGroupName: '/aws/lambda/yijian-faults',
  logStreamName: 'test',
  getRemainingTimeInMillis: () => 10_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

const submission = (title = `故障注入 ${randomUUID()}`) => ({ kind: 'question', title, body: '数据库忙时会怎样？', unitId: 'u01', anonymous: true });

/** A fresh item (routed to g1, `assigned`), with its code and key. */
const freshItem = async () => {
  const r = await m.handlers.createSubmission(event({ method: 'POST', path: '/api/submissions', route: '/api/submissions', body: submission() }), context());
  expect(r.statusCode, r.body).toBe(201);
  return JSON.parse(r.body!) as { trackingCode: string; accessKey: string };
};

/** Each write path: its handler, the request, and the DynamoDB operation that writes. */
const writePaths = (item: { trackingCode: string; accessKey: string }) => {
  const code = item.trackingCode;
  return [
    {
      name: 'POST /api/submissions',
      operation: 'TransactWriteItems',
      invoke: () => m.handlers.createSubmission(event({ method: 'POST', path: '/api/submissions', route: '/api/submissions', body: submission() }), context()),
    },
    {
      name: 'POST /api/submissions/{trackingCode}/follow-ups',
      operation: 'TransactWriteItems',
      invoke: () =>
        m.handlers.createFollowUp(
          event({
            method: 'POST',
            path: `/api/submissions/${code}/follow-ups`,
            route: '/api/submissions/{trackingCode}/follow-ups',
            params: { trackingCode: code },
            headers: { 'x-access-key': item.accessKey },
            body: { body: '补充一句。' },
          }),
          context(),
        ),
    },
    {
      name: 'POST /api/items/{id}/replies',
      operation: 'TransactWriteItems',
      invoke: () =>
        m.handlers.createReply(
          event({ method: 'POST', path: `/api/items/${code}/replies`, route: '/api/items/{id}/replies', params: { id: code }, staff: true, body: { body: '内部备注', visibility: 'internal' } }),
          context(),
        ),
    },
    {
      name: 'POST /api/items/{id}/transition',
      operation: 'TransactWriteItems',
      invoke: () =>
        m.handlers.transitionItem(
          event({ method: 'POST', path: `/api/items/${code}/transition`, route: '/api/items/{id}/transition', params: { id: code }, staff: true, body: { action: 'start' } }),
          context(),
        ),
    },
    {
      name: 'POST /api/items/{id}/assign',
      operation: 'TransactWriteItems',
      invoke: () =>
        m.handlers.assignItem(
          event({ method: 'POST', path: `/api/items/${code}/assign`, route: '/api/items/{id}/assign', params: { id: code }, staff: true, body: { groupId: 'g2' } }),
          context(),
        ),
    },
    {
      name: 'PUT /api/admin/directory',
      operation: 'PutItem',
      invoke: () => m.handlers.putDirectory(event({ method: 'PUT', path: '/api/admin/directory', route: '/api/admin/directory', staff: true, body: demoDirectory }), context()),
    },
  ];
};

/** The 503 a client may retry: problem+json, Retry-After, nothing of the cause. */
const expectUnavailable = (r: APIGatewayProxyStructuredResultV2, faultName: string) => {
  const where = `${r.statusCode} ${r.body}`;
  expect(r.statusCode, where).toBe(503);
  expect(r.headers?.['content-type']).toMatch(/^application\/problem\+json/);
  const retryAfter = Object.entries(r.headers ?? {}).find(([name]) => name.toLowerCase() === 'retry-after')?.[1];
  expect(String(retryAfter), 'Retry-After').toMatch(/^[1-9][0-9]*$/);
  const doc = JSON.parse(r.body!) as { status: number; title: string; type: string };
  expect(doc.status).toBe(503);
  expect(r.body).not.toMatch(leakPattern);
  for (const fragment of [faultName, 'injected', 'Exception', 'Throttl', 'socket', 'ECONN', 'TransactWrite', 'PutItem', tableName]) expect(r.body).not.toContain(fragment);
};

/** What a write could have touched: the table's items, counters and the target's version and events. */
const snapshot = async (code: string) => {
  const collection = await m.dynamo.send(
    new m.lib.QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': m.itemPk(code) }, ConsistentRead: true }),
  );
  const items = await m.dynamo.send(
    new m.lib.QueryCommand({ TableName: tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': 'ITEMS' }, Select: 'COUNT' }),
  );
  return {
    records: collection.Items?.map((i) => `${i.sk}@${i.version ?? ''}`).sort(),
    items: items.Count,
    counters: JSON.stringify(await m.readCounters()),
    directory: JSON.stringify(await m.getDirectory()),
  };
};

// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  m = await load();
  await m.table.ensureTable(m.table.localClient(inject('dynamoEndpoint')), tableName);
  await m.putDirectory(demoDirectory);
  await installInjector();
  stallServer = createServer((socket) => {
    stalled.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => stalled.delete(socket));
  });
  await new Promise<void>((resolve) => stallServer!.listen(0, '127.0.0.1', resolve));
  stallPort = (stallServer.address() as { port: number }).port;
});

afterAll(async () => {
  plan = null;
  for (const socket of stalled) socket.destroy();
  await new Promise<void>((resolve) => stallServer?.close(() => resolve()) ?? resolve());
});

beforeEach(async () => {
  plan = null;
  calls.clear();
  // Backoff with full jitter: Math.random() = 0 makes every retry immediate (the count is what matters).
  vi.spyOn(Math, 'random').mockReturnValue(0);
  // Each test starts with the retry quota of a fresh Lambda container (persistent faults drain it).
  const strategy = (await (m.dynamo.config as unknown as { retryStrategy: () => Promise<{ capacity?: number }> }).retryStrategy()) as { capacity?: number };
  if (typeof strategy.capacity === 'number') strategy.capacity = 500;
  // The logger reports what the client never sees; keep the test output readable.
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});

afterEach(() => {
  plan = null;
  vi.restoreAllMocks();
});

describe('transient DynamoDB faults are retried by the SDK (maxAttempts 4)', () => {
  for (const [name, fault] of Object.entries(faults)) {
    it(`${name} on the submission's transaction, three times: retried, then 201, one item`, async () => {
      const title = `retried ${name} ${randomUUID()}`;
      plan = { operation: 'TransactWriteItems', fault, remaining: 3 };
      const r = await m.handlers.createSubmission(event({ method: 'POST', path: '/api/submissions', route: '/api/submissions', body: submission(title) }), context());
      expect(r.statusCode, r.body).toBe(201);
      expect(count('TransactWriteItems'), 'attempts: 3 faults, then the one that went through').toBe(4);
      const receipt = JSON.parse(r.body!) as { trackingCode: string };
      const stored = await m.getItemWithEvents(receipt.trackingCode);
      expect(stored?.item.title).toBe(title);
      expect(stored?.events.map((e) => e.action)).toEqual(['submit']);
    });
  }

  it('a fault that is not transient (ValidationException) is not retried', async () => {
    plan = { operation: 'TransactWriteItems', fault: { kind: 'service', status: 400, type: 'com.amazon.coral.validate#ValidationException' }, remaining: Infinity };
    const r = await m.handlers.createSubmission(event({ method: 'POST', path: '/api/submissions', route: '/api/submissions', body: submission() }), context());
    expect(count('TransactWriteItems')).toBe(1);
    expect(r.statusCode).toBe(500);
    expect(r.body).not.toMatch(leakPattern);
  });
});

describe('faults that outlast the retries: 503 with Retry-After on every write path, nothing written', () => {
  let item: { trackingCode: string; accessKey: string };
  beforeAll(async () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    item = await freshItem();
    vi.restoreAllMocks();
  });

  for (const [faultName, fault] of Object.entries(faults)) {
    describe(faultName, () => {
      for (const path of writePaths({ trackingCode: 'YJ-0000-0000', accessKey: '' })) {
        it(`${path.name}: retried to the limit, then a 503 problem`, async () => {
          const target = writePaths(item).find((p) => p.name === path.name)!;
          const before = await snapshot(item.trackingCode);
          plan = { operation: target.operation, fault, remaining: Infinity };
          const r = await target.invoke();
          plan = null;
          expectUnavailable(r, faultName);
          expect(count(target.operation), 'the SDK tried 4 times').toBe(4);
          expect(await snapshot(item.trackingCode)).toEqual(before);
        });
      }
    });
  }

  it('transactions cancelled for conflicts, again and again: retried by the app (6 times), then a 503', async () => {
    const before = await snapshot(item.trackingCode);
    plan = {
      operation: 'TransactWriteItems',
      fault: {
        kind: 'service',
        status: 400,
        type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
        extra: {
          Message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict, None]',
          CancellationReasons: [{ Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }, { Code: 'None' }],
        },
      },
      remaining: Infinity,
    };
    const r = await writePaths(item)[2].invoke();
    plan = null;
    expectUnavailable(r, 'TransactionCanceledException');
    expect(count('TransactWriteItems')).toBe(6);
    expect(await snapshot(item.trackingCode)).toEqual(before);
  });

  it('a transaction cancelled because DynamoDB throttled one of its items: a 503', async () => {
    plan = {
      operation: 'TransactWriteItems',
      fault: {
        kind: 'service',
        status: 400,
        type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
        extra: { Message: 'Transaction cancelled [None, ThrottlingError]', CancellationReasons: [{ Code: 'None' }, { Code: 'ThrottlingError', Message: 'Throughput exceeds the current capacity' }] },
      },
      remaining: Infinity,
    };
    expectUnavailable(await writePaths(item)[0].invoke(), 'ThrottlingError');
  });

  it('a read that stays throttled (the directory, before any write) is a 503 too', async () => {
    // The directory is cached for a second per process: this is the read when the cache is cold.
    (await import('../../shared/services/directory')).forgetDirectory();
    plan = { operation: 'GetItem', fault: faults.ProvisionedThroughputExceededException, remaining: Infinity };
    const r = await writePaths(item)[0].invoke();
    plan = null;
    expectUnavailable(r, 'ProvisionedThroughputExceededException');
    expect(count('TransactWriteItems')).toBe(0);
  });

  it(
    'a DynamoDB connection that hangs is given up in time: a 503 before the 10 s Lambda timeout',
    { timeout: 20_000 },
    async () => {
      plan = { operation: 'TransactWriteItems', fault: { kind: 'stall' }, remaining: Infinity };
      const started = performance.now();
      const answer = writePaths(item)[0].invoke();
      const deadline = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 9_000));
      const r = await Promise.race([answer, deadline]);
      // Let whatever still hangs go (and fail) quickly.
      plan = null;
      for (const socket of stalled) socket.destroy();
      expect(r, 'no answer within 9 s: the client sets no request timeout (the SDK default socket timeout is 300 s)').not.toBe('hung');
      expectUnavailable(r as APIGatewayProxyStructuredResultV2, 'TimeoutError');
      expect(performance.now() - started).toBeLessThan(9_000);
    },
  );
});

describe('a transaction that fails on one entry leaves nothing behind (DynamoDB Local)', () => {
  it('failing on its last entry (the rate limiter): 429, and no item, event, idempotency record or count', async () => {
    const sourceIp = nextIp();
    const first = await m.handlers.createSubmission(event({ method: 'POST', path: '/api/submissions', route: '/api/submissions', body: submission(), sourceIp }), context());
    expect(first.statusCode, first.body).toBe(201);
    const title = `refused ${randomUUID()}`;
    const key = `last-entry-${randomUUID()}`;
    const before = await snapshot('YJ-0000-0000');
    const calls0 = count('TransactWriteItems');
    const second = await m.handlers.createSubmission(
      event({ method: 'POST', path: '/api/submissions', route: '/api/submissions', body: submission(title), sourceIp, headers: { 'idempotency-key': key } }),
      context(),
    );
    expect(second.statusCode, second.body).toBe(429);
    // It did reach DynamoDB as one transaction, whose last entry failed its condition.
    expect(count('TransactWriteItems') - calls0).toBe(1);
    expect(await snapshot('YJ-0000-0000')).toEqual(before);
    const { Item } = await m.dynamo.send(new m.lib.GetCommand({ TableName: tableName, Key: m.idempotencyKey(m.idempotency.idempotencyKeyHash(key)), ConsistentRead: true }));
    expect(Item, 'no idempotency record').toBeUndefined();
  });

  it('failing on its idempotency entry: neither the item nor its first event exists', async () => {
    const { createItem, IdempotencyKeyTakenError } = m;
    const code = 'YJ-FA17-0001';
    const keyHash = m.idempotency.idempotencyKeyHash(`taken-${randomUUID()}`);
    // Another request holds this key, unexpired.
    await m.dynamo.send(
      new m.lib.PutCommand({
        TableName: tableName,
        Item: { ...m.idempotencyKey(keyHash), entity: 'idempotency', requestHash: 'other', sealed: 'x', expiresAt: Math.floor(Date.now() / 1000) + 3600 },
      }),
    );
    const before = await snapshot(code);
    const now = new Date().toISOString();
    const attempt = createItem(
      {
        trackingCode: code,
        kind: 'question',
        title: 't',
        body: 'b',
        status: 'submitted',
        phase: 'study',
        createdAt: now,
        updatedAt: now,
        version: 1,
        accessKeyHash: 'h',
        anonymous: true,
        recommended: false,
      },
      { version: 1, at: now, action: 'submit', by: { type: 'submitter' }, to: 'submitted' },
      { keyHash, requestHash: 'mine', sealed: 'y', expiresAt: Math.floor(Date.now() / 1000) + 3600 },
    );
    await expect(attempt).rejects.toBeInstanceOf(IdempotencyKeyTakenError);
    const after = await snapshot(code);
    expect(after).toEqual(before);
    expect(after.records, 'no item, no event').toEqual([]);
  });

  it('failing on its event entry (a racing writer took the version): the item keeps its version, counts unchanged', async () => {
    const item = await freshItem();
    const current = (await m.getItem(item.trackingCode))!;
    // The event for the next version already exists, as if another writer had just committed it.
    await m.dynamo.send(
      new m.lib.PutCommand({
        TableName: tableName,
        Item: { pk: m.itemPk(current.trackingCode), sk: m.eventSk(current.version + 1), entity: 'event', version: current.version + 1, at: new Date().toISOString(), action: 'note', by: { type: 'system' } },
      }),
    );
    const before = await snapshot(item.trackingCode);
    const at = new Date().toISOString();
    const attempt = m.commitChange(current, {
      set: { status: 'in_progress', updatedAt: at },
      event: { at, action: 'start', by: { type: 'staff', sub: 'x', name: 'x' }, from: current.status, to: 'in_progress' },
    });
    await expect(attempt).rejects.toBeInstanceOf(m.StaleItemError);
    expect(await snapshot(item.trackingCode)).toEqual(before);
    expect((await m.getItem(item.trackingCode))!.version).toBe(current.version);
  });
});
