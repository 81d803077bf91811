import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalStack } from '../../local/stack';
import { lambdaContext } from '../../local/lambda-context';
import { itemPk, itemSk } from '../../shared/data/keys';
import { listParkedRecords } from '../../shared/data/parked-records';
import { metricNames, metrics } from '../../shared/observability/metrics';
import { api, startTestStack, type Api } from '../support/stack';
import { ownUnit, people } from '../support/staff-people';

/**
 * Issue #14, point 10: one request can never stall a stream worker. A submission with an empty
 * `contact` used to be accepted, and the tally then failed on its stream record forever (DynamoDB
 * Local writes an empty map into stream images without its type): every later dashboard waited
 * out its 15 s catch-up and showed stale figures. Now the empty contact is refused, a stored one is
 * counted, and a record a worker can never handle is parked once, with its reason, while the rest
 * of its batch goes on.
 */
let stack: LocalStack;
let http: Api;
let office: string;

beforeAll(async () => {
  stack = await startTestStack({ retryBaseMs: 5 });
  http = api(stack.url);
  office = await stack.issuer.issue(people.office);
});
afterAll(async () => {
  await stack?.stop();
});

const valid = { kind: 'question', title: '关于培训安排', body: '下次培训能否提前一周通知？', unitId: ownUnit.id };

const submit = async (body: Record<string, unknown> = {}) => {
  const r = await http.post('/api/submissions', { ...valid, anonymous: true, ...body });
  expect(r.status, r.text).toBe(201);
  return r.json as { trackingCode: string; accessKey: string };
};

/** The dashboard as the office reads it, with how long the local gateway took to answer. */
const dashboard = async () => {
  const started = performance.now();
  const r = await http.get('/api/dashboard', { authorization: `Bearer ${office}` });
  expect(r.status, r.text).toBe(200);
  return { all: r.json.totals.all as number, ms: performance.now() - started };
};

/** Both stream workers have handled every change so far (each drain fails if its worker is stuck). */
const drainBoth = () => Promise.all([stack.drainTally(10_000), stack.drainNotifications(10_000)]);

/** An item row with a shape no worker can read: an unknown status, no phase. */
const poisonRow = (code: string) => ({
  pk: itemPk(code),
  sk: itemSk,
  entity: 'item',
  trackingCode: code,
  kind: 'question',
  title: 'poison',
  status: 'lost',
  version: 1,
  createdAt: new Date().toISOString(),
});

describe('an empty contact', () => {
  it('is refused with 400 at contact, and the dashboard that follows answers at once with every item counted', async () => {
    const before = await dashboard();
    const r = await http.post('/api/submissions', { ...valid, anonymous: false, contact: {} });
    expect(r.status, r.text).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(r.json.errors.map((e: { path: string }) => e.path)).toEqual(['contact']);
    await submit({ anonymous: false, contact: { email: 'wang.xiaoming@example.com' } });
    const after = await dashboard();
    expect(after.all).toBe(before.all + 1);
    // The gateway lets the tally catch up first, for 15 s at most: a stuck tally showed as 15 s.
    expect(after.ms).toBeLessThan(5_000);
  });

  it('stored before it was refused, is counted and notified like any item, nothing parked', async () => {
    const { trackingCode } = await submit({ anonymous: false, contact: { name: '王小明' } });
    await drainBoth();
    const before = await dashboard();
    // What an earlier submission stored: an empty map, which DynamoDB Local's stream image writes untyped.
    await stack.deps.db.client.send(
      new UpdateCommand({ TableName: stack.tableName, Key: { pk: itemPk(trackingCode), sk: itemSk }, UpdateExpression: 'SET contact = :empty, version = version + :one', ExpressionAttributeValues: { ':empty': {}, ':one': 1 } }),
    );
    await drainBoth();
    const after = await dashboard();
    expect(after.all).toBe(before.all);
    expect(after.ms).toBeLessThan(5_000);
    expect(await listParkedRecords(stack.deps)).toEqual([]);
  });
});

describe('a record a stream worker can never handle', () => {
  const code = 'YJ-P0SN-0001';
  let parkedBefore: Awaited<ReturnType<typeof listParkedRecords>>;

  it('is parked once by each worker with its reason, and the rest of the batch is counted and notified', async () => {
    const before = await dashboard();
    const addMetric = vi.spyOn(metrics, 'addMetric');
    const first = await submit();
    await stack.deps.db.client.send(new PutCommand({ TableName: stack.tableName, Item: poisonRow(code) }));
    const second = await submit();
    await drainBoth();
    // The alarm's metric: one count per worker that parked it.
    expect(addMetric.mock.calls.filter(([name]) => name === metricNames.parkedRecords)).toHaveLength(2);
    addMetric.mockRestore();

    const after = await dashboard();
    expect(after.all).toBe(before.all + 2);
    expect(after.ms).toBeLessThan(5_000);
    // Both valid items were routed to the group, and the notify worker sent their notices.
    for (const { trackingCode } of [first, second]) {
      expect(stack.outbox.list().filter((e) => e.subject.includes(trackingCode) && e.status === 'sent'), trackingCode).toHaveLength(1);
    }

    const parked = await listParkedRecords(stack.deps);
    expect(parked.map((p) => p.worker).sort()).toEqual(['notify', 'tally']);
    for (const entry of parked) {
      expect(entry).toMatchObject({ eventName: 'INSERT', keys: { pk: itemPk(code), sk: itemSk }, eventId: expect.any(String), sequenceNumber: expect.any(String) });
      // Where the image fails, never what it holds.
      expect(entry.reason).toMatch(/^NewImage does not parse \(.*status: invalid_value/);
      expect(entry.reason).not.toContain('lost');
    }
    expect(parked.find((p) => p.worker === 'tally')!.reason).toContain('phase: invalid_type');
    expect(new Set(parked.map((p) => p.eventId)).size).toBe(1);
    parkedBefore = parked;
  });

  it('delivered again, is neither parked nor counted in the metric a second time', async () => {
    const row = (await stack.deps.db.client.send(new GetCommand({ TableName: stack.tableName, Key: { pk: itemPk(code), sk: itemSk } }))).Item!;
    const [{ eventId, sequenceNumber }] = parkedBefore;
    const record: DynamoDBRecord = {
      eventID: eventId,
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      dynamodb: { Keys: marshall({ pk: row.pk, sk: row.sk }) as never, NewImage: marshall(row) as never, SequenceNumber: sequenceNumber, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    };
    // Watches the metric without changing it (the metrics stay off stdout in the tests).
    const addMetric = vi.spyOn(metrics, 'addMetric');
    const [{ handler: tally }, { handler: notify }] = await Promise.all([import('../../functions/tally'), import('../../functions/notify')]);
    for (let delivery = 0; delivery < 2; delivery++) {
      expect(await tally.withDeps(stack.deps)({ Records: [record] }, lambdaContext('tally'))).toEqual({ batchItemFailures: [] });
      expect(await notify.withDeps(stack.deps)({ Records: [record] }, lambdaContext('notify'))).toEqual({ batchItemFailures: [] });
    }
    expect(addMetric.mock.calls.filter(([name]) => name === metricNames.parkedRecords)).toEqual([]);
    addMetric.mockRestore();
    expect(await listParkedRecords(stack.deps)).toEqual(parkedBefore);
  });
});
