import { isOpen } from '../domain/lifecycle';
import type { Status } from '../schemas/submission';

/**
 * Key shapes of the single table. Every entity's keys are built here and nowhere else.
 *
 * Item collection `ITEM#<trackingCode>`:
 *   sk `#ITEM`           the item itself (status, version, due date, ...). The tracking code is the
 *                        item id: the submitter's lookup is then a direct key read, and a code
 *                        collision is caught by the same conditional put that creates the item.
 *   sk `E#<version:6>`   one event per version: history entry, reply, internal note or follow-up.
 *                        Keyed by the version it produced, so two writers racing for the same
 *                        version collide on the key and one of them fails: nothing is lost.
 *   sk `#RECT`           the item's line in the rectification ledger (整改台账), only while it has a
 *                        rectification: a small copy of what a ledger row shows, kept by the one
 *                        item write (shared/data/items.ts `commitChange`) from the item's state, so
 *                        it is never out of step. Its own index keys put it in the `RECT…`
 *                        partitions of gsi1..gsi6 (`rectificationRow` below).
 *   A Query on the partition returns the item with all its events, in order, in one request.
 *   Its index keys (gsi1..gsi7) are derived by `itemIndexKeys` below.
 *
 * `DIRECTORY` / `CURRENT`: the whole directory document (groups, units, rules, SLA, holidays).
 * `COUNTERS` / `<phase>#<groupId|->`, `#LAYOUT`; `DUECOUNT` / `<dueAt>`; `TALLY#<eventID>`: the
 *   dashboard's counters, kept by the tally from the change stream (shared/data/counters.ts).
 * `IDEM#<sha256(key)>` / `IDEM`: an idempotency record; its answer is encrypted with the key
 *   itself, so the stored record alone never reveals an access key. Expires after `idempotencyWindowSeconds`.
 * `RATE#<hmac(address, window)>` / `W#<window start>`: a client's public writes in one window
 *   (the address keyed with a secret that is not in the table: shared/domain/room.ts).
 * `PROOF#<challenge signature>` / `PROOF`: a spent proof of work, kept until its challenge expires.
 * `NOTIFY#<trackingCode>#<occasion>#<kind>` / `NOTIFY`: a notification's claim (sent at most once).
 * `PARKED` / `<worker>#<eventID>`: a change-stream record a worker could not handle, kept aside.
 * `SESSION#<code>` / `#SESSION`: a training session; `SESSION#<code>` / `R#<at>#<id>`: one of its
 *   ratings (a Query on the partition reads the session with every rating).
 * `UPLOAD#<sha256(id)>` / `UPLOAD`: an attachment handed out for upload and not attached yet (its
 *   declared name, type and size); deleted by the write that attaches it, expires after a day.
 * `KEPT` / `<dedupKey>`: a notice that could not be sent, kept in full until it is sent or discarded.
 * `ANSWERS` / `A#<publicId>`: a published answer (the office's rewrite only); `ANSWERS` / `#REV`:
 *   the set's revision and size, bumped by every publication and withdrawal.
 * `#commit-barrier` / `#`: never stored; the local stack reads it after each transaction.
 */
/**
 * Every partition-key space of the table, by name. A name with a trailing '#' is a family of
 * partitions (`ITEM#<code>`); any other is one partition. Routes declare the spaces they read and
 * write by these names (shared/routes.ts `data`), and infra/bind-table.ts turns them into
 * `dynamodb:LeadingKeys` conditions, so a function can touch no other partition. The key builders
 * below take their prefixes from here: a new key space is added here first, or no route can
 * declare it and no deployed function may touch it.
 */
export const keySpaces = {
  /** `ITEM#<trackingCode>`: an item and its events. */
  item: 'ITEM#',
  directory: 'DIRECTORY',
  idempotency: 'IDEM#',
  rateLimit: 'RATE#',
  /** `PROOF#<challenge signature>`: a spent proof of work (shared/data/room.ts). */
  proof: 'PROOF#',
  notification: 'NOTIFY#',
  counters: 'COUNTERS',
  dueCount: 'DUECOUNT',
  tallyMarker: 'TALLY#',
  parked: 'PARKED',
  /** `SESSION#<code>`: a training session and its ratings. */
  session: 'SESSION#',
  /** `KEPT`: notices that could not be sent, kept in full (shared/data/kept-notices.ts). */
  keptNotice: 'KEPT',
  /** `ANSWERS`: the published answers everyone may read, and their revision (shared/data/published-answers.ts). */
  publishedAnswers: 'ANSWERS',
  /** `UPLOAD#<sha256(attachment id)>`: a presigned upload not attached yet (shared/data/uploads.ts). */
  upload: 'UPLOAD#',
} as const;
export type KeySpace = keyof typeof keySpaces;

/** The `dynamodb:LeadingKeys` pattern (IAM StringLike) that matches exactly the partitions of a key space. */
export const leadingKeyPattern = (space: KeySpace): string => {
  const prefix: string = keySpaces[space];
  return prefix.endsWith('#') ? `${prefix}*` : prefix;
};

const itemPkPrefix = keySpaces.item;
export const itemPk = (trackingCode: string) => `${itemPkPrefix}${trackingCode}`;
export const itemSk = '#ITEM';
const eventSkPrefix = 'E#';
export const eventSk = (version: number) => `${eventSkPrefix}${String(version).padStart(6, '0')}`;

/** The sort key of an item's ledger row (below, `rectificationRow`). */
export const rectificationSk = '#RECT';

/** The tracking code an item collection's pk names, or null for any other partition. */
export const trackingCodeOfPk = (pk: unknown): string | null =>
  typeof pk === 'string' && pk.startsWith(itemPkPrefix) ? pk.slice(itemPkPrefix.length) : null;

/** Whether a stored row (or a stream image) is an item's own record. */
export const isItemRecord = (row: { pk?: unknown; sk?: unknown }): boolean => row.sk === itemSk && trackingCodeOfPk(row.pk) !== null;

/** Whether a stored row (or a stream image) is one of an item's events. */
export const isEventRecord = (row: { pk?: unknown; sk?: unknown }): boolean =>
  typeof row.sk === 'string' && row.sk.startsWith(eventSkPrefix) && trackingCodeOfPk(row.pk) !== null;

export const directoryKey = { pk: keySpaces.directory, sk: 'CURRENT' } as const;

export const idempotencyKey = (keyHash: string) => ({ pk: `${keySpaces.idempotency}${keyHash}`, sk: 'IDEM' });

/** A client's rate-limit counter for the window starting at `windowStart` (epoch seconds). */
export const rateLimitKey = (addressHash: string, windowStart: number) => ({ pk: `${keySpaces.rateLimit}${addressHash}`, sk: `W#${windowStart}` });

/** The record of a spent proof of work, by its challenge's signature (one challenge, one write). */
export const usedProofKey = (challengeSignature: string) => ({ pk: `${keySpaces.proof}${challengeSignature}`, sk: 'PROOF' });

/**
 * What a notification is deduplicated by: its item, the occasion (the version that caused it, or
 * the due date it is about) and its kind (assigned, reply, overdue ...).
 */
export const notificationDedupKey = (trackingCode: string, occasion: string | number, kind: string) => `${trackingCode}#${occasion}#${kind}`;
/**
 * A group-chat robot's delivery of that notice: the notice's key and the robot's tag
 * (shared/notify/webhook-sender.ts `webhookTag`), so each robot is claimed, retried and kept on its
 * own, apart from the e-mail. `@` is never in a notice's kind, so the two never meet.
 */
export const webhookDedupKey = (dedupKey: string, tag: string) => `${dedupKey}@${tag}`;
/** The notice's kind and the robot's tag (undefined for an e-mail) of a deduplication key's last part. */
export const noticeKindOf = (dedupKey: string): { kind: string; webhookTag?: string } => {
  const [kind, webhookTag] = dedupKey.slice(dedupKey.lastIndexOf('#') + 1).split('@');
  return webhookTag ? { kind, webhookTag } : { kind };
};
/** The kinds of notification addressed to the submitter's e-mail (forgotten with the contact). */
export const submitterNoticeKinds: ReadonlySet<string> = new Set(['received', 'reply']);
export const isSubmitterNotice = (dedupKey: string): boolean => submitterNoticeKinds.has(dedupKey.slice(dedupKey.lastIndexOf('#') + 1));
export const notificationKey = (dedupKey: string) => ({ pk: `${keySpaces.notification}${dedupKey}`, sk: 'NOTIFY' });

/** A key no row has: reading it waits behind DynamoDB Local's queued commits (local/stack.ts). */
export const commitBarrierKey = { pk: '#commit-barrier', sk: '#' } as const;

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
 * attributes per table in all (6 x 16 = 96 are taken) and a deployed index's projection cannot be
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

/**
 * Dashboard counters live in one partition, one item per (phase, queue) keyed by `counterCell`
 * (shared/domain/counters.ts) plus the layout that names their slots, so the dashboard is a single
 * Query whatever the number of items. Only the tally writes them (shared/data/counters.ts).
 */
export const counterPartition = keySpaces.counters;
export const counterLayoutKey = { pk: counterPartition, sk: '#LAYOUT' } as const;
export const counterKey = (cell: string) => ({ pk: counterPartition, sk: cell });

/** Per due instant, the open items not yet reported overdue (sk = the due instant, ISO 8601). */
export const dueCounterPartition = keySpaces.dueCount;
export const dueBucketKey = (dueAt: string) => ({ pk: dueCounterPartition, sk: dueAt });

/**
 * A committed tally step, keyed by the stream record it started at: a batch the event source
 * mapping delivers again starts at the same record, finds this and skips what was counted.
 * Expires (TTL) after the stream's 24-hour retention, with a day to spare.
 */
export const tallyMarkerKey = (eventId: string) => ({ pk: `${keySpaces.tallyMarker}${eventId}`, sk: 'TALLY' });

/**
 * A stream record a worker set aside (shared/data/parked-records.ts): one partition, so a person
 * (or a redrive) lists them with one Query; there are few, each one an alarm. Keyed by the worker
 * and the record's eventID, so a redelivered record finds its entry instead of adding one.
 */
export const parkedRecordPartition = keySpaces.parked;
export const parkedRecordKey = (worker: string, eventId: string) => ({ pk: parkedRecordPartition, sk: `${worker}#${eventId}` });

/** A training session and its ratings share a partition: the summary reads both in one Query. */
const sessionPkPrefix = keySpaces.session;
export const sessionKey = (code: string) => ({ pk: `${sessionPkPrefix}${code}`, sk: '#SESSION' });
export const sessionPk = (code: string) => `${sessionPkPrefix}${code}`;
export const sessionSk = '#SESSION';
export const ratingSkPrefix = 'R#';
export const sessionRatingKey = (code: string, at: string, id: string) => ({ pk: `${sessionPkPrefix}${code}`, sk: `${ratingSkPrefix}${at}#${id}` });

/** Every session, newest `startsAt` first (gsi8, the partition beside the sessions' item lists). */
export const sessionsPartition = 'SESSIONS';
export const sessionIndexKeys = (session: { code: string; startsAt: string }) => ({ gsi8pk: sessionsPartition, gsi8sk: `${session.startsAt}#${session.code}` });

/**
 * A notice the notify worker could not send (shared/data/kept-notices.ts): the message in full,
 * under its deduplication key, in one partition so the office lists them with one Query (each
 * one an alarm). Apart from PARKED: a parked record has nothing to send again and holds no
 * personal data; a kept notice is a message ready to send, its recipients included.
 */
export const keptNoticePartition = keySpaces.keptNotice;
export const keptNoticeKey = (dedupKey: string) => ({ pk: keptNoticePartition, sk: dedupKey });
export const isKeptNoticeRow = (row: { pk?: unknown; sk?: unknown }): boolean => row.pk === keptNoticePartition && typeof row.sk === 'string';

/**
 * The published answers (答复公开) share one partition with their revision: the public endpoints read
 * the revision (one small consistent GetItem) and, when it moved, the whole set with one consistent
 * Query, so a withdrawal is gone from the next request on. A sparse index would be read eventually
 * consistent, and a set rebuilt from it could miss the change it was rebuilt for. The set is small
 * (a campaign publishes a few thousand at most: `maxPublishedAnswers`) and written rarely.
 * Keyed by a public id of their own, never the tracking code: a reader must not be able to look
 * the submitter's item up.
 */
const publishedAnswerSkPrefix = 'A#';
export const publishedAnswersPartition = keySpaces.publishedAnswers;
export const publishedAnswerKey = (publicId: string) => ({ pk: publishedAnswersPartition, sk: `${publishedAnswerSkPrefix}${publicId}` });
export const publishedAnswerSkBounds = { prefix: publishedAnswerSkPrefix } as const;
export const answersRevisionKey = { pk: publishedAnswersPartition, sk: '#REV' } as const;
/** A pending upload, by its attachment id's hash: the table never holds an id that could still be attached. */
export const uploadKey = (idHash: string) => ({ pk: `${keySpaces.upload}${idHash}`, sk: 'UPLOAD' });

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
