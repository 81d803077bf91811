import { clock } from '../clock';
import { readCounters, readDueBucketsBefore } from '../data/counters';
import type { Principal } from '../domain/access';
import { firstReplyHistogram, medianFromHistogram, parseCounterCell, unitsOf } from '../domain/counters';
import { openStatuses } from '../domain/lifecycle';
import { kindIds } from '../schemas/directory';
import { statusSchema } from '../schemas/submission';
import { officeName, requireDirectory } from './directory';
import { scopeFor } from './item-lists';

/**
 * The dashboard, from the counters the tally keeps (shared/services/tally.ts): totals, groups,
 * hot-spot units, kinds and satisfaction, for the principal's scope. Its read costs the same
 * whatever the number of items.
 */
export const dashboard = async (principal: Principal, query: { groupId?: string; phase?: string }) => {
  const now = clock.now();
  const nowIso = now.toISOString();
  const scope = scopeFor(principal, query.groupId);
  const [directory, rows, fellDue] = await Promise.all([requireDirectory(), readCounters(query.phase), readDueBucketsBefore(nowIso)]);
  const inScope = (groupId: string | undefined) => scope === null || (groupId !== undefined && scope.includes(groupId));
  const visible = rows.filter((row) => inScope(row.groupId));
  // Overdue now = what the sweeper has counted + what fell due since it last ran.
  const pendingOverdue = new Map<string, number>();
  for (const bucket of fellDue) {
    for (const [cell, n] of Object.entries(bucket.cells)) {
      const { phase, groupId } = parseCounterCell(cell);
      if (!inScope(groupId) || (query.phase !== undefined && phase !== query.phase)) continue;
      pendingOverdue.set(groupId ?? '-', (pendingOverdue.get(groupId ?? '-') ?? 0) + n);
    }
  }

  const byGroupId = new Map<string, Record<string, number>>();
  for (const row of visible) {
    const key = row.groupId ?? '-';
    const into = byGroupId.get(key) ?? {};
    for (const [name, n] of Object.entries(row.counts)) into[name] = (into[name] ?? 0) + n;
    byGroupId.set(key, into);
  }
  const all: Record<string, number> = {};
  for (const counts of byGroupId.values()) for (const [name, n] of Object.entries(counts)) all[name] = (all[name] ?? 0) + n;

  const overdueOf = (key: string) => (byGroupId.get(key)?.ov ?? 0) + (pendingOverdue.get(key) ?? 0);
  const statuses = statusSchema.options;
  const totals: Record<string, number> = Object.fromEntries(statuses.map((s) => [s, all[`s:${s}`] ?? 0]));
  totals.overdue = (all.ov ?? 0) + [...pendingOverdue.values()].reduce((sum, n) => sum + n, 0);
  totals.all = statuses.reduce((sum, s) => sum + (all[`s:${s}`] ?? 0), 0);

  const hasItems = (counts: Record<string, number> | undefined) => statuses.some((s) => (counts?.[`s:${s}`] ?? 0) > 0);
  const groupRows = [
    ...directory.groups.map((g) => ({ groupId: g.id as string | null, name: g.name, key: g.id })),
    { groupId: null, name: officeName, key: '-' },
  ].filter((g) => (scope === null ? g.key !== '-' || hasItems(byGroupId.get('-')) || pendingOverdue.has('-') : g.groupId !== null && scope.includes(g.groupId)));
  const byGroup = groupRows.map(({ groupId, name, key }) => {
    const counts = byGroupId.get(key) ?? {};
    return {
      groupId,
      name,
      open: openStatuses.reduce((sum, s) => sum + (counts[`s:${s}`] ?? 0), 0),
      overdue: overdueOf(key),
      answered: counts['s:answered'] ?? 0,
      closed: counts['s:closed'] ?? 0,
      medianFirstReplyHours: medianFromHistogram(firstReplyHistogram(counts)),
    };
  });

  const unitNames = new Map(directory.units.map((u) => [u.id, u.name]));
  const byUnit = unitsOf(all)
    .map((unitId) => ({
      unitId,
      name: unitNames.get(unitId) ?? unitId,
      total: all[`u:${unitId}:t`] ?? 0,
      open: all[`u:${unitId}:o`] ?? 0,
      problems: all[`u:${unitId}:p`] ?? 0,
    }))
    .filter((u) => u.total > 0)
    .sort((a, b) => b.total - a.total || b.open - a.open || a.unitId.localeCompare(b.unitId));

  const satisfied = all['sat:satisfied'] ?? 0;
  const basically = all['sat:basically'] ?? 0;
  const unsatisfied = all['sat:unsatisfied'] ?? 0;
  const rated = satisfied + basically + unsatisfied;
  return {
    generatedAt: nowIso,
    totals,
    byGroup,
    byUnit,
    byKind: Object.fromEntries(kindIds.map((k) => [k, all[`k:${k}`] ?? 0])),
    satisfaction: { satisfied, basically, unsatisfied, rate: rated ? Math.round(((satisfied + basically) / rated) * 1000) / 1000 : null },
  };
};
