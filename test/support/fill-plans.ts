/**
 * Realistic items for a filled table, shared by the scale test (test/scale/staff-scale.test.ts)
 * and the bench's fill (bench/fill.ts): kinds, units, routing, due dates in working days, and the
 * story each item goes through (started, answered, rated, reopened, rejected, merged ...), each
 * step's change written as the services write it. Random choices come from the caller's seeded
 * PRNG, so a fill is the same on every run.
 */
import type { Actor, ItemChange, ItemRecord } from '../../shared/data/items';
import { addWorkingDays } from '../../shared/domain/calendar';
import { nextStatus, type Action } from '../../shared/domain/lifecycle';
import { routeItem } from '../../shared/domain/routing';
import { demoDirectory } from '../../shared/demo/directory';
import { calendarOf, routingTimes } from '../../shared/services/directory';
import { firstResponse } from '../../shared/domain/rates';
import { kindIds, type Kind } from '../../shared/schemas/directory';
import type { Satisfaction } from '../../shared/schemas/submission';
import type { prng } from './prng';

type Prng = ReturnType<typeof prng>;

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

const calendar = calendarOf(demoDirectory);
const phases = demoDirectory.campaign.phases.map((p) => p.id);

/** The due date of an item of `kind` that starts its clock at `from` (the kind's SLA in working days). */
export const dueAt = (kind: Kind, from: number): string => addWorkingDays(new Date(from), demoDirectory.sla[kind], calendar).toISOString();

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
const bodies = ['请尽快答复。', '具体情况如下：本单位在学习阶段安排了多次集中学习，但部分同志因值班无法参加，希望能提供回放或补学安排。', '建议把学习材料分批下发，并附上重点提示，方便基层同志利用碎片时间学习。'];

const submitted = (fields: Pick<ItemRecord, 'trackingCode' | 'kind' | 'title' | 'body' | 'status' | 'phase' | 'createdAt'> & Partial<ItemRecord>): ItemRecord => ({
  updatedAt: fields.createdAt,
  version: 1,
  accessKeyHash: 'x'.repeat(64),
  anonymous: true,
  recommended: false,
  ...fields,
});

/**
 * A plain question of one shape (the same unit, body and title length). A list page costs what its
 * rows weigh (DynamoDB rounds the bytes a Query reads up to 4 KB): when the newest rows are these,
 * the first page at a small and at a large table size weighs the same and only the size differs.
 */
export const sentinelItem = (trackingCode: string, index: number, createdAtMs: number): ItemRecord => {
  const route = routeItem(demoDirectory, { kind: 'question', unitId: 'u01' });
  return submitted({
    trackingCode,
    kind: 'question',
    title: `关于培训安排的问题（${String(index).padStart(7, '0')}）`,
    body: bodies[1],
    status: route ? 'assigned' : 'submitted',
    unitId: 'u01',
    ...(route ? { groupId: route.groupId, dueAt: dueAt('question', createdAtMs), ...routingTimes(demoDirectory, new Date(createdAtMs)) } : {}),
    phase: phases[0],
    createdAt: new Date(createdAtMs).toISOString(),
  });
};

/** One realistic submission: a kind, a unit (or none: the office queue), routed as a submission is. */
export const randomItem = (rng: Prng, trackingCode: string, index: number, createdAtMs: number): ItemRecord => {
  const kind = rng.pick(kindIds) as Kind;
  const unit = rng.chance(0.9) ? rng.pick(demoDirectory.units) : undefined;
  const route = routeItem(demoDirectory, { kind, unitId: unit?.id });
  return submitted({
    trackingCode,
    kind,
    title: `${rng.pick(titles)}（${index}）`,
    body: rng.pick(bodies),
    status: route ? 'assigned' : 'submitted',
    ...(unit ? { unitId: unit.id } : {}),
    ...(route ? { groupId: route.groupId, dueAt: dueAt(kind, createdAtMs), ...routingTimes(demoDirectory, new Date(createdAtMs)) } : {}),
    phase: rng.pick(phases),
    createdAt: new Date(createdAtMs).toISOString(),
    anonymous: rng.chance(0.6),
    ...(kind === 'feedback' && rng.chance(0.5) ? { rating: 1 + rng.int(5) } : {}),
  });
};

/** The story of an item (the actions it goes through), in the proportions of a real campaign. */
export const randomStory = (rng: Prng, item: ItemRecord): Action[] => {
  const r = rng.next();
  if (item.status === 'submitted') return r < 0.5 ? [] : r < 0.8 ? ['assign', 'start', 'reply'] : ['reject'];
  if (r < 0.25) return [];
  if (r < 0.4) return ['start'];
  if (r < 0.55) return ['start', 'reply'];
  if (r < 0.75) return ['reply', 'rate-satisfied'];
  if (r < 0.82) return ['reply', 'rate-unsatisfied'];
  if (r < 0.86) return ['reply', 'rate-unsatisfied', 'start', 'reply', 'close'];
  if (r < 0.91) return ['assign', 'note'];
  if (r < 0.96) return ['reject'];
  return ['merge'];
};

/** What one action by `by` does to an item, as the services do it (times plausible, never in the future). */
export const applyAction = (rng: Prng, item: ItemRecord, action: Action, by: Actor): { next: ItemRecord; change: ItemChange } => {
  const to = nextStatus(item.status, action);
  if (to === null) throw new Error(`fill plan error: ${action} from ${item.status}`);
  const created = Date.parse(item.createdAt);
  const at = new Date(Math.min(Date.parse(item.updatedAt) + (0.2 + rng.next() * 60) * HOUR, Date.now() - 60_000)).toISOString();
  const set: ItemChange['set'] = { status: to, updatedAt: at };
  let satisfaction: Satisfaction | undefined;
  switch (action) {
    case 'assign': {
      const other = demoDirectory.groups.filter((g) => g.id !== item.groupId);
      Object.assign(set, { groupId: rng.pick(other).id, dueAt: dueAt(item.kind, Date.parse(at)), ...(item.routedAt ? {} : routingTimes(demoDirectory, new Date(at))) });
      break;
    }
    case 'start':
      Object.assign(set, firstResponse(item, at));
      break;
    case 'reply':
      if (!item.firstReplyAt) {
        // First replies spread from minutes to weeks after creation: every kind of histogram bucket.
        const hours = rng.chance(0.6) ? rng.next() * 48 : rng.chance(0.9) ? 48 + rng.next() * 672 : 720 + rng.next() * 200;
        set.firstReplyAt = new Date(Math.min(created + hours * HOUR, Date.now() - 60_000)).toISOString();
        set.updatedAt = set.firstReplyAt > at ? set.firstReplyAt : at;
      }
      set.answeredAt = set.updatedAt;
      Object.assign(set, firstResponse(item, set.updatedAt!));
      break;
    case 'rate-satisfied':
      satisfaction = rng.chance(0.7) ? 'satisfied' : 'basically';
      Object.assign(set, { satisfaction, resolved: rng.pick(['yes', 'yes', 'partly'] as const), closedAt: at });
      break;
    case 'rate-unsatisfied':
      satisfaction = 'unsatisfied';
      Object.assign(set, { satisfaction, resolved: 'no', dueAt: dueAt(item.kind, Date.parse(at)), closedAt: undefined });
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
    change: { set, event: { at: set.updatedAt!, action, by, from: item.status, to, ...(satisfaction ? { note: satisfaction } : {}) } },
  };
};
