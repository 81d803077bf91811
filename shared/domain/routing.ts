/**
 * Routing: which supervision group an incoming item goes to. The first rule whose `when` fully
 * matches wins; otherwise the unit's own group; otherwise null (the office triage queue).
 */
import type { Directory, Kind, Unit } from '../schemas/directory';

export interface RoutingInput {
  readonly kind: Kind;
  readonly unitId?: string | null;
}

export interface Route {
  readonly groupId: string;
  /** Index of the rule that decided, or null when the unit's own group did. */
  readonly ruleIndex: number | null;
}

const unitIndexes = new WeakMap<readonly Unit[], ReadonlyMap<string, Unit>>();

const unitIndex = (units: readonly Unit[]): ReadonlyMap<string, Unit> => {
  let index = unitIndexes.get(units);
  if (index === undefined) {
    index = new Map(units.map((u) => [u.id, u]));
    unitIndexes.set(units, index);
  }
  return index;
};

/** The unit with that id, if the directory has one. */
export const findUnit = (directory: Pick<Directory, 'units'>, unitId: string | null | undefined): Unit | undefined =>
  unitId == null ? undefined : unitIndex(directory.units).get(unitId);

/**
 * Route an item. A rule's `when` matches when every field it gives equals the item's: `kind`,
 * `unitId`, and `system` compared with the unit's system (so a rule naming a unit or a system
 * never matches an item without a known unit). An empty `when` matches everything.
 * An unknown `unitId` is treated as no unit.
 */
export const routeItem = (directory: Pick<Directory, 'units' | 'rules'>, item: RoutingInput): Route | null => {
  const unit = findUnit(directory, item.unitId);
  for (let i = 0; i < directory.rules.length; i++) {
    const { when, groupId } = directory.rules[i];
    if (when.kind !== undefined && when.kind !== item.kind) continue;
    if (when.unitId !== undefined && when.unitId !== unit?.id) continue;
    if (when.system !== undefined && when.system !== unit?.system) continue;
    return { groupId, ruleIndex: i };
  }
  return unit ? { groupId: unit.groupId, ruleIndex: null } : null;
};
