import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DbDeps, Deps } from '../deps';
import { queryAll, refusalOf } from './db';
import { eventSk, idempotencyKey, isEventRecord, itemPk, itemSk, rectificationSk } from './keys';
import { itemIndexKeyNames, itemIndexKeys } from './item-index-keys';
import { rectificationRow } from './rectification-keys';
import { IdempotencyKeyTakenError, ItemExistsError, StaleItemError } from './errors';
import { noAdmission, type Admission, type CancellationReason } from './room';
import { sessionOpenCheck } from './sessions';
import { SessionClosedError } from '../domain/errors';
import type { RetryPolicy } from './retry';
import { transactWrite } from './transact';

import type { EventRecord, ItemRecord, SealedAnswer } from './item-records';

export { IdempotencyKeyTakenError, ItemExistsError, StaleItemError };
// The stored shapes live beside this file; importers of items.ts keep finding them here.
export type { Contact, AttachmentRecord, Actor, ItemRecord, ItemPublication, ItemRectification, ItemExtension, EventRecord, SealedAnswer } from './item-records';

const keyAttributes = new Set<string>(['pk', 'sk', 'entity', 'firstEvent', ...itemIndexKeyNames]);
const stripKeys = <T>(raw: Record<string, unknown>): T => {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) if (!keyAttributes.has(k)) out[k] = v;
  return out as T;
};

/** The reasons of a cancelled transaction, in item order; null for any other error. */
export const cancellationCodes = (error: unknown): (string | undefined)[] | null =>
  error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []).map((r) => r.Code) : null;

/** A cancelled transaction's reasons, each with the old item when its entry asked for it. */
export const cancellationReasons = (error: unknown): CancellationReason[] | null =>
  error instanceof TransactionCanceledException ? ((error.CancellationReasons ?? []) as CancellationReason[]) : null;

/**
 * Creates an item with its first event (kept on the item itself: a submission is then one write),
 * and the idempotency record and the room's entries (counters, spent proof: shared/data/room.ts)
 * when there are any, in one transaction: either all of them exist afterwards or none does. The
 * dashboard's counters follow from the change stream (shared/services/tally.ts), not from this write.
 * Cost: one conditional PutItem (~1 KB with its index entries: ~7 WCU); with an Idempotency-Key
 * or the room's entries, a transaction of two to four writes (2x WCU each).
 * `openSession`: the item came through that session's link, and the session must still be open
 * when it is stored (checked in the same transaction: SessionClosedError otherwise).
 */
/** A new item with its first event, put only if its tracking code is free. */
export const newItemPut = ({ db }: DbDeps, item: ItemRecord, event: EventRecord) => ({
  TableName: db.tableName,
  Item: { pk: itemPk(item.trackingCode), sk: itemSk, entity: 'item', ...itemIndexKeys(item), ...item, firstEvent: event },
  ConditionExpression: 'attribute_not_exists(pk)',
});

/** What the item writes need: the table and the clock (expired idempotency records). */
type ItemDeps = Pick<Deps, 'db' | 'clock'>;

export const createItem = async (
  deps: ItemDeps,
  item: ItemRecord,
  event: EventRecord,
  idempotency?: SealedAnswer,
  admission: Admission = noAdmission,
  openSession?: string,
): Promise<void> => {
  const { db, clock } = deps;
  const put = newItemPut(deps, item, event);
  if (!idempotency && admission.entries.length === 0 && !openSession) {
    if (await refusalOf(db.client.send(new PutCommand(put)))) throw new ItemExistsError();
    return;
  }
  try {
    await transactWrite(deps, [
      { Put: put },
      ...(idempotency
        ? [
            {
              Put: {
                TableName: db.tableName,
                Item: {
                  ...idempotencyKey(idempotency.keyHash),
                  entity: 'idempotency',
                  requestHash: idempotency.requestHash,
                  sealed: idempotency.sealed,
                  expiresAt: idempotency.expiresAt,
                },
                // An expired record may linger (TTL deletion is lazy): it no longer counts.
                ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
                ExpressionAttributeValues: { ':now': Math.floor(clock.now().getTime() / 1000) },
              },
            },
          ]
        : []),
      ...(openSession ? [sessionOpenCheck(deps, openSession)] : []),
      ...admission.entries,
    ]);
  } catch (error) {
    const reasons = cancellationReasons(error);
    // A twin with the same key won: its answer is this request's, whatever else was refused.
    if (idempotency && reasons?.[1]?.Code === 'ConditionalCheckFailed') throw new IdempotencyKeyTakenError();
    const own = 1 + (idempotency ? 1 : 0);
    if (openSession && reasons?.[own]?.Code === 'ConditionalCheckFailed') throw new SessionClosedError();
    const refusal = reasons && admission.refusal(reasons.slice(own + (openSession ? 1 : 0)));
    if (refusal) throw refusal;
    if (reasons?.[0]?.Code === 'ConditionalCheckFailed') throw new ItemExistsError();
    throw error;
  }
};

/** Reads an idempotency record that has not expired. Cost: 1 strongly consistent read (≤ 4 KB). */
export const getIdempotencyRecord = async ({ db, clock }: Pick<Deps, 'db' | 'clock'>, keyHash: string): Promise<SealedAnswer | null> => {
  const { Item } = await db.client.send(new GetCommand({ TableName: db.tableName, Key: idempotencyKey(keyHash), ConsistentRead: true }));
  if (!Item || Number(Item.expiresAt) < Math.floor(clock.now().getTime() / 1000)) return null;
  return { keyHash, requestHash: String(Item.requestHash), sealed: String(Item.sealed), expiresAt: Number(Item.expiresAt) };
};

/** The item alone. Cost: 1 strongly consistent read per 4 KB of item. */
export const getItem = async ({ db }: DbDeps, trackingCode: string): Promise<ItemRecord | null> => {
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.tableName, Key: { pk: itemPk(trackingCode), sk: itemSk }, ConsistentRead: true }),
  );
  return Item ? stripKeys<ItemRecord>(Item) : null;
};

/**
 * The stored hash of an item's access key, or null for no item: the key check reads this alone, so
 * an unknown code and a wrong key cost the same request and about the same bytes back (the item's
 * text and history are read only once the key matched). Cost: 1 strongly consistent read per 4 KB
 * of item (a missing item: 1).
 */
export const getAccessKeyHash = async ({ db }: DbDeps, trackingCode: string): Promise<string | null> => {
  const { Item } = await db.client.send(
    new GetCommand({ TableName: db.tableName, Key: { pk: itemPk(trackingCode), sk: itemSk }, ProjectionExpression: 'accessKeyHash', ConsistentRead: true }),
  );
  return typeof Item?.accessKeyHash === 'string' ? Item.accessKeyHash : null;
};

/**
 * The item with every event (history, replies, notes, follow-ups) in version order: one Query on
 * the item collection (`#ITEM` sorts before `E#...`). Cost: 1 consistent read per 4 KB returned.
 */
export const getItemWithEvents = async ({ db }: DbDeps, trackingCode: string): Promise<{ item: ItemRecord; events: EventRecord[] } | null> => {
  let item: ItemRecord | null = null;
  const events: EventRecord[] = [];
  const rows = await queryAll(db, {
    TableName: db.tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': itemPk(trackingCode) },
    ConsistentRead: true,
  });
  for (const raw of rows) {
    if (raw.sk === itemSk) {
      item = stripKeys<ItemRecord>(raw);
      // The first event is kept on the item (one write per submission); it sorts first.
      if (raw.firstEvent) events.unshift(raw.firstEvent as EventRecord);
    } else if (isEventRecord(raw)) events.push(stripKeys<EventRecord>(raw));
  }
  return item ? { item, events } : null;
};

export interface ItemChange {
  /** Attributes to set on the item; `undefined` values are removed. */
  readonly set: Partial<Omit<ItemRecord, 'trackingCode' | 'version' | 'createdAt' | 'accessKeyHash'>>;
  readonly event: Omit<EventRecord, 'version'>;
  /**
   * Other rows written in the same transaction, after the item and its event (a published answer
   * and its set's revision), with how to read their refusal: all of them or none.
   */
  readonly alongside?: Admission;
}

/**
 * The item's ledger row follows its state (shared/data/rectification-keys.ts `rectificationRow`): put when it is
 * new or differs, deleted when the rectification is gone, nothing when it is the same (most changes).
 */
const ledgerWrites = (tableName: string, pk: string, before: ItemRecord, after: ItemRecord) => {
  const old = rectificationRow(before);
  const row = rectificationRow(after);
  if (JSON.stringify(old) === JSON.stringify(row)) return [];
  if (!row) return [{ Delete: { TableName: tableName, Key: { pk, sk: rectificationSk } } }];
  return [{ Put: { TableName: tableName, Item: { pk, sk: rectificationSk, ...row } } }];
};

/**
 * Applies one change: the item is updated only if it is still at `expectedVersion`, its version
 * is bumped and the event for the new version is written, all in one transaction (with the
 * room's entries of a public write, shared/data/room.ts). The dashboard's counters follow from the change stream.
 * Throws StaleItemError when someone else changed the item first (nothing is written then).
 * `retry`: the app's policy for a transaction cancelled for a conflict (transactionConflict, or
 * `once` when the caller retries: shared/data/change-item.ts).
 * Cost: one transaction of two writes (2x WCU each): ~4 WCU for items under 1 KB, more for larger;
 * a change that alters the item's ledger row (a rectification action, a reassignment of a rectified
 * item) writes that row too: a third write, ~2 WCU plus its index entries.
 */
export const commitChange = async (
  deps: ItemDeps,
  current: ItemRecord,
  change: ItemChange,
  options: { admission?: Admission; retry?: RetryPolicy } = {},
): Promise<ItemRecord> => {
  const { db } = deps;
  const admission = options.admission ?? noAdmission;
  const version = current.version + 1;
  const next = { ...current, ...change.set, version } as ItemRecord;
  for (const key of Object.keys(next) as (keyof ItemRecord)[]) if (next[key] === undefined) delete next[key];
  const names: Record<string, string> = { '#version': 'version' };
  const values: Record<string, unknown> = { ':expected': current.version, ':version': version };
  const sets = ['#version = :version'];
  const removes: string[] = [];
  const assign = (attribute: string, value: unknown) => {
    const name = `#${attribute}`;
    names[name] = attribute;
    if (value === undefined) removes.push(name);
    else {
      values[`:${attribute}`] = value;
      sets.push(`${name} = :${attribute}`);
    }
  };
  for (const [attribute, value] of Object.entries(change.set)) assign(attribute, value);
  // Index keys follow the item's new state (a status change moves it between lists).
  const before = itemIndexKeys(current);
  const after = itemIndexKeys(next);
  for (const key of itemIndexKeyNames) if (before[key] !== after[key]) assign(key, after[key]);
  const pk = itemPk(current.trackingCode);
  const ledger = ledgerWrites(db.tableName, pk, current, next);
  try {
    await transactWrite(deps, [
      {
        Update: {
          TableName: db.tableName,
          Key: { pk, sk: itemSk },
          UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
      {
        Put: {
          TableName: db.tableName,
          Item: { pk, sk: eventSk(version), entity: 'event', version, ...change.event },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...ledger,
      ...admission.entries,
      ...(change.alongside?.entries ?? []),
    ], options.retry);
  } catch (error) {
    const reasons = cancellationReasons(error);
    const own = 2 + ledger.length + admission.entries.length;
    const refusal = reasons && (admission.refusal(reasons.slice(2 + ledger.length, own)) ?? change.alongside?.refusal(reasons.slice(own)) ?? null);
    if (refusal) throw refusal;
    if (reasons?.[0]?.Code === 'ConditionalCheckFailed' || reasons?.[1]?.Code === 'ConditionalCheckFailed') throw new StaleItemError();
    throw error;
  }
  return next;
};
