/**
 * Figures that depend on the table's size: the latency and read units of GET /api/items (first
 * page) and GET /api/dashboard, the shape of the dashboard's counter items, and the capacity units
 * each kind of request consumes. Everything goes through the gateway, one request at a time, with
 * the data layer's capacity meter on (it adds ReturnConsumedCapacity to every call the handlers
 * make in this process and sums what DynamoDB reports).
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AdjustableClock } from '../local/clock';
import type { CapacityMeter } from '../shared/data/capacity';
import { readCounters } from '../shared/data/counters';
import { processDeps } from '../shared/deps';
import { duePartition, statusPartition } from '../shared/data/item-index-keys';
import { countName } from '../shared/domain/counters';
import { statusSchema, type Status } from '../shared/schemas/submission';
import { demoDirectory } from '../shared/demo/directory';
import { submissionBody } from './fixtures';
import { median, percentile, round, type HttpAnswer, type HttpClient } from './measure';
import { counterShape, countQuery } from '../test/support/table-reads';

export interface Desk {
  readonly http: HttpClient;
  readonly auth: Record<string, string>;
  readonly log: (line: string) => void;
  /** Waits until the tally has counted every change so far (the local stack's). */
  readonly drainTally?: () => Promise<void>;
  /** The capacity meter on the stack's client (its stream workers' requests apart). */
  readonly capacity: CapacityMeter;
  /** The stack's clock, which its handlers ask for the time. */
  readonly clock: AdjustableClock;
}

export const expectStatus = async (what: string, promise: Promise<HttpAnswer>, ...ok: number[]): Promise<HttpAnswer> => {
  const r = await promise;
  if (!ok.includes(r.status)) throw new Error(`${what}: ${r.status} ${r.text.slice(0, 300)}`);
  return r;
};

export type Receipt = { trackingCode: string; accessKey: string; status: string };

export const submit = async (desk: Desk, body: unknown = submissionBody(), headers?: Record<string, string>): Promise<Receipt> =>
  (await expectStatus('submit', desk.http.post('/api/submissions', body, headers), 201)).json<Receipt>();

/** Items per status, as the dashboard counts them. */
const countersByStatus = async (): Promise<Record<Status, number>> => {
  const rows = await readCounters(processDeps());
  return Object.fromEntries(statusSchema.options.map((status) => [status, rows.reduce((sum, row) => sum + (row.counts[countName.status(status)] ?? 0), 0)])) as Record<Status, number>;
};

/** Items in the table, as the dashboard counts them (every item is in exactly one status). */
export const totalItems = async (): Promise<number> => Object.values(await countersByStatus()).reduce((sum, n) => sum + n, 0);


/**
 * The dashboard just after the next due instant, before the sweeper's next run (it runs every 15
 * minutes deployed): the dashboard then also reads the open items that fell due since the last
 * sweep from the DUE index. The stack's clock (local/clock.ts) is moved past that instant for its
 * handlers, and back afterwards.
 */
export const dashboardAfterNextDue = async (desk: Desk, samples = 5) => {
  // The stack's client: its handlers run in this process, on its deps.
  const { client: dynamo, tableName } = processDeps().db;
  const now = desk.clock.now().toISOString();
  const next = await dynamo.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: 'gsi6',
      KeyConditionExpression: 'gsi6pk = :pk AND gsi6sk >= :now',
      ExpressionAttributeValues: { ':pk': duePartition, ':now': now },
      Limit: 1,
    }),
  );
  const sk = next.Items?.[0]?.gsi6sk;
  if (typeof sk !== 'string') return null;
  const dueAt = sk.split('#')[0];
  const pending = await countQuery({
    TableName: tableName,
    IndexName: 'gsi6',
    KeyConditionExpression: 'gsi6pk = :pk AND gsi6sk < :after',
    ExpressionAttributeValues: { ':pk': duePartition, ':after': `${dueAt}~` },
  });
  const shift = Date.parse(dueAt) + 1000 - Date.parse(now);
  desk.clock.advance(shift);
  const times: number[] = [];
  const units: number[] = [];
  try {
    await expectStatus('dashboard', desk.http.get('/api/dashboard', desk.auth), 200);
    desk.capacity.measuring = true;
    for (let i = 0; i < samples; i++) {
      desk.capacity.reset();
      const t = performance.now();
      await expectStatus('dashboard', desk.http.get('/api/dashboard', desk.auth), 200);
      times.push(performance.now() - t);
      units.push(desk.capacity.read);
    }
  } finally {
    desk.capacity.measuring = false;
    desk.clock.advance(-shift);
  }
  return { dueAt, clockMovedHours: round(shift / 3_600_000, 2), fellDueSinceSweep: pending, medianMs: round(median(times), 2), readUnits: median(units) };
};

export interface ScalePoint {
  readonly items: number;
  readonly list: { medianMs: number; p95Ms: number; readUnits: number; readUnitsSeen: number[] };
  readonly dashboard: { medianMs: number; p95Ms: number; readUnits: number; readUnitsSeen: number[] };
  readonly counters: Awaited<ReturnType<typeof counterShape>>;
  readonly dashboardAfterNextDue: Awaited<ReturnType<typeof dashboardAfterNextDue>>;
}

/** GET /api/items (first page, default limit) and GET /api/dashboard as the office, taking turns. */
export const measureScale = async (desk: Desk, samples: number): Promise<ScalePoint> => {
  const paths = { list: '/api/items', dashboard: '/api/dashboard' } as const;
  const times = { list: [] as number[], dashboard: [] as number[] };
  const units = { list: [] as number[], dashboard: [] as number[] };
  for (let i = 0; i < 10; i++) for (const path of Object.values(paths)) await expectStatus(path, desk.http.get(path, desk.auth), 200);
  desk.capacity.measuring = true;
  try {
    for (let i = 0; i < samples; i++) {
      for (const which of ['list', 'dashboard'] as const) {
        desk.capacity.reset();
        const t = performance.now();
        await expectStatus(paths[which], desk.http.get(paths[which], desk.auth), 200);
        times[which].push(performance.now() - t);
        units[which].push(desk.capacity.read);
      }
    }
  } finally {
    desk.capacity.measuring = false;
  }
  const summary = (which: 'list' | 'dashboard') => ({
    medianMs: round(median(times[which]), 2),
    p95Ms: round(percentile(times[which], 95), 2),
    readUnits: median(units[which]),
    readUnitsSeen: [...new Set(units[which])].sort((a, b) => a - b),
  });
  return {
    items: await totalItems(),
    list: summary('list'),
    dashboard: summary('dashboard'),
    counters: await counterShape(),
    dashboardAfterNextDue: await dashboardAfterNextDue(desk),
  };
};

export type OperationUnits = Record<string, { read: number; write: number; readSeen: number[]; writeSeen: number[] }>;

/** Capacity units of each kind of request (mean of `n`), as DynamoDB reports them. */
export const perOperation = async (desk: Desk, n = 5): Promise<OperationUnits> => {
  const units: Record<string, { read: number[]; write: number[] }> = {};
  const measure = async <T>(op: string, call: () => Promise<T>): Promise<T> => {
    desk.capacity.measuring = true;
    desk.capacity.reset();
    try {
      return await call();
    } finally {
      desk.capacity.measuring = false;
      (units[op] ??= { read: [], write: [] }).read.push(desk.capacity.read);
      units[op].write.push(desk.capacity.write);
    }
  };
  const { http, auth } = desk;
  await submit(desk); // every handler module involved is loaded before anything is measured
  const items: Receipt[] = [];
  for (let i = 0; i < n; i++) items.push(await measure('submit', () => submit(desk, submissionBody(demoDirectory.units[(i * 7) % demoDirectory.units.length].id))));
  for (let i = 0; i < n; i++) {
    await measure('submit with Idempotency-Key', () => submit(desk, submissionBody(), { 'idempotency-key': `bench-${i}-${Date.now()}-${Math.random().toString(36).slice(2)}` }));
  }
  for (const item of items) {
    await measure('track', () => expectStatus('track', http.get(`/api/submissions/${item.trackingCode}`, { 'x-access-key': item.accessKey }), 200));
  }
  for (const item of items) {
    await measure('transition (start)', () => expectStatus('start', http.post(`/api/items/${item.trackingCode}/transition`, { action: 'start' }, auth), 200));
  }
  for (const item of items) {
    await measure('reply (public)', () =>
      expectStatus('reply', http.post(`/api/items/${item.trackingCode}/replies`, { body: '已安排线上回放，请关注通知。', visibility: 'public' }, auth), 201),
    );
  }
  for (const item of items) {
    await measure('rating', () => expectStatus('rating', http.post(`/api/submissions/${item.trackingCode}/rating`, { satisfaction: 'satisfied' }, { 'x-access-key': item.accessKey }), 200));
  }
  for (let i = 0; i < n; i++) await measure('list page', () => expectStatus('list', http.get('/api/items', auth), 200));
  for (let i = 0; i < n; i++) await measure('dashboard', () => expectStatus('dashboard', http.get('/api/dashboard', auth), 200));
  // The tally's share: what folding submissions into the counters costs, per submission, for a
  // burst of 100 at 16 in flight (the stream delivers them in batches; alone, each costs more).
  if (desk.drainTally) {
    await desk.drainTally();
    desk.capacity.reset();
    desk.capacity.measuring = true;
    try {
      let next = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < 100) {
            next++;
            await submit(desk, submissionBody(demoDirectory.units[next % demoDirectory.units.length].id));
          }
        }),
      );
      await desk.drainTally();
    } finally {
      desk.capacity.measuring = false;
    }
    units['tally, per submission (in the background)'] = { read: [desk.capacity.background.read / 100], write: [desk.capacity.background.write / 100] };
  }
  const avg = (xs: number[]) => round(xs.reduce((a, b) => a + b, 0) / xs.length, 2);
  return Object.fromEntries(
    Object.entries(units).map(([op, u]) => [op, { read: avg(u.read), write: avg(u.write), readSeen: [...new Set(u.read)], writeSeen: [...new Set(u.write)] }]),
  );
};

/**
 * A check that the table is sound, not a figure: the dashboard's counters (per status) equal the
 * number of items each status list holds (a COUNT Query over its index partition, meter off).
 */
export const countersMatchLists = async (): Promise<{ ok: boolean; byStatus: Record<string, { counters: number; list: number }> }> => {
  const { tableName } = processDeps().db;
  const totals = await countersByStatus();
  const byStatus: Record<string, { counters: number; list: number }> = {};
  for (const status of statusSchema.options) {
    const list = await countQuery({
      TableName: tableName,
      IndexName: 'gsi4',
      KeyConditionExpression: 'gsi4pk = :pk',
      ExpressionAttributeValues: { ':pk': statusPartition(status) },
    });
    byStatus[status] = { counters: totals[status] ?? 0, list };
  }
  return { ok: Object.values(byStatus).every((s) => s.counters === s.list), byStatus };
};
