/**
 * Filling the table with realistic items: kinds, units, routing, due dates in working days, and
 * the story each item went through (started, answered, rated, reopened, rejected, merged ...),
 * over a 45-day timeline. The items and their stories are test/support/fill-plans.ts's, as in the
 * scale test (test/scale/staff-scale.test.ts).
 *
 * Two ways to write them, with the same result in the table:
 *   transact  through the data layer's own writes: `createItem` for the submission, then one
 *             `commitChange` per step of its story (each a transaction of the item and its event).
 *             Faithful, and slow on DynamoDB Local (it does some 50-100 transactions a second).
 *   batch     the same records, written with BatchWriteItem: the item in its final state with the
 *             index keys `itemIndexKeys` gives it (and its submit event, as `createItem` keeps it),
 *             and one event per later version as `commitChange` writes it. Used for the large fill.
 * Either way the counters are the tally's: it reads the items off the change stream as it does
 * every submission and change (the caller drains it before measuring).
 *
 * The sweeper runs every 15 minutes in a real campaign; the bench's is off. Each item that is open
 * and past its due date when it is written gets the sweeper's change as one more step (reported
 * overdue for that due date, with the sweeper's history entry), so the table is as a sweep that
 * has just run leaves it.
 *
 * The newest `sentinels` rows of every fill are plain questions of one shape (fixed title
 * length, same unit and body): a list page costs what its rows weigh, so the first page at the
 * small and at the large size is made of rows of equal weight and only the table size differs.
 */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { processDeps } from '../shared/deps';
import { commitChange, createItem, type EventRecord, type ItemChange, type ItemRecord } from '../shared/data/items';
import { eventSk, itemPk, itemSk } from '../shared/data/keys';
import { itemIndexKeys } from '../shared/data/item-index-keys';
import { isOpen } from '../shared/domain/lifecycle';
import { encodeTrackingCode } from '../shared/domain/tracking-code';
import { round } from './measure';
import { applyAction, DAY, HOUR, randomItem, randomStory, sentinelItem } from '../test/support/fill-plans';
import { prng } from '../test/support/prng';

const rng = prng(20261127);

const staff = { type: 'staff' as const, sub: 'bench-bot', name: '基准' };
export const sentinels = 30;

/** Unique per fill index (24 bits of it in the code, a marker byte, one random byte). */
const codeOf = (i: number) => encodeTrackingCode(Uint8Array.of(0xb5, rng.int(256), (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff));

interface Story {
  /** The item as submitted, its submit event, then each step's change and the item after it. */
  readonly initial: ItemRecord;
  readonly steps: { change: ItemChange; after: ItemRecord }[];
}

const story = (i: number, createdAtMs: number, sentinel: boolean, sweptAt: number): Story => {
  if (sentinel) return { initial: sentinelItem(codeOf(i), i, createdAtMs), steps: [] };
  const initial = randomItem(rng, codeOf(i), i, createdAtMs);
  const steps: Story['steps'] = [];
  let current = initial;
  for (const action of randomStory(rng, initial)) {
    const { next, change } = applyAction(rng, current, action, staff);
    steps.push({ change, after: next });
    current = next;
  }
  const swept = sweptOverdue(current, sweptAt);
  if (swept) steps.push(swept);
  return { initial, steps };
};

/** What the sweeper does to an open item past its due date (shared/services/sweeper.ts), or null. */
const sweptOverdue = (item: ItemRecord, sweptAt: number): Story['steps'][number] | null => {
  if (!isOpen(item.status) || !item.dueAt || Date.parse(item.dueAt) >= sweptAt || item.overdueNotifiedFor === item.dueAt) return null;
  const at = new Date(Math.min(Date.parse(item.dueAt) + 10 * 60_000, sweptAt)).toISOString();
  const change: ItemChange = { set: { overdueNotifiedFor: item.dueAt }, event: { at, action: 'overdue', by: { type: 'system', name: 'sweeper' }, note: `due ${item.dueAt}` } };
  return { change, after: { ...item, overdueNotifiedFor: item.dueAt, version: item.version + 1 } };
};

const submitEvent = (item: ItemRecord): EventRecord => ({ version: 1, at: item.createdAt, action: 'submit', by: { type: 'submitter' }, to: item.status });

export interface FillResult {
  readonly mode: 'transact' | 'batch';
  readonly items: number;
  readonly seconds: number;
  readonly itemsPerSecond: number;
  /** Transactions (transact) or records: items and events (batch). */
  readonly writes: number;
  readonly writesPerSecond: number;
}

let nextIndex = 0;

/**
 * Adds `count` items. Their creation times spread over the 45 days before `now`; the last
 * `sentinels` of them are the newest rows of the table (created just now, a millisecond apart).
 */
export const fill = async (count: number, mode: 'transact' | 'batch', concurrency: number, onProgress?: (done: number) => void): Promise<FillResult> => {
  // The deps of the stack's handlers in this process: its one client.
  const deps = processDeps();
  const { client: dynamo, tableName } = deps.db;
  const now = Date.now();
  const timelineStart = now - 45 * DAY;
  const from = nextIndex;
  const to = from + count;
  nextIndex = to;
  const createdAtOf = (i: number) => (i >= to - sentinels ? now - (to - i) : timelineStart + rng.next() * (now - HOUR - timelineStart));
  const started = performance.now();
  let writes = 0;
  let done = 0;
  let cursor = from;
  const report = () => {
    if (onProgress && done % 1000 === 0) onProgress(done);
  };

  if (mode === 'transact') {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (cursor < to) {
          const i = cursor++;
          const s = story(i, createdAtOf(i), i >= to - sentinels, now);
          await createItem(deps, s.initial, submitEvent(s.initial));
          writes++;
          let current = s.initial;
          for (const step of s.steps) {
            current = await commitChange(deps, current, step.change);
            writes++;
          }
          done++;
          report();
        }
      }),
    );
  } else {
    const batchSize = 25;
    const flush = async (records: Record<string, unknown>[]) => {
      let requests = records.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        const result = await dynamo.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
        requests = (result.UnprocessedItems?.[tableName] ?? []) as typeof requests;
        if (requests.length && attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
      }
      writes += records.length;
    };
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        const mine: Record<string, unknown>[] = [];
        while (cursor < to || mine.length > 0) {
          while (cursor < to && mine.length < batchSize) {
            const i = cursor++;
            const s = story(i, createdAtOf(i), i >= to - sentinels, now);
            const final = s.steps.length ? s.steps[s.steps.length - 1].after : s.initial;
            const pk = itemPk(final.trackingCode);
            mine.push({ pk, sk: itemSk, entity: 'item', ...itemIndexKeys(final), ...final, firstEvent: submitEvent(s.initial) });
            for (const [k, step] of s.steps.entries()) {
              const version = k + 2;
              mine.push({ pk, sk: eventSk(version), entity: 'event', version, ...step.change.event });
            }
            done++;
            report();
          }
          const batch = mine.splice(0, batchSize);
          if (batch.length) await flush(batch);
        }
      }),
    );
  }
  const seconds = (performance.now() - started) / 1000;
  return { mode, items: count, seconds: round(seconds), itemsPerSecond: round(count / seconds), writes, writesPerSecond: round(writes / seconds) };
};
