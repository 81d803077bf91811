import { randomBytes } from 'node:crypto';
import type { Deps } from '../deps';
import { createItems, TrackingCodesTakenError } from '../data/item-batch';
import type { EventRecord, ItemRecord } from '../data/items';
import { canEditSession, staffActor, type Principal } from '../domain/access';
import { ForbiddenError, InvalidInputError, UnavailableError } from '../domain/errors';
import { findUnit, routeItem } from '../domain/routing';
import { hashAccessKey, newAccessKey, newTrackingCode } from '../domain/tracking-code';
import type { Directory } from '../schemas/directory';
import type { RecordsBody } from '../schemas/session';
import { directoryMeanwhile, dueDateFor, routingTimes } from './directory';
import { visibleSession } from './sessions';

/**
 * A session's meeting records (会议记录): what was raised in the room, typed up by the office or the
 * session's group. Each entry becomes an item (`source: "meeting"`): answered on the spot, it is
 * created `closed` with the answer as a public reply by the recorder; otherwise it is routed
 * exactly as a submission is (the directory's rules, the kind's SLA).
 *
 * All or nothing: every entry is checked before anything is written (400 names each bad one by
 * index), then all items are written in ONE DynamoDB transaction. That holds because each item is
 * a single record (its first event, the reply included, is kept on the item, as for a submission)
 * and a request takes at most `maxRecordEntries`, within DynamoDB's limit of actions per transaction, with no
 * idempotency or rate-limit record beside them. So there is no half-written batch to recover
 * from: a failed transaction leaves nothing, a successful one leaves every item, and the tally and
 * the notifications follow from the change stream, one record per item, as for any submission.
 */

type Entry = RecordsBody['entries'][number];

/** An entry's item and first event, as recorded at `now` by `principal` (a fresh tracking code each call). */
const planItem = (directory: Directory, principal: Principal, session: { code: string; phase: string }, entry: Entry, now: Date) => {
  const at = now.toISOString();
  const route = routeItem(directory, { kind: entry.kind, unitId: entry.unitId });
  const answered = entry.answer !== undefined;
  const status: ItemRecord['status'] = answered ? 'closed' : route ? 'assigned' : 'submitted';
  const accessKey = newAccessKey();
  const item: ItemRecord = {
    trackingCode: newTrackingCode(),
    kind: entry.kind,
    title: entry.title,
    body: entry.body,
    status,
    ...(entry.unitId ? { unitId: entry.unitId } : {}),
    ...(route ? { groupId: route.groupId } : {}),
    // The meeting's phase: records are often typed up after the day.
    phase: session.phase,
    createdAt: at,
    updatedAt: at,
    ...(!answered && route ? { dueAt: dueDateFor(directory, entry.kind, now), ...routingTimes(directory, now) } : {}),
    ...(answered ? { firstReplyAt: at, answeredAt: at, closedAt: at } : {}),
    version: 1,
    accessKeyHash: hashAccessKey(accessKey),
    anonymous: true,
    recommended: false,
    source: 'meeting',
    sessionCode: session.code,
    answeredOnSpot: answered,
  };
  // The reader of the answer sees it from the item's group when the recorder is in it.
  const replyGroup = route && principal.groups.includes(route.groupId) ? route.groupId : undefined;
  const event: EventRecord = {
    version: 1,
    at,
    action: 'record',
    by: staffActor(principal),
    to: status,
    note: answered ? 'answered on the spot' : route ? `routed to ${route.groupId}` : 'for the office',
    ...(answered ? { reply: { id: randomBytes(8).toString('hex'), body: entry.answer!, visibility: 'public' as const, ...(replyGroup ? { groupId: replyGroup } : {}) } } : {}),
  };
  return { item, event, accessKey };
};

/** How often a batch whose drawn codes collided is drawn again (40-bit codes: practically never). */
const maxDraws = 5;

export const recordSession = async (deps: Deps, principal: Principal, code: string, input: RecordsBody) => {
  // The directory is read beside the session; who may record is still told first (404, 403, then 503).
  const directoryRead = directoryMeanwhile(deps);
  const session = await visibleSession(deps, principal, code);
  if (!canEditSession(principal, session)) throw new ForbiddenError('Only the office and the session’s group record its meeting.');
  const directory = await directoryRead;
  const errors = input.entries.flatMap((entry, i) =>
    entry.unitId !== undefined && !findUnit(directory, entry.unitId) ? [{ path: `entries.${i}.unitId`, message: 'No such unit.' }] : [],
  );
  if (errors.length) throw new InvalidInputError(errors, 'Some entries are invalid; nothing was stored.');
  const now = deps.clock.now();
  const planned = input.entries.map((entry) => planItem(directory, principal, session, entry, now));
  for (let draw = 1; ; draw++) {
    try {
      await createItems(deps, planned);
      break;
    } catch (error) {
      if (!(error instanceof TrackingCodesTakenError)) throw error;
      if (draw >= maxDraws) throw new UnavailableError(1);
      for (const i of error.indexes) planned[i] = planItem(directory, principal, session, input.entries[i], now);
    }
  }
  return { items: planned.map(({ item, accessKey }) => ({ trackingCode: item.trackingCode, accessKey, status: item.status, answeredOnSpot: item.answeredOnSpot ?? false })) };
};
