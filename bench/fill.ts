/**
 * Filling the table with realistic items: kinds, units, routing, due dates in working days, and
 * the story each item went through (started, answered, rated, reopened, rejected, merged ...),
 * over a 45-day timeline. The generator follows test/integration/staff-scale.test.ts.
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
import { dynamo, tableName } from '../shared/data/client';
import { commitChange, createItem, type EventRecord, type ItemChange, type ItemRecord } from '../shared/data/items';
import { eventSk, itemIndexKeys, itemPk, itemSk } from '../shared/data/keys';
import { addWorkingDays } from '../shared/domain/calendar';
import { isOpen, nextStatus, type Action } from '../shared/domain/lifecycle';
import { routeItem } from '../shared/domain/routing';
import { encodeTrackingCode } from '../shared/domain/tracking-code';
import { demoDirectory } from '../shared/demo/directory';
import { kindIds, type Kind } from '../shared/schemas/directory';
import type { Satisfaction } from '../shared/schemas/submission';
import { round } from './measure';
import { prng } from '../test/support/prng';

const rng = prng(20261127);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const calendar = { timezone: demoDirectory.campaign.timezone, holidays: demoDirectory.holidays };
const phases = demoDirectory.campaign.phases.map((p) => p.id);
const due = (kind: Kind, from: number) => addWorkingDays(new Date(from), demoDirectory.sla[kind], calendar).toISOString();
const staff = { type: 'staff' as const, sub: 'bench-bot', name: '基准' };
export const sentinels = 30;

const titles = [
  '关于培训安排',
  '建议增加线上学习资料',
  '基层党支部学习时间冲突的问题',
  '窗口服务排队时间过长',
  '学习笔记检查流于形式',
  '推广“周五夜学”经验',
  '调研报告撰写要求不明确',
  '希望专题党课提前发布课件',
  '整改台账更新不及时',
  '社区网格员参与学习的做法',
  '问卷“满意度”题目设置不合理',
  '会议过多，影响正常业务开展',
];
const bodies = [
  '请尽快答复。',
  '具体情况如下：本单位在学习阶段安排了多次集中学习，但部分同志因值班无法参加，希望能提供回放或补学安排。',
  '建议把学习材料分批下发，并附上重点提示，方便基层同志利用碎片时间学习。',
];

/** Unique per fill index (24 bits of it in the code, a marker byte, one random byte). */
const codeOf = (i: number) => encodeTrackingCode(Uint8Array.of(0xb5, rng.int(256), (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff));

interface Story {
  /** The item as submitted, its submit event, then each step's change and the item after it. */
  readonly initial: ItemRecord;
  readonly steps: { change: ItemChange; after: ItemRecord }[];
}

/** What one action does to an item, as the services do it (times plausible, never in the future). */
const apply = (item: ItemRecord, action: Action): { next: ItemRecord; change: ItemChange } => {
  const to = nextStatus(item.status, action);
  if (to === null) throw new Error(`bench plan error: ${action} from ${item.status}`);
  const created = Date.parse(item.createdAt);
  const at = new Date(Math.min(Date.parse(item.updatedAt) + (0.2 + rng.next() * 60) * HOUR, Date.now() - 60_000)).toISOString();
  const set: ItemChange['set'] = { status: to, updatedAt: at };
  let satisfaction: Satisfaction | undefined;
  switch (action) {
    case 'assign': {
      const other = demoDirectory.groups.filter((g) => g.id !== item.groupId);
      Object.assign(set, { groupId: rng.pick(other).id, dueAt: due(item.kind, Date.parse(at)) });
      break;
    }
    case 'reply':
      if (!item.firstReplyAt) {
        const hours = rng.chance(0.6) ? rng.next() * 48 : rng.chance(0.9) ? 48 + rng.next() * 672 : 720 + rng.next() * 200;
        set.firstReplyAt = new Date(Math.min(created + hours * HOUR, Date.now() - 60_000)).toISOString();
        set.updatedAt = set.firstReplyAt > at ? set.firstReplyAt : at;
      }
      set.answeredAt = set.updatedAt;
      break;
    case 'rate-satisfied':
      satisfaction = rng.chance(0.7) ? 'satisfied' : 'basically';
      Object.assign(set, { satisfaction, closedAt: at });
      break;
    case 'rate-unsatisfied':
      satisfaction = 'unsatisfied';
      Object.assign(set, { satisfaction, dueAt: due(item.kind, Date.parse(at)), closedAt: undefined });
      break;
    case 'close':
      set.closedAt = at;
      break;
    case 'reject':
      set.rejectedReason = '不属于本次主题教育征求意见范围。';
      break;
    case 'merge':
      set.mergedInto = 'YJ-0000-0001';
      break;
    default:
      break;
  }
  const next = { ...item, ...set, version: item.version + 1 } as ItemRecord;
  for (const key of Object.keys(next) as (keyof ItemRecord)[]) if (next[key] === undefined) delete next[key];
  return {
    next,
    change: { set, event: { at: set.updatedAt!, action, by: staff, from: item.status, to, ...(satisfaction ? { note: satisfaction } : {}) } },
  };
};

const baseItem = (fields: Pick<ItemRecord, 'trackingCode' | 'kind' | 'title' | 'body' | 'status' | 'phase' | 'createdAt'> & Partial<ItemRecord>): ItemRecord => ({
  updatedAt: fields.createdAt,
  version: 1,
  accessKeyHash: 'x'.repeat(64),
  anonymous: true,
  recommended: false,
  ...fields,
});

const story = (i: number, createdAtMs: number, sentinel: boolean, sweptAt: number): Story => {
  const createdAt = new Date(createdAtMs).toISOString();
  if (sentinel) {
    const route = routeItem(demoDirectory, { kind: 'question', unitId: 'u01' });
    return {
      initial: baseItem({
        trackingCode: codeOf(i),
        kind: 'question',
        title: `关于培训安排的问题（${String(i).padStart(7, '0')}）`,
        body: bodies[1],
        status: route ? 'assigned' : 'submitted',
        unitId: 'u01',
        ...(route ? { groupId: route.groupId, dueAt: due('question', createdAtMs) } : {}),
        phase: phases[0],
        createdAt,
      }),
      steps: [],
    };
  }
  const kind = rng.pick(kindIds) as Kind;
  const unit = rng.chance(0.9) ? rng.pick(demoDirectory.units) : undefined;
  const route = routeItem(demoDirectory, { kind, unitId: unit?.id });
  const initial = baseItem({
    trackingCode: codeOf(i),
    kind,
    title: `${rng.pick(titles)}（${i}）`,
    body: rng.pick(bodies),
    status: route ? 'assigned' : 'submitted',
    ...(unit ? { unitId: unit.id } : {}),
    ...(route ? { groupId: route.groupId, dueAt: due(kind, createdAtMs) } : {}),
    phase: rng.pick(phases),
    createdAt,
    anonymous: rng.chance(0.6),
    ...(kind === 'feedback' && rng.chance(0.5) ? { rating: 1 + rng.int(5) } : {}),
  });
  const r = rng.next();
  let actions: Action[];
  if (!route) actions = r < 0.5 ? [] : r < 0.8 ? ['assign', 'start', 'reply'] : ['reject'];
  else if (r < 0.25) actions = [];
  else if (r < 0.4) actions = ['start'];
  else if (r < 0.55) actions = ['start', 'reply'];
  else if (r < 0.75) actions = ['reply', 'rate-satisfied'];
  else if (r < 0.82) actions = ['reply', 'rate-unsatisfied'];
  else if (r < 0.86) actions = ['reply', 'rate-unsatisfied', 'start', 'reply', 'close'];
  else if (r < 0.91) actions = ['assign', 'note'];
  else if (r < 0.96) actions = ['reject'];
  else actions = ['merge'];
  const steps: Story['steps'] = [];
  let current = initial;
  for (const action of actions) {
    const { next, change } = apply(current, action);
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
          await createItem(s.initial, submitEvent(s.initial));
          writes++;
          let current = s.initial;
          for (const step of s.steps) {
            current = await commitChange(current, step.change);
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
