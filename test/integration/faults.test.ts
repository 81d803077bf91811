import { randomBytes, randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { demoDirectory } from '../../shared/demo/directory';
import { contributions, counterCell, pendingDue, type CountedItem, type Counts } from '../../shared/domain/counters';
import { faults as canned, startFaultProxy, type Fault, type FaultProxy, type RecordedRequest } from '../support/fault-proxy';
import { lambdaContext } from '../../local/lambda-context';
import { leakPattern } from '../support/stack';

/**
 * Fault injection: what DynamoDB Local never does (throttle, fail inside, time out, reset the
 * connection, cancel a transaction for a conflict), injected by a real HTTP proxy in front of the
 * run's DynamoDB Local (test/support/fault-proxy.ts): the handlers' DYNAMODB_ENDPOINT is the
 * proxy, so the AWS SDK client's own parser, retry strategy and timeouts (shared/data/db.ts)
 * see exactly the bytes and socket events the service would produce. Every other request goes
 * through to DynamoDB Local, on a table of this file's own. The test's own reads and set-up writes
 * go to DynamoDB Local directly: they are never faulted, never counted.
 *
 *  - transient faults are retried by the client (maxAttempts 4, the same request each time);
 *  - faults that outlast the retries give a 503 problem with Retry-After on every write path,
 *    with nothing of the cause in the body, and nothing written;
 *  - a transaction that fails on one of its entries (the last one included) leaves nothing behind;
 *  - the tally (the change stream folded into the dashboard's counters) throws when its
 *    transaction keeps failing, stores nothing of that step, and counts the batch delivered again
 *    exactly once.
 *
 * The write paths as they are (shared/data/items.ts): a submission without Idempotency-Key and
 * without rate limiting is one conditional PutItem; with either it is a TransactWriteItems of the
 * item, the idempotency record and/or the rate-limit counter; a change (staff, or the submitter's
 * follow-up) is a TransactWriteItems of the item update and its event (and the rate-limit counter
 * of a public write). No write path touches the dashboard's counters: the tally does, from the stream.
 */

// Handlers read their configuration at module load, as in Lambda: set it before importing them
// (DYNAMODB_ENDPOINT too, once the proxy is listening: see beforeAll).
const tableName = `faults-${randomBytes(6).toString('hex')}`;
Object.assign(process.env, {
  TABLE_NAME: tableName,
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
const requestTimeoutMs = 1500;

/** The test's own view of the table: straight to DynamoDB Local, around the proxy. */
const direct = DynamoDBDocumentClient.from(
  new DynamoDBClient({ endpoint: inject('dynamoEndpoint'), region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
);

let proxy: FaultProxy;

type Invoke = (e: APIGatewayProxyEventV2, c: Context) => Promise<APIGatewayProxyStructuredResultV2>;
type Modules = Awaited<ReturnType<typeof load>>;
const load = async () => {
  const [{ processDeps }, { dynamoClientSettings }, middleware, items, directory, counters, keys, table, idempotency, services, tally, problem] = await Promise.all([
    import('../../shared/deps'),
    import('../../shared/data/db'),
    import('../../shared/data/middleware'),
    import('../../shared/data/items'),
    import('../../shared/data/directory'),
    import('../../shared/data/counters'),
    import('../../shared/data/keys'),
    import('../../local/table'),
    import('../../shared/domain/idempotency'),
    import('../../shared/services/directory'),
    import('../../shared/services/tally'),
    import('../../shared/http/problem'),
  ]);
  const handlers = {
    createSubmission: (await import('../../functions/create-submission')).handler as unknown as Invoke,
    createFollowUp: (await import('../../functions/create-follow-up')).handler as unknown as Invoke,
    createReply: (await import('../../functions/create-reply')).handler as unknown as Invoke,
    transitionItem: (await import('../../functions/transition-item')).handler as unknown as Invoke,
    assignItem: (await import('../../functions/assign-item')).handler as unknown as Invoke,
    putDirectory: (await import('../../functions/put-directory')).handler as unknown as Invoke,
    tally: (await import('../../functions/tally')).handler as unknown as (e: DynamoDBStreamEvent, c: Context) => Promise<DynamoDBBatchResponse>,
  };
  // The deps the handlers built at load (this process's, as in Lambda): the test reaches the same client.
  const deps = processDeps();
  const client = { dynamo: deps.db.client, dynamoSettings: dynamoClientSettings(deps.settings) };
  return { deps, client, middleware, items, directory, counters, keys, table, idempotency, services, tally, problem, handlers };
};
let m: Modules;

/**
 * The same submission function deployed without rate limiting: on deps of its own read from the
 * environment with YIJIAN_RATE_LIMIT=off and YIJIAN_ROOM_LIMIT=off, with their own DynamoDB client, behind the same proxy.
 */
let plain: { createSubmission: Invoke; dynamo: DynamoDBDocumentClient };
const loadPlain = async () => {
  const [{ handler }, { createDeps }] = await Promise.all([import('../../functions/create-submission'), import('../../shared/deps')]);
  const deps = createDeps({ ...process.env, YIJIAN_RATE_LIMIT: 'off', YIJIAN_ROOM_LIMIT: 'off' });
  return { createSubmission: handler.withDeps(deps) as unknown as Invoke, dynamo: deps.db.client };
};

// ---------------------------------------------------------------------------------------------
// The faults, as DynamoDB (or the network under the client) produces them, keyed by the name the
// client would give them (none of which may reach a response body).

const faults: Record<string, Fault> = {
  ProvisionedThroughputExceededException: canned.provisionedThroughputExceeded,
  ThrottlingException: canned.throttling,
  RequestLimitExceeded: { kind: 'status', status: 400, type: 'com.amazonaws.dynamodb.v20120810#RequestLimitExceeded', message: 'Throughput exceeds the current throughput limit for your account.' },
  InternalServerError: canned.internalServerError,
  ServiceUnavailable: canned.serviceUnavailable,
  // A request that is never answered: the client gives it up after its request timeout.
  TimeoutError: canned.stall,
  // A connection reset by the peer (a load balancer recycling, a network blip).
  ECONNRESET: canned.reset,
};

const transactionCancelled = (reasons: { Code: string; Message?: string }[], message: string): Fault => ({
  kind: 'status',
  status: 400,
  type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
  message,
  extra: { CancellationReasons: reasons },
});

// ---------------------------------------------------------------------------------------------
// What the proxy saw: which keys each write named.

type Kind = 'item' | 'event' | 'idempotency' | 'rate-limit' | 'directory' | 'counter' | 'other';
interface Named {
  readonly key: string;
  readonly kind: Kind;
}
type WireKey = { pk?: { S?: string }; sk?: { S?: string } };
type Loose = Record<string, any>;

const keyOf = (pk: unknown, sk: unknown) => `${String(pk)} | ${String(sk)}`;
const kindOf = (pk: string, sk: string): Kind =>
  pk.startsWith('ITEM#')
    ? sk === '#ITEM'
      ? 'item'
      : 'event'
    : pk.startsWith('IDEM#')
      ? 'idempotency'
      : pk.startsWith('RATE#')
        ? 'rate-limit'
        : pk === 'DIRECTORY'
          ? 'directory'
          : pk === 'COUNTERS' || pk === 'DUECOUNT' || pk.startsWith('TALLY#')
            ? 'counter'
            : 'other';
const named = (key: WireKey): Named => {
  const pk = key.pk?.S ?? '?';
  const sk = key.sk?.S ?? '?';
  return { key: keyOf(pk, sk), kind: kindOf(pk, sk) };
};

const writeOperations = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems', 'BatchWriteItem']);

/** The keys a recorded write request names, in its order (a transaction's entries in theirs). */
const namedBy = (request: RecordedRequest): Named[] => {
  const body = JSON.parse(request.body) as Loose;
  switch (request.operation) {
    case 'PutItem':
      return [named(body.Item)];
    case 'UpdateItem':
    case 'DeleteItem':
      return [named(body.Key)];
    case 'TransactWriteItems':
      return (body.TransactItems as Loose[]).map((entry) => named(entry.Put?.Item ?? entry.Update?.Key ?? entry.Delete?.Key ?? entry.ConditionCheck?.Key));
    case 'BatchWriteItem':
      return Object.values(body.RequestItems as Record<string, Loose[]>).flatMap((writes) =>
        writes.map((w) => named(w.PutRequest?.Item ?? w.DeleteRequest?.Key)),
      );
    default:
      return [];
  }
};

/** Every key any write request named since the proxy was last reset. */
const keysWritten = () => proxy.requests().filter((r) => writeOperations.has(r.operation)).flatMap(namedBy);

/** The handler asked DynamoDB to write no counter item (only the tally keeps the counters). */
const expectNoCounterWritten = () => expect(keysWritten().filter((n) => n.kind === 'counter'), 'counter writes').toEqual([]);

// ---------------------------------------------------------------------------------------------
// The table as it is: the whole of it (it is this file's own, and small).

type Row = Record<string, unknown>;
const tableState = async (): Promise<Record<string, Row>> => {
  const rows: Record<string, Row> = {};
  let startKey: Row | undefined;
  do {
    const page = await direct.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: startKey }));
    for (const row of page.Items ?? []) rows[keyOf(row.pk, row.sk)] = row;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return rows;
};

/**
 * Nothing of a failed write exists: each key it named is as it was before (absent, for what it
 * would have created: the item, its event, the idempotency record, the rate-limit counter), and
 * nothing else in the table changed either (no counter item, no stray record).
 */
const expectNothingWritten = (before: Record<string, Row>, after: Record<string, Row>, names: readonly Named[]) => {
  for (const n of names) expect(after[n.key], `${n.kind} ${n.key}`).toEqual(before[n.key]);
  expect(after).toEqual(before);
};

/** An item's record, as stored (keys and all). */
const rawItem = async (code: string) =>
  (await direct.send(new GetCommand({ TableName: tableName, Key: { pk: m.keys.itemPk(code), sk: m.keys.itemSk }, ConsistentRead: true }))).Item;

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

const context = (): Context => lambdaContext('yijian-faults', { timeoutMs: 10_000 });

const submission = (title = `故障注入 ${randomUUID()}`) => ({ kind: 'question', title, body: '数据库忙时会怎样？', unitId: 'u01', anonymous: true });
const submissionEvent = (body: unknown, headers?: Record<string, string>) =>
  event({ method: 'POST', path: '/api/submissions', route: '/api/submissions', body, ...(headers ? { headers } : {}) });

/** A fresh item (routed to g1, `assigned`), with its code and key. */
const freshItem = async () => {
  const r = await m.handlers.createSubmission(submissionEvent(submission()), context());
  expect(r.statusCode, r.body).toBe(201);
  return JSON.parse(r.body!) as { trackingCode: string; accessKey: string };
};

interface WritePath {
  readonly name: string;
  /** The DynamoDB operation that writes. */
  readonly operation: 'TransactWriteItems' | 'PutItem';
  /** What that write names, in order. */
  readonly writes: readonly Kind[];
  readonly invoke: () => Promise<APIGatewayProxyStructuredResultV2>;
}

/** A staff action on an item (POST /api/items/{id}/<action>): the item and its event in one transaction. */
const staffItemWrite = (code: string, action: string, handler: 'createReply' | 'transitionItem' | 'assignItem', body: unknown): WritePath => ({
  name: `POST /api/items/{id}/${action}`,
  operation: 'TransactWriteItems',
  writes: ['item', 'event'],
  invoke: () =>
    m.handlers[handler](
      event({ method: 'POST', path: `/api/items/${code}/${action}`, route: `/api/items/{id}/${action}`, params: { id: code }, staff: true, body }),
      context(),
    ),
});

/** Each write path: its handler, the request, and the DynamoDB write it makes. */
const writePaths = (item: { trackingCode: string; accessKey: string }): WritePath[] => {
  const code = item.trackingCode;
  return [
    {
      name: 'POST /api/submissions (rate limited: the item and the rate-limit counter)',
      operation: 'TransactWriteItems',
      writes: ['item', 'rate-limit'],
      invoke: () => m.handlers.createSubmission(submissionEvent(submission()), context()),
    },
    {
      name: 'POST /api/submissions with an Idempotency-Key (the item, the idempotency record and the rate-limit counter)',
      operation: 'TransactWriteItems',
      writes: ['item', 'idempotency', 'rate-limit'],
      invoke: () => m.handlers.createSubmission(submissionEvent(submission(), { 'idempotency-key': `faults-${randomUUID()}` }), context()),
    },
    {
      name: 'POST /api/submissions without rate limiting (one conditional PutItem)',
      operation: 'PutItem',
      writes: ['item'],
      invoke: () => plain.createSubmission(submissionEvent(submission()), context()),
    },
    {
      name: 'POST /api/submissions/{trackingCode}/follow-ups',
      operation: 'TransactWriteItems',
      writes: ['item', 'event', 'rate-limit'],
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
    staffItemWrite(code, 'replies', 'createReply', { body: '内部备注', visibility: 'internal' }),
    staffItemWrite(code, 'transition', 'transitionItem', { action: 'start' }),
    staffItemWrite(code, 'assign', 'assignItem', { groupId: 'g2' }),
    {
      // A changed document (an unchanged one is answered at once, with nothing written).
      name: 'PUT /api/admin/directory',
      operation: 'PutItem',
      writes: ['directory'],
      invoke: () =>
        m.handlers.putDirectory(
          event({ method: 'PUT', path: '/api/admin/directory', route: '/api/admin/directory', staff: true, body: { ...demoDirectory, sla: { ...demoDirectory.sla, question: demoDirectory.sla.question + 1 } } }),
          context(),
        ),
    },
  ];
};

const writePath = (item: { trackingCode: string; accessKey: string }, name: string) => writePaths(item).find((p) => p.name.startsWith(name))!;

/** The 503 a client may retry: problem+json, Retry-After, nothing of the cause. */
const expectUnavailable = (r: APIGatewayProxyStructuredResultV2, faultName: string) => {
  const where = `${r.statusCode} ${r.body}`;
  expect(r.statusCode, where).toBe(503);
  expect(r.headers?.['content-type']).toMatch(/^application\/problem\+json/);
  const retryAfter = Object.entries(r.headers ?? {}).find(([name]) => name.toLowerCase() === 'retry-after')?.[1];
  expect(String(retryAfter), 'Retry-After').toMatch(/^[1-9][0-9]*$/);
  const doc = JSON.parse(r.body!) as { status: number; title: string; type: string };
  expect(doc.status).toBe(503);
  // The service's one "busy, try again" document, word for word: it has no room for a cause.
  expect(doc).toEqual(m.problem.problems.unavailable().toDocument());
  expect(r.body).not.toMatch(leakPattern);
  const port = new URL(proxy.endpoint).port;
  for (const fragment of [faultName, 'injected', 'Exception', 'Throttl', 'throughput', 'socket', 'hang up', 'timed out', 'ECONN', 'TransactWrite', 'PutItem', 'GetItem', tableName, '127.0.0.1', port]) {
    expect(r.body).not.toContain(fragment);
  }
};

/** The SDK's retry quota (its standard strategy's capacity), as a fresh Lambda container has it (a persistent fault drains it). */
const refillRetryQuota = async (client: DynamoDBDocumentClient) => {
  const strategy = (await client.config.retryStrategy()) as unknown as { capacity: number };
  if (typeof strategy.capacity !== 'number') throw new Error('the SDK keeps its retry quota elsewhere now: update refillRetryQuota');
  strategy.capacity = 500;
};

/** The client's HTTP handler (@smithy/node-http-handler's NodeHttpHandler), which holds the timeouts and the sockets. */
type HttpHandler = { httpHandlerConfigs(): Record<string, unknown>; updateHttpClientConfig(key: string, value: unknown): void; destroy(): void };
const httpHandlerOf = (client: DynamoDBDocumentClient) => client.config.requestHandler as unknown as HttpHandler;

/** Where a client sends its requests, as a URL without a trailing slash. */
const endpointOf = async (client: DynamoDBDocumentClient) => {
  const e = await client.config.endpoint!();
  return `${e.protocol}//${e.hostname}${e.port ? `:${e.port}` : ''}`;
};

/**
 * A hung request costs the client its request timeout per attempt (1.5 s, as deployed: four of
 * them are the hang test below). Elsewhere the tests check that a timed-out attempt is retried and
 * what the last one leads to, not how long the timeout is: there the attempts the proxy is planned
 * to stall meet a short timeout, and every other request (the real answer after them included)
 * keeps the configured one, so a loaded machine cannot turn a real answer into a timeout.
 */
let undoShortTimeouts: (() => void) | undefined;
const shortTimeoutWhileStalled = (operation: string, stalls: number, ms = 100) => {
  const configured = m.client.dynamoSettings.requestTimeoutMs;
  const name = 'faultsShortTimeoutWhileStalled';
  const undo = [m.client.dynamo, plain.dynamo].map((client) => {
    const handler = httpHandlerOf(client);
    // The deserialize step runs once per attempt, inside the SDK's retries: each attempt is sent
    // with the timeout set here, and the proxy has recorded the attempts before it.
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (m.middleware.operationOf(context) === operation) handler.updateHttpClientConfig('requestTimeout', proxy.count(operation) < stalls ? ms : configured);
        return next(args);
      },
      { step: 'deserialize', name },
    );
    return () => {
      client.middlewareStack.remove(name);
      handler.updateHttpClientConfig('requestTimeout', configured);
    };
  });
  undoShortTimeouts = () => undo.forEach((remove) => remove());
};

// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  proxy = await startFaultProxy(inject('dynamoEndpoint'));
  process.env.DYNAMODB_ENDPOINT = proxy.endpoint;
  m = await load();
  plain = await loadPlain();
  // Both clients really go through the proxy (a client made before DYNAMODB_ENDPOINT was set would not).
  expect(await endpointOf(m.client.dynamo)).toBe(proxy.endpoint);
  expect(await endpointOf(plain.dynamo)).toBe(proxy.endpoint);
  expect(m.client.dynamoSettings).toMatchObject({ maxAttempts: 4, requestTimeoutMs });
  await m.table.ensureTable(m.table.localClient(inject('dynamoEndpoint')), tableName);
  await m.directory.putDirectory(m.deps, demoDirectory);
  // The HTTP handler has the timeout (its configuration is resolved by the first request), and gives up.
  await plain.dynamo.send(new GetCommand({ TableName: tableName, Key: { pk: 'none', sk: 'none' } }));
  for (const client of [m.client.dynamo, plain.dynamo]) expect(httpHandlerOf(client).httpHandlerConfigs()).toMatchObject({ requestTimeout: requestTimeoutMs, throwOnRequestTimeout: true });
});

afterAll(async () => {
  // DynamoDBDocumentClient.destroy() leaves the client it wraps alone: close the sockets here.
  if (m) httpHandlerOf(m.client.dynamo).destroy();
  if (plain) httpHandlerOf(plain.dynamo).destroy();
  httpHandlerOf(direct).destroy();
  await proxy?.stop();
});

beforeEach(async () => {
  proxy.reset();
  // Backoff with full jitter: Math.random() = 0 makes every retry immediate (the count is what matters).
  vi.spyOn(Math, 'random').mockReturnValue(0);
  // Each test starts with the retry quota of a fresh Lambda container.
  await refillRetryQuota(m.client.dynamo);
  await refillRetryQuota(plain.dynamo);
  // The logger reports what the client never sees; keep the test output readable.
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});

afterEach(() => {
  undoShortTimeouts?.();
  undoShortTimeouts = undefined;
  // Forgets the plans and releases whatever is still stalled.
  proxy.reset();
  vi.restoreAllMocks();
});

describe('transient DynamoDB faults are retried by the client (maxAttempts 4)', () => {
  const submissionPaths = [
    { name: "the submission's transaction (rate limited)", operation: 'TransactWriteItems', invoke: (title: string) => m.handlers.createSubmission(submissionEvent(submission(title)), context()) },
    { name: "the submission's PutItem (no rate limiting)", operation: 'PutItem', invoke: (title: string) => plain.createSubmission(submissionEvent(submission(title)), context()) },
  ] as const;

  for (const path of submissionPaths) {
    for (const [name, fault] of Object.entries(faults)) {
      it(`${name} on ${path.name}, three times: retried, then 201, one item`, async () => {
        const title = `retried ${name} ${randomUUID()}`;
        proxy.plan(path.operation, fault, 3);
        if (fault.kind === 'stall') shortTimeoutWhileStalled(path.operation, 3);
        const r = await path.invoke(title);
        expect(r.statusCode, r.body).toBe(201);
        const attempts = proxy.requests(path.operation);
        expect(attempts.map((a) => a.outcome), 'attempts: 3 faults, then the one that went through').toEqual([fault.kind, fault.kind, fault.kind, 'forwarded']);
        // The same request every time (a transaction with the same ClientRequestToken: applied at most once).
        expect(new Set(attempts.map((a) => a.body)).size).toBe(1);
        if (path.operation === 'TransactWriteItems') expect(attempts[0].clientRequestToken).toMatch(/^[0-9a-f-]{36}$/);
        const receipt = JSON.parse(r.body!) as { trackingCode: string };
        const stored = await m.items.getItemWithEvents(m.deps, receipt.trackingCode);
        expect(stored?.item.title).toBe(title);
        expect(stored?.events.map((e) => e.action)).toEqual(['submit']);
        expectNoCounterWritten();
      });
    }
  }

  it('a fault that is not transient (ValidationException) is not retried', async () => {
    proxy.plan('TransactWriteItems', { kind: 'status', status: 400, type: 'com.amazon.coral.validate#ValidationException', message: 'injected validation failure' }, Infinity);
    const r = await m.handlers.createSubmission(submissionEvent(submission()), context());
    expect(proxy.count('TransactWriteItems')).toBe(1);
    expect(r.statusCode).toBe(500);
    expect(r.body).not.toMatch(leakPattern);
    expect(r.body).not.toContain('injected');
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
          const before = await tableState();
          proxy.plan(target.operation, fault, Infinity);
          if (fault.kind === 'stall') shortTimeoutWhileStalled(target.operation, Infinity);
          const r = await target.invoke();
          expectUnavailable(r, faultName);
          const attempts = proxy.requests(target.operation);
          expect(attempts.map((a) => a.outcome), 'the client tried 4 times').toEqual([fault.kind, fault.kind, fault.kind, fault.kind]);
          expect(new Set(attempts.map((a) => a.body)).size, 'the same request each time').toBe(1);
          const names = namedBy(attempts[0]);
          expect(names.map((n) => n.kind)).toEqual(target.writes);
          expectNothingWritten(before, await tableState(), names);
          expectNoCounterWritten();
        });
      }
    });
  }

  it('transactions cancelled for conflicts, again and again: retried by the app (6 times), then a 503', async () => {
    const before = await tableState();
    proxy.plan(
      'TransactWriteItems',
      transactionCancelled(
        [{ Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }, { Code: 'None' }],
        'Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict, None]',
      ),
      Infinity,
    );
    const r = await writePath(item, 'POST /api/items/{id}/replies').invoke();
    expectUnavailable(r, 'TransactionCanceledException');
    expect(proxy.count('TransactWriteItems')).toBe(6);
    // Each of the app's tries is a new transaction (its conditions evaluated afresh), each its own token.
    expect(new Set(proxy.requests('TransactWriteItems').map((a) => a.clientRequestToken)).size).toBe(6);
    expectNothingWritten(before, await tableState(), namedBy(proxy.requests('TransactWriteItems')[0]));
  });

  it('a transaction cancelled because DynamoDB throttled one of its items, again and again: retried by the app (6 times), then a 503', async () => {
    const before = await tableState();
    proxy.plan(
      'TransactWriteItems',
      transactionCancelled([{ Code: 'None' }, { Code: 'ThrottlingError', Message: 'Throughput exceeds the current capacity' }], 'Transaction cancelled [None, ThrottlingError]'),
      Infinity,
    );
    expectUnavailable(await writePath(item, 'POST /api/submissions (rate limited').invoke(), 'ThrottlingError');
    // The client does not retry a cancellation (it is an answer); the app does, as for a conflict,
    // each time a new transaction with its own token, then the 503 tells the caller to try later.
    expect(proxy.count('TransactWriteItems')).toBe(6);
    expect(new Set(proxy.requests('TransactWriteItems').map((a) => a.clientRequestToken)).size).toBe(6);
    expectNothingWritten(before, await tableState(), namedBy(proxy.requests('TransactWriteItems')[0]));
  });

  it('a transaction cancelled for throttling once: retried by the app, then stored, once', async () => {
    const before = await tableState();
    proxy.plan(
      'TransactWriteItems',
      transactionCancelled([{ Code: 'ThrottlingError', Message: 'Throughput exceeds the current capacity' }, { Code: 'None' }], 'Transaction cancelled [ThrottlingError, None]'),
      1,
    );
    const r = await writePath(item, 'POST /api/items/{id}/replies').invoke();
    expect(r.statusCode).toBe(201);
    expect(proxy.count('TransactWriteItems')).toBe(2);
    expect(Object.keys(await tableState()).length).toBe(Object.keys(before).length + 1);
  });

  it('a read that stays throttled (the directory, before any write) is a 503 too', async () => {
    // The directory is cached for a second per process: this is the read when the cache is cold.
    m.services.forgetDirectory(m.deps);
    proxy.plan('GetItem', faults.ProvisionedThroughputExceededException, Infinity);
    const r = await writePath(item, 'POST /api/submissions (rate limited').invoke();
    expectUnavailable(r, 'ProvisionedThroughputExceededException');
    // The client tried the directory's read 4 times; nothing was written.
    expect(proxy.requests('GetItem').map((a) => named((JSON.parse(a.body) as Loose).Key).kind)).toEqual(['directory', 'directory', 'directory', 'directory']);
    expect(proxy.count('TransactWriteItems')).toBe(0);
  });

  it(
    'a DynamoDB connection that hangs is given up in time: a 503 before the 10 s Lambda timeout',
    { timeout: 20_000 },
    async () => {
      const before = await tableState();
      proxy.plan('TransactWriteItems', canned.stall, Infinity);
      const started = performance.now();
      const answer = writePath(item, 'POST /api/submissions (rate limited').invoke();
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'hung'>((resolve) => {
        timer = setTimeout(() => resolve('hung'), 9_000);
      });
      const r = await Promise.race([answer, deadline]);
      clearTimeout(timer);
      const elapsed = performance.now() - started;
      // Let whatever still hangs go (and fail) quickly.
      proxy.reset();
      expect(r, 'no answer within 9 s: the client sets no request timeout (YIJIAN_DYNAMODB_TIMEOUT_MS)').not.toBe('hung');
      expectUnavailable(r as APIGatewayProxyStructuredResultV2, 'TimeoutError');
      expect(elapsed).toBeLessThan(9_000);
      // Four attempts, each given up after the configured 1.5 s.
      expect(elapsed).toBeGreaterThanOrEqual(4 * requestTimeoutMs - 50);
      await answer;
      expect(await tableState()).toEqual(before);
    },
  );
});

describe('a transaction that fails on one entry leaves nothing behind (DynamoDB Local)', () => {
  it('failing on its last entry (the rate limiter): 429, and no item, idempotency record or count', async () => {
    const sourceIp = nextIp();
    const first = await m.handlers.createSubmission(event({ method: 'POST', path: '/api/submissions', route: '/api/submissions', body: submission(), sourceIp }), context());
    expect(first.statusCode, first.body).toBe(201);
    const title = `refused ${randomUUID()}`;
    const key = `last-entry-${randomUUID()}`;
    const before = await tableState();
    const calls0 = proxy.count('TransactWriteItems');
    const second = await m.handlers.createSubmission(
      event({ method: 'POST', path: '/api/submissions', route: '/api/submissions', body: submission(title), sourceIp, headers: { 'idempotency-key': key } }),
      context(),
    );
    expect(second.statusCode, second.body).toBe(429);
    // It did reach DynamoDB as one transaction, whose last entry (the limiter) failed its condition.
    const sent = proxy.requests('TransactWriteItems').slice(calls0);
    expect(sent.map((a) => a.outcome)).toEqual(['forwarded']);
    const names = namedBy(sent[0]);
    expect(names.map((n) => n.kind)).toEqual(['item', 'idempotency', 'rate-limit']);
    const after = await tableState();
    expectNothingWritten(before, after, names);
    // The limiter's counter is the first request's, at 1, not 2.
    expect(after[names[2].key]?.count).toBe(1);
    const { Item } = await direct.send(
      new GetCommand({ TableName: tableName, Key: m.keys.idempotencyKey(m.idempotency.idempotencyKeyHash(key)), ConsistentRead: true }),
    );
    expect(Item, 'no idempotency record').toBeUndefined();
    expectNoCounterWritten();
  });

  it('failing on its idempotency entry: neither the item nor its first event exists', async () => {
    const { createItem, IdempotencyKeyTakenError } = m.items;
    const code = 'YJ-FA17-0001';
    const keyHash = m.idempotency.idempotencyKeyHash(`taken-${randomUUID()}`);
    // Another request holds this key, unexpired.
    await direct.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...m.keys.idempotencyKey(keyHash), entity: 'idempotency', requestHash: 'other', sealed: 'x', expiresAt: Math.floor(Date.now() / 1000) + 3600 },
      }),
    );
    const before = await tableState();
    const now = new Date().toISOString();
    const attempt = createItem(
      m.deps,
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
    const sent = proxy.requests('TransactWriteItems');
    expect(sent).toHaveLength(1);
    const names = namedBy(sent[0]);
    expect(names.map((n) => n.kind)).toEqual(['item', 'idempotency']);
    const after = await tableState();
    expectNothingWritten(before, after, names);
    expect(Object.keys(after).filter((k) => k.startsWith(m.keys.itemPk(code))), 'no item, no event').toEqual([]);
  });

  it('failing on its event entry (a racing writer took the version): the item keeps its version, nothing written', async () => {
    const item = await freshItem();
    const current = (await m.items.getItem(m.deps, item.trackingCode))!;
    // The event for the next version already exists, as if another writer had just committed it.
    await direct.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          pk: m.keys.itemPk(current.trackingCode),
          sk: m.keys.eventSk(current.version + 1),
          entity: 'event',
          version: current.version + 1,
          at: new Date().toISOString(),
          action: 'note',
          by: { type: 'system' },
        },
      }),
    );
    const before = await tableState();
    proxy.reset();
    const at = new Date().toISOString();
    const attempt = m.items.commitChange(m.deps, current, {
      set: { status: 'in_progress', updatedAt: at },
      event: { at, action: 'start', by: { type: 'staff', sub: 'x', name: 'x' }, from: current.status, to: 'in_progress' },
    });
    await expect(attempt).rejects.toBeInstanceOf(m.items.StaleItemError);
    const sent = proxy.requests('TransactWriteItems');
    expect(sent).toHaveLength(1);
    const names = namedBy(sent[0]);
    expect(names.map((n) => n.kind)).toEqual(['item', 'event']);
    expectNothingWritten(before, await tableState(), names);
    expect((await m.items.getItem(m.deps, item.trackingCode))!.version).toBe(current.version);
    expectNoCounterWritten();
  });
});

describe('the tally under faults (shared/services/tally.ts)', () => {
  let sequence = 10n ** 20n;
  /** A stream record as the table's stream (NEW_AND_OLD_IMAGES) delivers it. */
  const streamRecord = (before: Row | undefined, after: Row): DynamoDBRecord => {
    sequence += 1n + BigInt(randomBytes(1)[0] % 3);
    return {
      eventID: randomBytes(16).toString('hex'),
      eventName: before ? 'MODIFY' : 'INSERT',
      dynamodb: {
        Keys: marshall({ pk: after.pk, sk: after.sk }) as never,
        ...(before ? { OldImage: marshall(before) as never } : {}),
        NewImage: marshall(after) as never,
        SequenceNumber: String(sequence),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    };
  };

  /**
   * A batch from real writes: three submissions (through the handler), one of them then started by
   * staff (the item's MODIFY and its event's INSERT, which the tally passes by). Returns the batch
   * and the items' final states.
   */
  const batch = async () => {
    const codes = [(await freshItem()).trackingCode, (await freshItem()).trackingCode, (await freshItem()).trackingCode];
    const created = await Promise.all(codes.map(rawItem));
    const started = await m.handlers.transitionItem(
      event({ method: 'POST', path: `/api/items/${codes[0]}/transition`, route: '/api/items/{id}/transition', params: { id: codes[0] }, staff: true, body: { action: 'start' } }),
      context(),
    );
    expect(started.statusCode, started.body).toBe(200);
    const modified = (await rawItem(codes[0]))!;
    const startEvent = (await direct.send(new GetCommand({ TableName: tableName, Key: { pk: m.keys.itemPk(codes[0]), sk: m.keys.eventSk(2) }, ConsistentRead: true }))).Item!;
    const records = [
      streamRecord(undefined, created[0]!),
      streamRecord(undefined, created[1]!),
      streamRecord(created[0], modified),
      streamRecord(undefined, startEvent),
      streamRecord(undefined, created[2]!),
    ];
    return { records, items: [modified, created[1]!, created[2]!] as unknown as CountedItem[] };
  };

  /** What the counters must hold for these items: a recount (shared/domain/counters.ts). */
  const recount = (items: readonly CountedItem[]) => {
    const cells: Record<string, Counts> = {};
    const due: Record<string, Record<string, number>> = {};
    for (const item of items) {
      const cell = counterCell(item.phase, item.groupId);
      const into = (cells[cell] ??= {});
      for (const [name, n] of Object.entries(contributions(item))) into[name] = (into[name] ?? 0) + n;
      const pending = pendingDue(item);
      if (pending) {
        const bucket = (due[pending.dueAt] ??= {});
        bucket[pending.cell] = (bucket[pending.cell] ?? 0) + 1;
      }
    }
    return { cells, due };
  };

  /** The counters and due buckets as stored, in the shape of `recount`. */
  const stored = async () => {
    const cells: Record<string, Counts> = {};
    for (const row of await m.counters.readCounters(m.deps, { consistent: true })) {
      if (Object.keys(row.counts).length > 0) cells[counterCell(row.phase, row.groupId)] = row.counts;
    }
    const due: Record<string, Record<string, number>> = {};
    for (const bucket of await m.counters.readDueBucketsBefore(m.deps, '9999')) due[bucket.dueAt] = { ...bucket.cells };
    return { cells, due };
  };

  /** Every test starts with no counts. */
  const clearCounts = async () => {
    for (const pk of ['COUNTERS', 'DUECOUNT']) {
      const page = await direct.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true }));
      for (const row of page.Items ?? []) await direct.send(new DeleteCommand({ TableName: tableName, Key: { pk: row.pk, sk: row.sk } }));
    }
  };

  const marker = async (record: DynamoDBRecord) =>
    (await direct.send(new GetCommand({ TableName: tableName, Key: m.keys.tallyMarkerKey(record.eventID!), ConsistentRead: true }))).Item;

  /** The step's transaction failed: nothing of it is stored (counters, due buckets, marker), nothing else changed. */
  const expectStepNotStored = async (before: Record<string, Row>, records: readonly DynamoDBRecord[]) => {
    const sent = proxy.requests('TransactWriteItems');
    expect(sent.length).toBeGreaterThan(0);
    const names = namedBy(sent[0]);
    // What the step would have stored: a counter (items of g1 in one phase), the due bucket, the marker.
    const markerKey = m.keys.tallyMarkerKey(records[0].eventID!);
    expect(names.map((n) => n.key)).toContain(keyOf(markerKey.pk, markerKey.sk));
    expect(names.some((n) => n.key.startsWith('COUNTERS | '))).toBe(true);
    expect(names.some((n) => n.key.startsWith('DUECOUNT | '))).toBe(true);
    expect(new Set(names.map((n) => n.kind))).toEqual(new Set(['counter']));
    expectNothingWritten(before, await tableState(), names);
    expect(await marker(records[0]), 'no marker').toBeUndefined();
    expect(await stored()).toEqual({ cells: {}, due: {} });
  };

  it('its transaction throttled beyond the retries: tallyRecords throws, nothing of the step is stored; delivered again, the batch is counted once', async () => {
    await clearCounts();
    const { records, items } = await batch();
    proxy.reset();
    const before = await tableState();
    proxy.plan('TransactWriteItems', canned.throttling, Infinity);
    // Thrown: the event source mapping delivers the same batch again.
    await expect(m.tally.tallyRecords(m.deps, records)).rejects.toMatchObject({ name: 'ThrottlingException' });
    const attempts = proxy.requests('TransactWriteItems');
    expect(attempts.map((a) => a.outcome), 'the client tried 4 times').toEqual(['status', 'status', 'status', 'status']);
    expect(new Set(attempts.map((a) => a.clientRequestToken)).size, 'one token: the same transaction each time').toBe(1);
    await expectStepNotStored(before, records);

    // The fault clears; the mapping delivers the batch again, and (a lost answer) again.
    proxy.reset();
    expect(await m.tally.tallyRecords(m.deps, records)).toEqual({ counted: 4, skipped: 1 });
    expect(await m.tally.tallyRecords(m.deps, records)).toEqual({ counted: 0, skipped: 5 });
    expect(proxy.count('TransactWriteItems'), 'one commit in all').toBe(1);
    expect(await marker(records[0])).toMatchObject({ through: records.at(-1)!.dynamodb!.SequenceNumber });
    const expected = recount(items);
    expect(await stored()).toEqual(expected);
    // In plain numbers: three items, one in progress, two assigned, all in one (phase, g1) counter.
    const [cell] = Object.keys(expected.cells);
    expect(cell).toMatch(/#g1$/);
    expect((await stored()).cells[cell]).toMatchObject({ status_assigned: 2, status_in_progress: 1, kind_question: 3, unit_u01_total: 3, unit_u01_open: 3 });
  });

  it('its transaction throttled three times: retried by the client with the same token, counted once', async () => {
    await clearCounts();
    const { records, items } = await batch();
    proxy.reset();
    proxy.plan('TransactWriteItems', canned.throttling, 3);
    expect(await m.tally.tallyRecords(m.deps, records)).toEqual({ counted: 4, skipped: 1 });
    const attempts = proxy.requests('TransactWriteItems');
    expect(attempts.map((a) => a.outcome)).toEqual(['status', 'status', 'status', 'forwarded']);
    expect(new Set(attempts.map((a) => a.body)).size).toBe(1);
    expect(await m.tally.tallyRecords(m.deps, records)).toEqual({ counted: 0, skipped: 5 });
    expect(await stored()).toEqual(recount(items));
  });

  it('its transaction cancelled because DynamoDB throttled an entry: thrown at once (not a lost race), nothing stored; counted once later', async () => {
    await clearCounts();
    const { records, items } = await batch();
    proxy.reset();
    const before = await tableState();
    proxy.plan('TransactWriteItems', transactionCancelled([{ Code: 'ThrottlingError', Message: 'Throughput exceeds the current capacity' }, { Code: 'None' }, { Code: 'None' }], 'Transaction cancelled [ThrottlingError, None, None]'), Infinity);
    await expect(m.tally.tallyRecords(m.deps, records)).rejects.toMatchObject({ name: 'TransactionCanceledException' });
    // Throttling is not a lost race with another shard's tally: the batch goes back to the event
    // source mapping at once, which delivers it again later.
    expect(proxy.count('TransactWriteItems')).toBe(1);
    await expectStepNotStored(before, records);
    proxy.reset();
    expect(await m.tally.tallyRecords(m.deps, records)).toEqual({ counted: 4, skipped: 1 });
    expect(await m.tally.tallyRecords(m.deps, records)).toEqual({ counted: 0, skipped: 5 });
    expect(await stored()).toEqual(recount(items));
  });

  it('the function answers with the first record it did not count (a partial batch response); delivered again from there, counted once', async () => {
    await clearCounts();
    const earlier = await batch();
    const later = await batch();
    const sequenceOf = (record: DynamoDBRecord) => record.dynamodb!.SequenceNumber!;
    // The earlier records were counted by an earlier delivery (their step's marker is stored) ...
    expect(await m.tally.tallyRecords(m.deps, earlier.records)).toEqual({ counted: 4, skipped: 1 });
    proxy.reset();
    proxy.plan('TransactWriteItems', canned.throttling, Infinity);
    // ... and come again with the later ones (a timed-out invocation): the step of the later ones
    // fails, and the function names its first record, the first one no committed step covers.
    expect(await m.handlers.tally({ Records: [...earlier.records, ...later.records] }, context())).toEqual({
      batchItemFailures: [{ itemIdentifier: sequenceOf(later.records[0]) }],
    });
    // A batch that fails at its first record fails as a whole: thrown, a function error.
    await expect(m.handlers.tally({ Records: later.records }, context())).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(await marker(later.records[0]), 'no marker').toBeUndefined();
    // The fault clears; the mapping delivers again from the named record, and (a lost answer) again.
    proxy.reset();
    expect(await m.handlers.tally({ Records: later.records }, context())).toEqual({ batchItemFailures: [] });
    expect(await m.handlers.tally({ Records: later.records }, context())).toEqual({ batchItemFailures: [] });
    expect(proxy.count('TransactWriteItems'), 'one commit').toBe(1);
    expect(await stored()).toEqual(recount([...earlier.items, ...later.items]));
  });
});
