/**
 * Who may do what: the roles of API.md, as pure functions. Roles come from the token's
 * `cognito:groups`: `office` (everything), `leader` (read-only), `group:<groupId>` (a responder of
 * that supervision group: only the items routed to it), `unit:<unitId>` (the liaison of a member
 * unit: only the rectifications naming that unit, API.md v2 "Roles, added").
 */
export interface Principal {
  readonly sub: string;
  readonly name: string;
  readonly office: boolean;
  readonly leader: boolean;
  /** Supervision groups the user responds for. */
  readonly groups: readonly string[];
  /** Member units the user is the liaison of (`unit:<unitId>`). */
  readonly units: readonly string[];
}

/** The principal as an item or a session records who acted: their subject and the name shown. */
export const personOf = (p: Principal) => ({ sub: p.sub, name: p.name });

/** The principal as the author of an item's history entry. */
export const staffActor = (p: Principal) => ({ type: 'staff' as const, ...personOf(p) });

export const isStaff = (p: Principal): boolean => p.office || p.leader || p.groups.length > 0 || p.units.length > 0;

/**
 * A liaison and nothing else: such a user may call only the routes that say so (their unit's
 * rectifications, shared/http/principal.ts); every other staff route answers 403.
 */
export const isLiaisonOnly = (p: Principal): boolean => !p.office && !p.leader && p.groups.length === 0 && p.units.length > 0;

/** Sees everything (office and leaders). */
export const seesAll = (p: Principal): boolean => p.office || p.leader;

export const canReadItem = (p: Principal, item: { groupId?: string }): boolean =>
  seesAll(p) || (item.groupId !== undefined && p.groups.includes(item.groupId));

/** Contact details: the office and the item's own group only, never leaders or other groups. */
export const canSeeContact = (p: Principal, item: { groupId?: string }): boolean =>
  p.office || (item.groupId !== undefined && p.groups.includes(item.groupId));

export type StaffAction = 'assign' | 'reply' | 'start' | 'close' | 'reject' | 'merge' | 'recommend' | 'unrecommend' | 'request-extension' | 'decide-extension' | 'publish' | 'withdraw';

/** What the item's own group may do; everything else is the office's alone. */
const groupActions: ReadonlySet<StaffAction> = new Set(['reply', 'start', 'recommend', 'unrecommend', 'request-extension']);

export const canAct = (p: Principal, item: { groupId?: string }, action: StaffAction): boolean =>
  p.office || (item.groupId !== undefined && p.groups.includes(item.groupId) && groupActions.has(action));

/** The groups a list or dashboard covers: null means all (office, leaders). */
export const groupScope = (p: Principal): readonly string[] | null => (seesAll(p) ? null : p.groups);

export const canExport = (p: Principal): boolean => p.office || p.leader;
export const canAdminister = (p: Principal): boolean => p.office;

const groupPrefix = 'group:';
const unitPrefix = 'unit:';
const idsAfter = (names: readonly string[], prefix: string) => [...new Set(names.filter((n) => n.startsWith(prefix) && n.length > prefix.length).map((n) => n.slice(prefix.length)))];

/**
 * Reads the roles from the `cognito:groups` claim, in any of the forms it arrives in: a JSON
 * array (a verified token), or API Gateway's string form `[office group:g1]`.
 */
export const rolesFromGroupsClaim = (claim: unknown): { office: boolean; leader: boolean; groups: string[]; units: string[] } => {
  let names: string[] = [];
  if (Array.isArray(claim)) names = claim.map(String);
  else if (typeof claim === 'string') {
    const text = claim.trim();
    if (text.startsWith('[') && text.endsWith(']')) {
      const inner = text.slice(1, -1).trim();
      try {
        const parsed: unknown = JSON.parse(text);
        if (Array.isArray(parsed)) names = parsed.map(String);
      } catch {
        names = inner ? inner.split(/[\s,]+/) : [];
      }
    } else if (text) names = text.split(/[\s,]+/);
  }
  return {
    office: names.includes('office'),
    leader: names.includes('leader'),
    groups: idsAfter(names, groupPrefix),
    units: idsAfter(names, unitPrefix),
  };
};

/**
 * Training sessions: office and leaders see every session; a responder their groups' sessions and
 * the office's own (no group). The office edits (and records) any; a responder only their groups'.
 */
export const canSeeSession = (p: Principal, session: { groupId?: string }): boolean =>
  seesAll(p) || session.groupId === undefined || p.groups.includes(session.groupId);

export const canEditSession = (p: Principal, session: { groupId?: string }): boolean =>
  p.office || (session.groupId !== undefined && p.groups.includes(session.groupId));

/**
 * Rectification (API.md v2): the plan and the verification are the item's group's or the
 * office's; progress also the liaison of the unit the plan names. A liaison sees an item only
 * through its rectification, and only when that names their unit.
 */
export const isLiaisonFor = (p: Principal, item: { rectification?: { unitId: string } }): boolean =>
  item.rectification !== undefined && p.units.includes(item.rectification.unitId);

export const canSeeRectification = (p: Principal, item: { groupId?: string; rectification?: { unitId: string } }): boolean =>
  canReadItem(p, item) || isLiaisonFor(p, item);

export const canPlanRectification = (p: Principal, item: { groupId?: string }): boolean =>
  p.office || (item.groupId !== undefined && p.groups.includes(item.groupId));

export const canReportProgress = (p: Principal, item: { groupId?: string; rectification?: { unitId: string } }): boolean =>
  canPlanRectification(p, item) || isLiaisonFor(p, item);

/** Verification: the item's group or the office, never a liaison (403). */
export const canVerifyRectification = canPlanRectification;
