import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ItemRecord } from '../../shared/data/items';
import { firstReplyBucket, firstReplyBuckets } from '../../shared/domain/counters';
import { encodeTrackingCode } from '../../shared/domain/tracking-code';
import { isOpen, openStatuses, type Action } from '../../shared/domain/lifecycle';
import { demoDirectory } from '../../shared/demo/directory';
import { kindIds, type Kind } from '../../shared/schemas/directory';
import { statusSchema, type Satisfaction, type Status } from '../../shared/schemas/submission';
import type { LocalStack } from '../../local/stack';
import { api, startTestStack, type Api } from '../support/stack';
import { counterShape } from '../support/table-reads';
import { readCounterState } from '../../shared/data/counters';
import { countRates } from '../support/count-rates';
import { applyAction, DAY, HOUR, randomItem, randomStory, sentinelItem } from '../support/fill-plans';
import { prng } from '../support/prng';

/**
 * The dashboard at scale: a table filled with thousands of realistic items (through the data layer;
 * the tally counts them from the change stream), then the dashboard compared figure by figure with what
 * walking GET /api/items counts, and the read cost of a list page and of the dashboard compared
 * between a small and a large table: neither may grow with the number of items.
 */

let stack: LocalStack;
let http: Api;
let data: typeof import('../../shared/data/items');
let meter: LocalStack['capacity'];
let officeToken: string;

const timings: Record<string, number> = {};
const counters: Record<number, Awaited<ReturnType<typeof counterShape>>> = {};
const slots: Record<number, readonly string[]> = {};
const measured: Record<string, number> = {};

beforeAll(async () => {
  // A bulk stack: no sweep timer (it would mark thousands of overdue items mid-test, racing the
  // fill), no notify poller; the tally's poller stays (the capacity meter counts its requests apart).
  stack = await startTestStack({ bulk: true });
  http = api(stack.url);
  data = await import('../../shared/data/items');
  meter = stack.capacity;
  officeToken = await stack.issuer.issue({ sub: 'office-scale', name: '办公室 测试', groups: ['office'] });
});
afterAll(async () => {
  // eslint-disable-next-line no-console
  console.log('staff-scale', JSON.stringify({ timings, measured, counters }, null, 1));
  await stack?.stop();
});

const rng = prng(20261127);

/**
 * The timeline of the synthetic campaign: 45 days up to an hour ago. The first 500 items and the
 * other 4,500 are spread over the same span (a low-discrepancy sequence), so what differs between
 * the two measurements is the number of items alone, not the length of the campaign: counters
 * grow with the calendar (one due-date bucket per working day) and the directory (one entry per
 * unit), never with the number of items. Due dates are SLA working days after creation, so the
 * early items are past due and the overdue figure is not 0.
 */
const total = 5000;
const firstBatch = 500;
const timelineStart = Date.now() - 45 * DAY;
const timelineEnd = Date.now() - HOUR;
const goldenRatio = (Math.sqrt(5) - 1) / 2;
const createdAtOf = (i: number) => {
  // The sentinel rows (below) are the newest of their batch, so each first page shows them.
  if (i >= total - sentinels) return timelineEnd - 30 * 60_000 + (i - (total - sentinels)) * 1000;
  if (i >= firstBatch - sentinels && i < firstBatch) return timelineEnd - 60 * 60_000 + (i - (firstBatch - sentinels)) * 1000;
  return timelineStart + Math.floor(((i * goldenRatio) % 1) * (timelineEnd - 2 * HOUR - timelineStart));
};

/** The items as the test believes they are: every figure is also checked against this model. */
const model = new Map<string, ItemRecord>();

const codeOf = (i: number) => {
  const bytes = new Uint8Array(5);
  for (let b = 0; b < 5; b++) bytes[b] = rng.int(256);
  bytes[4] = i & 0xff; // part of the index in the code: no two items share one
  bytes[3] = (bytes[3] & 0xe0) | ((i >> 8) & 0x1f);
  return encodeTrackingCode(bytes);
};

const staff = { type: 'staff' as const, sub: 'scale-bot', name: '批量' };

interface Plan {
  readonly item: ItemRecord;
  readonly steps: Action[];
}

/**
 * The newest rows of each batch are sentinels (test/support/fill-plans.ts): plain questions of
 * one shape, so the first page at 500 and at 5,000 items is made of rows of equal weight and what
 * is compared is the table size alone, not the luck of which titles happen to be newest.
 */
const sentinels = 30;
const isSentinel = (i: number) => (i >= firstBatch - sentinels && i < firstBatch) || i >= total - sentinels;

/** One realistic item and its story (test/support/fill-plans.ts). */
const newItem = (i: number): Plan => {
  if (isSentinel(i)) return { item: sentinelItem(codeOf(i), i, createdAtOf(i)), steps: [] };
  const item = randomItem(rng, codeOf(i), i, createdAtOf(i));
  const steps = randomStory(rng, item);
  // Most items are written in the state they reached (what a table holds after months of work);
  // some go there step by step through commitChange, so the deltas are exercised too: one in five
  // of the first 500, one in twenty of the rest (DynamoDB Local does some 50-100 transactions a
  // second, and 5,000 items must fit in the test's time).
  const stepwise = rng.chance(i < firstBatch ? 0.2 : 0.05);
  if (stepwise) return { item, steps };
  let current = item;
  for (const action of steps) current = apply(current, action).next;
  return { item: current, steps: [] };
};

const apply = (item: ItemRecord, action: Action) => applyAction(rng, item, action, staff);

/** Runs `work` over `count` indexes with at most `width` in flight. */
const pool = async (from: number, to: number, width: number, work: (i: number) => Promise<void>) => {
  let nextIndex = from;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (nextIndex < to) await work(nextIndex++);
    }),
  );
};

let transactions = 0;
const sweptLongAgo = (item: ItemRecord) =>
  isOpen(item.status) && item.dueAt !== undefined && item.dueAt < new Date(Date.now() - HOUR).toISOString() && item.overdueNotifiedFor !== item.dueAt;
const fill = async (from: number, to: number) => {
  const plans = Array.from({ length: to - from }, (_, k) => newItem(from + k));
  await pool(0, plans.length, 8, async (k) => {
    const { item: planned, steps } = plans[k];
    // The sweeper runs every 15 minutes in a real campaign, so every item that fell due before the
    // last hour has been reported overdue: as it would have been, at creation or with one more change.
    const item = steps.length === 0 && sweptLongAgo(planned) ? { ...planned, overdueNotifiedFor: planned.dueAt } : planned;
    await data.createItem(stack.deps, item, { version: 1, at: item.createdAt, action: 'submit', by: { type: 'submitter' }, to: item.status });
    transactions++;
    let current = item;
    for (const action of steps) {
      const { next, change } = apply(current, action);
      current = await data.commitChange(stack.deps, current, change);
      transactions++;
      expect(current).toEqual(next);
    }
    if (sweptLongAgo(current)) {
      current = await data.commitChange(stack.deps, current, {
        set: { overdueNotifiedFor: current.dueAt },
        event: { at: new Date().toISOString(), action: 'overdue', by: { type: 'system', name: 'sweeper' } },
      });
      transactions++;
    }
    model.set(current.trackingCode, current);
  });
};

// ---------------------------------------------------------------------------------------------
// Counting through the API

const auth = () => ({ authorization: `Bearer ${officeToken}` });

/** Every item a query lists, page by page (limit 100), following nextCursor to the end. */
const walk = async (query: string): Promise<{ items: { trackingCode: string; status: Status; groupId?: string; unitId?: string; kind: Kind; overdue: boolean }[]; pages: number }> => {
  const items = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const r = await http.get(`/api/items?limit=100${query ? `&${query}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, auth());
    expect(r.status, `${query}: ${r.text.slice(0, 300)}`).toBe(200);
    items.push(...r.json.items);
    cursor = r.json.nextCursor;
    pages++;
    expect(pages).toBeLessThan(500);
  } while (cursor);
  return { items, pages };
};
const count = async (query: string) => (await walk(query)).items.length;

const modelItems = () => [...model.values()];
const modelOverdue = (i: ItemRecord, now: string) => isOpen(i.status) && i.dueAt !== undefined && i.dueAt < now;

/** The (lower) median first-reply time of some items, to the dashboard's bucket: the bucket midpoint. */
const modelMedian = (items: ItemRecord[]): number | null => {
  const hours = items.filter((i) => i.firstReplyAt).map((i) => (Date.parse(i.firstReplyAt!) - Date.parse(i.createdAt)) / HOUR).sort((a, b) => a - b);
  if (!hours.length) return null;
  const lower = firstReplyBucket(hours[Math.ceil(hours.length / 2) - 1]);
  const i = firstReplyBuckets.indexOf(lower as (typeof firstReplyBuckets)[number]);
  const upper = i < firstReplyBuckets.length - 1 ? firstReplyBuckets[i + 1] : lower;
  return (lower + upper) / 2;
};

const dashboardEqualsLists = async (size: number) => {
  expect(model.size).toBe(size);
  const d = await http.get('/api/dashboard', auth());
  expect(d.status).toBe(200);
  const dash = d.json;
  const now = dash.generatedAt as string;
  const items = modelItems();

  // The whole table, and the model, agree on what exists.
  const everything = await walk('');
  expect(everything.items).toHaveLength(size);
  expect(new Set(everything.items.map((i) => i.trackingCode))).toEqual(new Set(model.keys()));
  expect(dash.totals.all).toBe(size);

  // Totals per status.
  for (const status of statusSchema.options) {
    const listed = await count(`status=${status}`);
    expect(dash.totals[status], status).toBe(listed);
    expect(listed, status).toBe(items.filter((i) => i.status === status).length);
  }
  const overdue = await walk('overdue=true');
  expect(overdue.items.every((i) => i.overdue && isOpen(i.status))).toBe(true);
  expect(dash.totals.overdue).toBe(overdue.items.length);
  expect(overdue.items.length).toBe(items.filter((i) => modelOverdue(i, now)).length);
  expect(dash.totals.overdue).toBeGreaterThan(0);

  // Per group: open, overdue, answered, closed, and the median first reply.
  expect(dash.byGroup.map((g: { groupId: string | null }) => g.groupId)).toEqual([...demoDirectory.groups.map((g) => g.id), null]);
  for (const group of demoDirectory.groups) {
    const row = dash.byGroup.find((g: { groupId: string }) => g.groupId === group.id);
    const mine = items.filter((i) => i.groupId === group.id);
    expect(row.open, `${group.id} open`).toBe(await count(`groupId=${group.id}&status=${openStatuses.join(',')}`));
    expect(row.overdue, `${group.id} overdue`).toBe(await count(`groupId=${group.id}&overdue=true`));
    expect(row.answered, `${group.id} answered`).toBe(await count(`groupId=${group.id}&status=answered`));
    expect(row.closed, `${group.id} closed`).toBe(await count(`groupId=${group.id}&status=closed`));
    expect(row.open).toBe(mine.filter((i) => isOpen(i.status)).length);
    expect(row.overdue).toBe(mine.filter((i) => modelOverdue(i, now)).length);
    expect(row.medianFirstReplyHours, `${group.id} median`).toBe(modelMedian(mine));
  }
  const queue = dash.byGroup.find((g: { groupId: string | null }) => g.groupId === null);
  const queued = items.filter((i) => i.groupId === undefined);
  expect(queue.open).toBe(queued.filter((i) => isOpen(i.status)).length);
  expect(queue.closed).toBe(queued.filter((i) => i.status === 'closed').length);

  // Per kind.
  for (const kind of kindIds) {
    expect(dash.byKind[kind], kind).toBe(await count(`kind=${kind}`));
    expect(dash.byKind[kind], kind).toBe(items.filter((i) => i.kind === kind).length);
  }

  // Per unit: every unit against the model, sorted by total; the top five also against the lists.
  // A merged duplicate counts in the item it was merged into, not again in its unit (docs/api.md).
  const expectedUnits = demoDirectory.units
    .map((u) => {
      const of = items.filter((i) => i.unitId === u.id && i.status !== 'merged');
      return { unitId: u.id, name: u.name, total: of.length, open: of.filter((i) => isOpen(i.status)).length, problems: of.filter((i) => i.kind === 'problem').length };
    })
    .filter((u) => u.total > 0)
    .sort((a, b) => b.total - a.total || b.open - a.open || a.unitId.localeCompare(b.unitId));
  expect(dash.byUnit).toEqual(expectedUnits);
  for (const unit of dash.byUnit.slice(0, 5)) {
    const merged = await count(`unitId=${unit.unitId}&status=merged`);
    expect(unit.total, `${unit.unitId} total`).toBe((await count(`unitId=${unit.unitId}`)) - merged);
    const mergedProblems = await count(`unitId=${unit.unitId}&kind=problem&status=merged`);
    expect(unit.problems, `${unit.unitId} problems`).toBe((await count(`unitId=${unit.unitId}&kind=problem`)) - mergedProblems);
    expect(unit.open, `${unit.unitId} open`).toBe(await count(`unitId=${unit.unitId}&status=${openStatuses.join(',')}`));
  }

  // Satisfaction: the latest rating of every rated item.
  const rated = (s: Satisfaction) => items.filter((i) => i.satisfaction === s).length;
  const [satisfied, basically, unsatisfied] = [rated('satisfied'), rated('basically'), rated('unsatisfied')];
  expect(dash.satisfaction).toEqual({
    satisfied,
    basically,
    unsatisfied,
    rate: Math.round(((satisfied + basically) / (satisfied + basically + unsatisfied)) * 1000) / 1000,
  });
  expect(satisfied * basically * unsatisfied).toBeGreaterThan(0);

  // The three rates, overall and per group, from the items' routing, response and rating fields.
  expect(dash.rates).toEqual(countRates(items, now));
  for (const group of demoDirectory.groups) {
    expect(dash.byGroup.find((g: { groupId: string }) => g.groupId === group.id).rates, `${group.id} rates`).toEqual(countRates(items.filter((i) => i.groupId === group.id), now));
  }
  // Some routed items were acted on in time, some late or not at all: no rate is trivially 0 or 1.
  for (const name of ['response', 'resolution', 'satisfaction'] as const) expect(dash.rates[name].numerator * (dash.rates[name].denominator - dash.rates[name].numerator), name).toBeGreaterThan(0);
};

/**
 * Read units of one request, as DynamoDB reports them (ReturnConsumedCapacity) for the handler's
 * calls. The directory is cached per process for about a second, dated from the read's start; on a
 * busy machine the warm-up call's entry can expire before the measured call, which then reads the
 * directory too. The figure compared is the request's own reads with the cache warm, so it is the
 * least of three measured calls (each right after a warm-up), with the tally caught up first (the
 * gateway would otherwise wait for it before the dashboard, between warm-up and measure).
 */
const readUnits = async (path: string) => {
  await stack.drainTally(60_000);
  const figures: number[] = [];
  meter.measuring = true;
  try {
    for (let i = 0; i < 3; i++) {
      await http.get(path, auth()); // warm: module load, the directory cache and any first-call work stay out of the figure
      meter.reset();
      const r = await http.get(path, auth());
      expect(r.status).toBe(200);
      figures.push(meter.read);
    }
    return Math.min(...figures);
  } finally {
    meter.measuring = false;
  }
};

const fillTimed = async (from: number, to: number, label: string) => {
  const started = performance.now();
  const before = transactions;
  meter.measuring = true;
  meter.reset();
  try {
    await fill(from, to);
  } finally {
    meter.measuring = false;
  }
  const seconds = (performance.now() - started) / 1000;
  const tallyStarted = performance.now();
  await stack.drainTally(240_000);
  timings[`${label} tally caught up s`] = Math.round((performance.now() - tallyStarted) / 100) / 10;
  timings[`${label} s`] = Math.round(seconds * 10) / 10;
  timings[`${label} items/s`] = Math.round((to - from) / seconds);
  timings[`${label} transactions/s`] = Math.round((transactions - before) / seconds);
  measured[`${label} WCU per item`] = Math.round((meter.write / (to - from)) * 10) / 10;
};

/** The dashboard compared with the lists at `size` items, timed. */
const compareTimed = async (size: number) => {
  const started = performance.now();
  await dashboardEqualsLists(size);
  timings[`compare at ${size} s`] = Math.round((performance.now() - started) / 100) / 10;
};

/** The read units of a list page and of the dashboard, and the counters' shape, at `size` items. */
const measureReadsAt = async (size: number) => {
  measured[`list page RCU at ${size}`] = await readUnits('/api/items?limit=25');
  measured[`dashboard RCU at ${size}`] = await readUnits('/api/dashboard');
  counters[size] = await counterShape();
  slots[size] = (await readCounterState(stack.deps, true)).layout.slots;
};

describe('the dashboard at 500 and at 5,000 items', () => {
  it(`fills ${firstBatch} items`, async () => {
    await fillTimed(0, firstBatch, 'fill 500');
    expect(model.size).toBe(firstBatch);
  }, 120_000);

  it('shows the dashboard equal to the counts from the lists at 500', async () => {
    await compareTimed(firstBatch);
  }, 60_000);

  it('measures the read units of a list page and of the dashboard at 500', async () => {
    await measureReadsAt(firstBatch);
    expect(measured['list page RCU at 500']).toBeGreaterThan(0);
    expect(measured['dashboard RCU at 500']).toBeGreaterThan(0);
  });

  it(`fills up to ${total} items`, async () => {
    await fillTimed(firstBatch, total, 'fill 4500');
    expect(model.size).toBe(total);
  }, 300_000);

  it('shows the dashboard equal to the counts from the lists at 5,000', async () => {
    await compareTimed(total);
  }, 120_000);

  it('measures the read units of a list page and of the dashboard at 5,000', async () => {
    await measureReadsAt(total);
    // The counters are a bounded number of items of a fixed width: the layout and at most one per
    // phase and queue (the groups and the office), each a fixed-width binary value whatever the
    // counts, so 10 times the items weigh exactly the same bytes.
    const cells = demoDirectory.campaign.phases.length * (demoDirectory.groups.length + 1);
    expect(counters[500].items).toBeLessThanOrEqual(cells + 1);
    expect(counters[5000].items).toBe(counters[500].items);
    expect(counters[5000].attributes).toBe(counters[500].attributes);
    // One slot per response window end (the end of a working day on which something was routed,
    // shared/domain/counters.ts) is the only way the layout grows: with the calendar, not the items.
    const windowEnd = (name: string) => name.startsWith('respond_by_');
    expect(slots[5000].filter((name) => !windowEnd(name))).toEqual(slots[500].filter((name) => !windowEnd(name)));
    const windows = slots[5000].filter(windowEnd);
    expect(windows.length).toBeGreaterThan(0);
    expect(windows.length).toBeLessThanOrEqual(Math.ceil((Date.now() - timelineStart) / DAY) + 5);
    // So 10 times the items weigh the same bytes but for the window-end slots: a counter last
    // written before a slot was appended is 4 bytes shorter per slot (it decodes as zeros), and
    // the larger fill writes more counters after the last growth (and may meet window ends the
    // first 500 did not). At most 4 bytes per counter and window end, and the new names.
    const extra = windows.length - slots[500].filter(windowEnd).length;
    expect(extra).toBeGreaterThanOrEqual(0);
    const bound = (windows.length * 4 * counters[5000].items + extra * 40) / 1024;
    expect(counters[5000].kib).toBeGreaterThanOrEqual(counters[500].kib);
    expect(counters[5000].kib - counters[500].kib).toBeLessThanOrEqual(Math.ceil(bound * 10) / 10 + 0.1);
  });

  it('reads as many units for the first list page at 5,000 items as at 500', () => {
    expect(measured['list page RCU at 5000']).toBe(measured['list page RCU at 500']);
  });

  it('reads as many units for the dashboard at 5,000 items as at 500', () => {
    expect(
      measured['dashboard RCU at 5000'],
      `the counter items changed size: at 500 ${JSON.stringify(counters[500])}; at 5,000 ${JSON.stringify(counters[5000])}`,
    ).toBe(measured['dashboard RCU at 500']);
  });
});
