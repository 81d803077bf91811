import { describe, expect, it } from 'vitest';
import type { ListFilter, ListSource } from '../../shared/data/lists';
import { itemIndexKeys } from '../../shared/data/item-index-keys';
import { kindIds, type Kind } from '../../shared/schemas/directory';
import type { ListQuery } from '../../shared/schemas/staff';
import { statusSchema, type Status } from '../../shared/schemas/submission';
import { planList } from '../../shared/services/item-lists';

type Query = Omit<ListQuery, 'limit' | 'cursor'>;
const now = new Date('2026-11-27T08:00:00.000Z');
const openStatuses: Status[] = ['submitted', 'assigned', 'in_progress', 'reopened'];

const plan = (groups: readonly string[] | null, query: Query) => planList(groups, query, now);
const definedKeys = (filter: ListFilter) => Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined));

describe('planList: which index partitions a query reads', () => {
  it('reads the all-items index for the office without filters', () => {
    const { sources, filter } = plan(null, {});
    expect(sources).toEqual([{ index: 'gsi1', partition: 'ITEMS' }]);
    expect(definedKeys(filter)).toEqual({});
  });

  it('keeps kind, phase and text as row filters on the all-items index', () => {
    const { sources, filter } = plan(null, { kind: 'problem', phase: 'study', q: '培训' });
    expect(sources).toEqual([{ index: 'gsi1', partition: 'ITEMS' }]);
    expect(definedKeys(filter)).toEqual({ kind: 'problem', phase: 'study', q: '培训' });
  });

  it('reads one group partition per group in scope (a groupId, or a responder’s own groups)', () => {
    expect(plan(['g2'], {}).sources).toEqual([{ index: 'gsi2', partition: 'GROUP#g2' }]);
    expect(plan(['g1', 'g3'], {}).sources).toEqual([
      { index: 'gsi2', partition: 'GROUP#g1' },
      { index: 'gsi2', partition: 'GROUP#g3' },
    ]);
  });

  it('reads one status partition per status of a status list', () => {
    const { sources, filter } = plan(null, { status: ['assigned', 'reopened'] });
    expect(sources).toEqual([
      { index: 'gsi4', partition: 'STATUS#assigned' },
      { index: 'gsi4', partition: 'STATUS#reopened' },
    ]);
    expect(definedKeys(filter)).toEqual({});
  });

  it('reads one group-and-status partition per pair', () => {
    expect(plan(['g1', 'g2'], { status: ['answered', 'closed'] }).sources).toEqual([
      { index: 'gsi5', partition: 'GROUP#g1#STATUS#answered' },
      { index: 'gsi5', partition: 'GROUP#g1#STATUS#closed' },
      { index: 'gsi5', partition: 'GROUP#g2#STATUS#answered' },
      { index: 'gsi5', partition: 'GROUP#g2#STATUS#closed' },
    ]);
  });

  it('reads the unit index for a unit, without a redundant unit filter', () => {
    const { sources, filter } = plan(null, { unitId: 'u09' });
    expect(sources).toEqual([{ index: 'gsi3', partition: 'UNIT#u09' }]);
    expect(filter.unitId).toBeUndefined();
  });

  it('keeps the unit as a row filter when a group decides the partition', () => {
    const { sources, filter } = plan(['g3'], { unitId: 'u09' });
    expect(sources).toEqual([{ index: 'gsi2', partition: 'GROUP#g3' }]);
    expect(filter.unitId).toBe('u09');
  });

  it('reads only open statuses for overdue, with a due-before filter at now', () => {
    const { sources, filter } = plan(null, { overdue: true });
    expect(sources).toEqual(openStatuses.map((s) => ({ index: 'gsi4', partition: `STATUS#${s}` })));
    expect(filter.dueBefore).toBe(now.toISOString());
    const grouped = plan(['g4'], { overdue: true });
    expect(grouped.sources).toEqual(openStatuses.map((s) => ({ index: 'gsi5', partition: `GROUP#g4#STATUS#${s}` })));
    expect(grouped.filter.dueBefore).toBe(now.toISOString());
  });

  it('intersects overdue with a status list: closed items are never overdue', () => {
    expect(plan(null, { overdue: true, status: ['closed', 'reopened', 'answered'] }).sources).toEqual([{ index: 'gsi4', partition: 'STATUS#reopened' }]);
    expect(plan(null, { overdue: true, status: ['closed', 'answered'] }).sources).toEqual([]);
  });

  it('adds no due filter when overdue is false', () => {
    expect(plan(null, { overdue: false }).filter.dueBefore).toBeUndefined();
  });
});

/**
 * Whatever the plan, what it reads must be exactly what the query asks for. Here the plan is run
 * against a set of items in memory: a source holds the items whose index keys (the very function
 * the writes use) put them in its partition; the filter is applied with the meaning `listItems`
 * gives each field. The result must equal the query evaluated directly on the items, counted with
 * multiplicity (two sources holding one item would list it twice).
 */
describe('planList: every filter combination lists exactly the matching items', () => {
  interface TestItem {
    trackingCode: string;
    createdAt: string;
    status: Status;
    kind: Kind;
    groupId?: string;
    unitId?: string;
    phase: string;
    dueAt?: string;
    title: string;
    recommended: boolean;
  }

  const items: TestItem[] = [];
  const groups = [undefined, 'g1', 'g2', 'g3'];
  const units = [undefined, 'u01', 'u09', 'u34'];
  const dues = [undefined, '2026-11-20T15:59:59.999Z', '2026-12-04T15:59:59.999Z'];
  let n = 0;
  for (const status of statusSchema.options)
    for (const groupId of groups)
      for (const unitId of units)
        for (const dueAt of dues) {
          n++;
          items.push({
            trackingCode: `YJ-T${String(n).padStart(3, '0')}-0000`,
            createdAt: new Date(Date.UTC(2026, 10, 16) + n * 60_000).toISOString(),
            status,
            kind: kindIds[n % kindIds.length],
            ...(groupId ? { groupId } : {}),
            ...(unitId ? { unitId } : {}),
            phase: n % 3 === 0 ? 'review' : 'study',
            ...(dueAt ? { dueAt } : {}),
            title: n % 4 === 0 ? '关于培训安排' : '整改问题',
            recommended: false,
          });
        }

  const inSource = (item: TestItem, source: ListSource) =>
    (itemIndexKeys(item) as Record<string, string | undefined>)[`${source.index}pk`] === source.partition;

  const passes = (item: TestItem, filter: ListFilter) =>
    (filter.kind === undefined || item.kind === filter.kind) &&
    (filter.phase === undefined || item.phase === filter.phase) &&
    (filter.unitId === undefined || item.unitId === filter.unitId) &&
    (filter.groupId === undefined || item.groupId === filter.groupId) &&
    (filter.statuses === undefined || filter.statuses.includes(item.status)) &&
    (filter.dueBefore === undefined || (item.dueAt !== undefined && item.dueAt < filter.dueBefore)) &&
    (filter.q === undefined || item.title.includes(filter.q));

  const listed = (groupScope: readonly string[] | null, query: Query) => {
    const { sources, filter } = plan(groupScope, query);
    return sources.flatMap((source) => items.filter((item) => inSource(item, source) && passes(item, filter)).map((i) => i.trackingCode)).sort();
  };

  const expected = (groupScope: readonly string[] | null, query: Query) =>
    items
      .filter(
        (item) =>
          (groupScope === null || (item.groupId !== undefined && groupScope.includes(item.groupId))) &&
          (query.status === undefined || query.status.includes(item.status)) &&
          (query.unitId === undefined || item.unitId === query.unitId) &&
          (query.kind === undefined || item.kind === query.kind) &&
          (query.phase === undefined || item.phase === query.phase) &&
          (query.q === undefined || item.title.includes(query.q)) &&
          (query.overdue !== true || (openStatuses.includes(item.status) && item.dueAt !== undefined && item.dueAt < now.toISOString())),
      )
      .map((i) => i.trackingCode)
      .sort();

  const scopes: (readonly string[] | null)[] = [null, ['g1'], ['g1', 'g3']];
  const statusLists: (Status[] | undefined)[] = [undefined, ['closed'], ['assigned', 'reopened', 'answered']];
  const unitIds = [undefined, 'u09'];
  const overdues = [undefined, true];
  const extras: Query[] = [{}, { kind: 'question' }, { phase: 'review', q: '培训' }];

  const combinations: [readonly string[] | null, Query][] = [];
  for (const scope of scopes)
    for (const status of statusLists)
      for (const unitId of unitIds)
        for (const overdue of overdues)
          for (const extra of extras)
            combinations.push([scope, { ...extra, ...(status ? { status } : {}), ...(unitId ? { unitId } : {}), ...(overdue ? { overdue } : {}) }]);

  it.each(combinations.map(([scope, query]) => [JSON.stringify({ scope, ...query }), scope, query] as const))('%s', (_name, scope, query) => {
    expect(listed(scope, query)).toEqual(expected(scope, query));
  });

  it('the item set covers every status, group, unit and due date', () => {
    expect(items).toHaveLength(statusSchema.options.length * groups.length * units.length * dues.length);
  });
});
