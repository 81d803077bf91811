import { StaleVersionError, UnavailableError } from '../domain/errors';
import type { Deps } from '../deps';
import { StaleItemError } from './errors';
import { commitChange, getItem, getItemWithEvents, type EventRecord, type ItemChange, type ItemRecord } from './items';
import { lostRace, once, withRetry } from './retry';
import type { Admission } from './room';

/** An item as read for a change: its events only when the caller asked for them. */
export interface CurrentItem {
  readonly item: ItemRecord;
  readonly events: readonly EventRecord[];
}

export interface ChangeOptions {
  /** Read the item with its events (one Query on the collection instead of one GetItem). */
  readonly withEvents?: boolean;
  /**
   * The version the caller saw (If-Match). `checkVersion` then refuses another one, and a lost
   * race is a StaleVersionError instead of a new decision on the fresh item.
   */
  readonly expectedVersion?: number;
  /** A public write's entries of the room (shared/services/room.ts `admitPublicWrite`). */
  readonly admission?: Admission;
  /**
   * What the decision needs besides the item (the directory, checked against the request), its
   * read started by the caller so that it and the item's read are one round trip, not two in a
   * row. It is settled before the decision, and before a failed read of the item is reported: its
   * refusal ranks first, as when the caller read it before the item.
   */
  readonly prerequisite?: Promise<unknown>;
}

/**
 * Decides the change on the item as read (null: no item), or null for nothing to do; throws a
 * domain error to refuse. `checkVersion` throws StaleVersionError when the item is not at the
 * expected version: the caller calls it where that check ranks among its own (after who may see
 * and do it, before what the state allows).
 */
export type Decide = (current: CurrentItem | null, checkVersion: () => void) => Promise<ItemChange | null> | ItemChange | null;

export interface ChangedItem {
  /** The item as committed. */
  readonly item: ItemRecord;
  /** With `withEvents`: the history as of the committed version, the new event last. */
  readonly events: EventRecord[];
  readonly change: ItemChange;
}

/**
 * The item and its events as of the item's version: the Query reads the item first (its sort key
 * sorts first), so a change committed while later pages were read may add an event past that
 * version; it is left out, and the decision (a count of replies, say) is on exactly the version
 * the change commits on.
 */
const readWithEvents = async (deps: Pick<Deps, 'db'>, trackingCode: string): Promise<CurrentItem | null> => {
  const found = await getItemWithEvents(deps, trackingCode);
  return found && { item: found.item, events: found.events.filter((e) => e.version <= found.item.version) };
};

/**
 * The one way to change an item: read it, decide, commit on the version read (one conditional
 * transaction, shared/data/items.ts `commitChange`), and when someone else committed first (or
 * another transaction held the item), read and decide again under the `lostRace` policy, so
 * nothing is overwritten blind. Beyond the policy the change is refused (UnavailableError, or the
 * cancellation itself: either is a 503 with Retry-After); nothing was written.
 *
 * Worst case: lostRace.attempts rounds of one read and one transaction, each request tried up to
 * the SDK client's `dynamoMaxAttempts` times (shared/data/db.ts), and nothing nested deeper: the
 * transaction itself is not retried by the app (`once`). The app's waits add up to at most
 * `maxTotalWaitMs(lostRace)` (a unit test keeps it under a second).
 */
export const changeItem = async (deps: Pick<Deps, 'db' | 'clock'>, trackingCode: string, decide: Decide, options: ChangeOptions = {}): Promise<ChangedItem | null> => {
  const { expectedVersion, prerequisite } = options;
  // Awaited below on every path; until then its refusal is not an unhandled rejection.
  prerequisite?.catch(() => undefined);
  try {
    return await withRetry(lostRace, async () => {
      const current = options.withEvents ? await readWithEvents(deps, trackingCode) : await getItem(deps, trackingCode).then((item) => (item ? { item, events: [] } : null));
      await prerequisite;
      const checkVersion = () => {
        if (expectedVersion !== undefined && current !== null && current.item.version !== expectedVersion) throw new StaleVersionError();
      };
      const planned = await decide(current, checkVersion);
      if (!current || !planned) return null;
      const item = await commitChange(deps, current.item, planned, { admission: options.admission, retry: once }).catch((error: unknown) => {
        // With If-Match the caller decided on the version it saw: that decision is not redone.
        throw expectedVersion !== undefined && error instanceof StaleItemError ? new StaleVersionError() : error;
      });
      return { item, events: [...current.events, { version: item.version, ...planned.event }], change: planned };
    });
  } catch (error) {
    await prerequisite;
    throw error instanceof StaleItemError ? new UnavailableError(1) : error;
  }
};

/**
 * `refusal`, or the prerequisite's own when it refuses: for a caller that refuses before it calls
 * changeItem (an id that cannot be an item's), in the order changeItem keeps.
 */
export const refusedFirst = async (prerequisite: Promise<unknown> | undefined, refusal: Error): Promise<Error> => {
  await prerequisite;
  return refusal;
};
