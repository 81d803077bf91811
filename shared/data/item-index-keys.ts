/**
 * The keys an item's own record carries for the list indexes (gsi1..gsi8): the partitions each
 * list reads and the list sort key, with what that key carries for the list rows (origin, urging,
 * an extension waiting). Apart from keys.ts, which names the table's partitions and records.
 */
import { isOpen } from '../domain/lifecycle';
import type { Status } from '../schemas/submission';

/** Every index key an item can have; an item lacking one is absent from that (sparse) index. */
export const itemIndexKeyNames = [
  'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk', 'gsi4pk', 'gsi4sk',
  'gsi5pk', 'gsi5sk', 'gsi6pk', 'gsi6sk', 'gsi7pk', 'gsi7sk', 'gsi8pk', 'gsi8sk',
] as const;

export const groupPartition = (groupId: string | undefined) => `GROUP#${groupId ?? '-'}`;
export const unitPartition = (unitId: string) => `UNIT#${unitId}`;
export const statusPartition = (status: Status) => `STATUS#${status}`;
export const groupStatusPartition = (groupId: string | undefined, status: Status) => `${groupPartition(groupId)}#STATUS#${status}`;
export const allItemsPartition = 'ITEMS';
export const duePartition = 'DUE';
export const answeredPartition = 'ANSWERED';
export const keptContactPartition = 'CONTACT';
export const urgePartition = 'URGE';
export const urgedPartition = 'URGED';
export const practicePartition = 'PRACTICE';

/** Where an item came from: the public form, a session's link, or the office's meeting records. */
export type ItemSource = 'form' | 'session' | 'meeting';

/** An item's origin: set when it is made and never changed afterwards. */
export interface ItemOrigin {
  readonly source?: ItemSource;
  readonly sessionCode?: string;
  readonly answeredOnSpot?: boolean;
}

const spotMark = 'spot';
const urgedMark = 'urged';
const extensionMark = 'extension';

/**
 * Newest first everywhere: sort keys start with the creation time; the tracking code breaks ties.
 *
 * An item of a session carries its origin after that (`#session#PX-…`, `#meeting#PX-…[#spot]`).
 * Why in the key: every list row must say where its item came from (ItemSummary's `source`,
 * `sessionCode`, `answeredOnSpot`), and the list indexes carry only their projected attributes.
 * Projecting three more attributes into gsi1..gsi6 is not possible: DynamoDB allows 100 projected
 * attributes per table in all (6 x 16 = 96 are taken; a test counts them) and a deployed index's projection cannot be
 * changed in place. The origin never changes, so the key never moves; ordering and cursors are
 * unaffected (the tracking code before it is unique), and an item from the form keeps exactly the
 * key it always had (old items read as `form`).
 */
const listSortKey = (item: { createdAt: string; trackingCode: string; urgedAt?: string; extension?: { status: string } } & ItemOrigin) => {
  const base = `${item.createdAt}#${item.trackingCode}`;
  // Before the urged mark, which stays last (`urgedAtOfListSortKey`).
  const marks = `${item.extension?.status === 'requested' ? `#${extensionMark}` : ''}${item.urgedAt ? `#${urgedMark}#${item.urgedAt}` : ''}`;
  if (!item.sessionCode || (item.source !== 'session' && item.source !== 'meeting')) return `${base}${marks}`;
  return `${base}#${item.source}#${item.sessionCode}${item.answeredOnSpot ? `#${spotMark}` : ''}${marks}`;
};

/**
 * Whether the item waits for the office's decision on a deadline extension, as its list sort key
 * carries it (`…#extension`, before any urged mark). Why in the key: `GET /api/items?extension=requested`
 * filters the open items by it, and the list indexes cannot project `extension` (see above); a
 * filter expression cannot read an index's own key, so the lists test it on the rows they read
 * (shared/data/lists.ts). It comes and goes with the request and its decision; cursors hold only a
 * key's rank, which never changes.
 */
export const extensionRequestedOfListSortKey = (sortKey: string): boolean => sortKey.split('#').slice(2).includes(extensionMark);

/**
 * When the item was urged (催办), as its list sort key carries it (`…#urged#<urgedAt>`, last).
 * Why in the key, like the origin: every list row shows the urged mark, and the list indexes cannot
 * project `urgedAt` (see above). Unlike the origin it can change (a new due date urged again), so
 * list cursors hold only a key's rank, `listRankOf`, which never changes.
 */
export const urgedAtOfListSortKey = (sortKey: string): string | undefined => {
  const parts = sortKey.split('#');
  const at = parts.lastIndexOf(urgedMark);
  return at >= 2 && at === parts.length - 2 ? parts[at + 1] : undefined;
};

/** The rank of a list sort key, `<createdAt>#<code>`: unique and fixed for an item, whatever follows it. */
export const listRankOf = (sortKey: string): string => sortKey.split('#', 2).join('#');

/** The origin a list sort key (`listSortKey`) carries: `form` when it carries none. */
export const originOfListSortKey = (sortKey: string): Required<Pick<ItemOrigin, 'source' | 'answeredOnSpot'>> & Pick<ItemOrigin, 'sessionCode'> => {
  const [, , source, sessionCode, mark] = sortKey.split('#');
  if ((source === 'session' || source === 'meeting') && sessionCode) return { source, sessionCode, answeredOnSpot: mark === spotMark };
  return { source: 'form', answeredOnSpot: false };
};

/** The items of one session, newest first (gsi8, sparse). */
export const sessionItemsPartition = (sessionCode: string) => `SESSIONITEMS#${sessionCode}`;

/**
 * When an item ended, for the contact retention: a closed item when it was closed, a rejected or
 * merged one at its last change (the rejection or the merge: nothing changes such an item after).
 * Undefined while it can still be answered.
 */
export const endedAt = (item: { status: Status; closedAt?: string; updatedAt?: string }): string | undefined =>
  item.status === 'closed' ? item.closedAt : item.status === 'rejected' || item.status === 'merged' ? item.updatedAt : undefined;

/**
 * The index keys of an item, derived from its attributes alone: every write recomputes all of
 * them, so an item is always in exactly the lists its current state puts it in.
 */
export const itemIndexKeys = (item: ItemOrigin & {
  trackingCode: string;
  createdAt: string;
  status: Status;
  kind: string;
  groupId?: string;
  unitId?: string;
  dueAt?: string;
  recommended?: boolean;
  overdueNotifiedFor?: string;
  urgedFor?: string;
  urgedAt?: string;
  answeredAt?: string;
  closedAt?: string;
  updatedAt?: string;
  contact?: unknown;
  extension?: { status: string };
}): Partial<Record<(typeof itemIndexKeyNames)[number], string>> => {
  const sk = listSortKey(item);
  return {
    gsi1pk: allItemsPartition,
    gsi1sk: sk,
    gsi2pk: groupPartition(item.groupId),
    gsi2sk: sk,
    ...(item.unitId ? { gsi3pk: unitPartition(item.unitId), gsi3sk: sk } : {}),
    gsi4pk: statusPartition(item.status),
    gsi4sk: sk,
    gsi5pk: groupStatusPartition(item.groupId, item.status),
    gsi5sk: sk,
    ...(isOpen(item.status) && item.dueAt && item.overdueNotifiedFor !== item.dueAt
      ? { gsi6pk: duePartition, gsi6sk: `${item.dueAt}#${item.trackingCode}` }
      : isOpen(item.status) && item.dueAt && item.urgedFor !== item.dueAt
        ? { gsi6pk: urgePartition, gsi6sk: `${item.dueAt}#${item.trackingCode}` }
        : isOpen(item.status) && item.dueAt
          ? { gsi6pk: urgedPartition, gsi6sk: sk }
      : item.status === 'answered' && item.answeredAt
        ? { gsi6pk: answeredPartition, gsi6sk: `${item.answeredAt}#${item.trackingCode}` }
        : item.contact !== undefined && endedAt(item)
          ? { gsi6pk: keptContactPartition, gsi6sk: `${endedAt(item)}#${item.trackingCode}` }
          : {}),
    ...(item.kind === 'practice' && item.recommended ? { gsi7pk: practicePartition, gsi7sk: sk } : {}),
    ...(item.sessionCode ? { gsi8pk: sessionItemsPartition(item.sessionCode), gsi8sk: sk } : {}),
  };
};
