/**
 * Key shapes of the single table. Every entity's keys are built here and nowhere else, or beside
 * it: the list indexes' keys of an item in item-index-keys.ts, the ledger rows' in
 * rectification-keys.ts.
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
 *   Its index keys (gsi1..gsi7) are derived by `itemIndexKeys` (item-index-keys.ts).
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
 *   declared name, type and size); deleted by the write that attaches it, expires after `uploadLifetimeSeconds`.
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
 * Expires (TTL) after twice the stream's retention (`streamRetentionHours`, shared/services/tally.ts).
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
