import type { Db } from '../data/db';
import { getDirectory } from '../data/directory';
import type { DbDeps, Deps } from '../deps';
import { addWorkingDays, type WorkingCalendar } from '../domain/calendar';
import { UnavailableError } from '../domain/errors';
import { responseWorkingDaysOf, type Directory } from '../schemas/directory';

/**
 * The directory, cached per process for a short while: every submission needs it (routing, the
 * SLA, the phase), and reading it (the demo's is ~10 KB) on each one would double what a submission costs.
 *
 * Freshness is kept by the writer, not the readers: a directory PUT answers only after every cache
 * that could hold the old document has expired (`directoryCacheMs` after its write completed; a
 * cache entry is dated from the moment its read *started*). So when the office gets its 200, every
 * function routes with the new directory, as the API promises; readers pay nothing for it.
 * The cache time is Settings.directoryCacheMs (0 reads the table every time). The cache belongs to
 * the process's client (`deps.db`): a test or a stack with a table of its own has a cache of its own.
 */
type Entry = { readonly startedAt: number; readonly value: Promise<Directory | null> };
const caches = new WeakMap<Db, Entry>();

type DirectoryDeps = Pick<Deps, 'db' | 'settings'>;

/** The directory as of at most `directoryCacheMs` ago (null when none is stored yet). */
const currentDirectory = (deps: DirectoryDeps): Promise<Directory | null> => {
  const { db, settings } = deps;
  const now = performance.now();
  const cached = caches.get(db);
  if (cached && now - cached.startedAt < settings.directoryCacheMs) return cached.value;
  const entry = { startedAt: now, value: getDirectory(deps) };
  if (settings.directoryCacheMs > 0) caches.set(db, entry);
  // A failed read is not remembered: the next caller tries again.
  entry.value.catch(() => {
    if (caches.get(db) === entry) caches.delete(db);
  });
  return entry.value;
};

/** This process wrote the directory: its own next read sees the new one at once. */
export const forgetDirectory = ({ db }: DbDeps) => {
  caches.delete(db);
};

/** Allowance for the clocks of two functions when a stored time is compared with this one's. */
const clockSkewMs = 100;

/**
 * Resolves once no cache anywhere can still hold a directory older than the one stored at
 * `storedAt` (epoch ms): every read that started before then has expired.
 */
export const waitOutDirectoryCaches = async ({ settings }: Pick<Deps, 'settings'>, storedAt: number): Promise<void> => {
  const { directoryCacheMs } = settings;
  const delay = storedAt + directoryCacheMs + clockSkewMs - Date.now();
  if (directoryCacheMs > 0 && delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
};

/** The Retry-After of the 503 while the office has not loaded a directory yet. */
export const noDirectoryRetryAfterSeconds = 60;

/** The directory, or UnavailableError (try again after `noDirectoryRetryAfterSeconds`) when the office has not loaded one yet. */
export const requireDirectory = async (deps: DirectoryDeps): Promise<Directory> => {
  const directory = await currentDirectory(deps);
  if (!directory) throw new UnavailableError(noDirectoryRetryAfterSeconds);
  return directory;
};

/**
 * `requireDirectory`, its read started now for a caller that awaits it later: beside a read of the
 * caller's own (the item, the session), so that on a cold cache both are one round trip instead
 * of two in a row. Its refusal (no directory: 503) comes where the caller awaits it, so the order
 * of the caller's refusals is the one it had when it read the directory first; a caller that
 * refuses before (a 404) leaves it unawaited, which is no unhandled rejection.
 */
export const directoryMeanwhile = (deps: DirectoryDeps): Promise<Directory> => {
  const read = requireDirectory(deps);
  read.catch(() => undefined);
  return read;
};

/** The office's working calendar: its zone, holidays and make-up working days (调休). Every working-day figure counts on this. */
export const calendarOf = (directory: Pick<Directory, 'campaign' | 'holidays' | 'workdays'>): WorkingCalendar => ({
  timezone: directory.campaign.timezone,
  holidays: directory.holidays,
  workdays: directory.workdays ?? [],
});

/** When an item of `kind` that starts its clock at `from` is due: the kind's SLA, in the office's working days. */
export const dueDateFor = (directory: Directory, kind: keyof Directory['sla'], from: Date): string =>
  addWorkingDays(from, directory.sla[kind], calendarOf(directory)).toISOString();

/** An item routed to a group at `at`: when, and the end of its response window (`responseWorkingDays`), for the response rate. */
export const routingTimes = (directory: Directory, at: Date): { routedAt: string; respondBy: string } => ({
  routedAt: at.toISOString(),
  respondBy: addWorkingDays(at, responseWorkingDaysOf(directory), calendarOf(directory)).toISOString(),
});

export const officeName = '领导小组办公室';

export const groupName = (directory: Directory, groupId: string | undefined): string =>
  (groupId && directory.groups.find((g) => g.id === groupId)?.name) || officeName;
