/**
 * The keys of the rectification ledger's rows. Apart from keys.ts, like the items' index keys.
 */

/**
 * The rectification ledger (GET /api/rectifications, the sweeper's deadline reminders, the
 * dashboard's overdue rectifications): one small row per rectified item, `ITEM#<code>` / `#RECT`,
 * in partitions of the list indexes that no item uses (`RECT…`), so no new index is needed and
 * every filter is a partition:
 *   gsi1 `RECTS`                        every rectification
 *   gsi2 `RECTGROUP#<groupId>`          a group's (a responder's ledger)
 *   gsi3 `RECTUNIT#<unitId>`            a unit's (a liaison's ledger)
 *   gsi4 `RECTSTATUS#<status>`          one status's (the dashboard's overdue: open statuses, sk < today)
 *   gsi5 `RECTGROUP#<g>#STATUS#<s>`     a group's in one status
 *   gsi6 `RECTDUE` (sparse)             the unit owes work and was not reminded of this deadline:
 *                                       the sweeper's reminder candidates, by deadline
 * Sort key `<deadline>#<code>#<updatedAt>`: earliest deadline first (the overdue ones lead), the code
 * breaks ties; `updatedAt` rides at the end because the list indexes cannot project another
 * attribute (see `listSortKey`), and cursors hold only the rank `<deadline>#<code>` (`listRankOf`).
 * The row's attributes use names the list indexes project (summaryAttributes): `status` is the
 * rectification's, `dueAt` the instant its deadline passes, `remindedFor` the deadline it was reminded of.
 * Cost: the row is ~300 bytes; a change to it rewrites it and its five or six index entries
 * (14 to 18 WCU more in the item's transaction, measured on DynamoDB Local: docs/api.md), only on
 * changes that alter it (a rectification action, a reassignment); every other item change leaves it alone.
 */
export const rectificationsPartition = 'RECTS';
export const rectificationGroupPartition = (groupId: string | undefined) => `RECTGROUP#${groupId ?? '-'}`;
export const rectificationUnitPartition = (unitId: string) => `RECTUNIT#${unitId}`;
export const rectificationStatusPartition = (status: string) => `RECTSTATUS#${status}`;
export const rectificationGroupStatusPartition = (groupId: string | undefined, status: string) => `${rectificationGroupPartition(groupId)}#STATUS#${status}`;
export const rectificationDuePartition = 'RECTDUE';

export interface LedgerFacts {
  readonly trackingCode: string;
  readonly title: string;
  readonly groupId?: string;
  readonly phase?: string;
  readonly rectification?: { readonly status: string; readonly unitId: string; readonly deadline: string; readonly dueAt: string; readonly updatedAt: string; readonly remindedFor?: string };
}

/** Whether the unit still owes work in this rectification status (the deadline can pass on it). */
const owesWork = (status: string) => status === 'planned' || status === 'in_progress' || status === 'returned';

/** An item's ledger row (without pk/sk), or null when it has no rectification. */
export const rectificationRow = (item: LedgerFacts): Record<string, string> | null => {
  const r = item.rectification;
  if (!r) return null;
  const sk = `${r.deadline}#${item.trackingCode}#${r.updatedAt}`;
  return {
    entity: 'rectification',
    trackingCode: item.trackingCode,
    title: item.title,
    status: r.status,
    unitId: r.unitId,
    ...(item.groupId ? { groupId: item.groupId } : {}),
    ...(item.phase ? { phase: item.phase } : {}),
    dueAt: r.dueAt,
    ...(r.remindedFor ? { remindedFor: r.remindedFor } : {}),
    gsi1pk: rectificationsPartition,
    gsi1sk: sk,
    gsi2pk: rectificationGroupPartition(item.groupId),
    gsi2sk: sk,
    gsi3pk: rectificationUnitPartition(r.unitId),
    gsi3sk: sk,
    gsi4pk: rectificationStatusPartition(r.status),
    gsi4sk: sk,
    gsi5pk: rectificationGroupStatusPartition(item.groupId, r.status),
    gsi5sk: sk,
    ...(owesWork(r.status) && r.remindedFor !== r.deadline ? { gsi6pk: rectificationDuePartition, gsi6sk: `${r.deadline}#${item.trackingCode}` } : {}),
  };
};

/** The deadline and `updatedAt` a ledger row's sort key carries (its first and third parts). */
export const ledgerSortKeyParts = (sortKey: string): { deadline: string; updatedAt: string } => {
  const [deadline = '', , updatedAt = ''] = sortKey.split('#');
  return { deadline, updatedAt };
};
