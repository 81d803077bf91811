import { getDirectory } from '../data/directory';
import { UnavailableError } from '../domain/errors';
import type { Directory } from '../schemas/directory';

/**
 * The directory, cached per process for a short while: every submission needs it (routing, the
 * SLA, the phase), and reading its ~10 KB on each one would double what a submission costs.
 *
 * Freshness is kept by the writer, not the readers: a directory PUT answers only after every cache
 * that could hold the old document has expired (`directoryCacheMs` after its write completed; a
 * cache entry is dated from the moment its read *started*). So when the office gets its 200, every
 * function routes with the new directory, as the API promises; readers pay nothing for it.
 * YIJIAN_DIRECTORY_CACHE_MS (default 1000; 0 reads the table every time).
 */
export const directoryCacheMs = (() => {
  const raw = process.env.YIJIAN_DIRECTORY_CACHE_MS ?? '1000';
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0 || ms > 60_000) throw new Error(`YIJIAN_DIRECTORY_CACHE_MS must be 0..60000, not "${raw}"`);
  return ms;
})();

let cached: { readonly startedAt: number; readonly value: Promise<Directory | null> } | null = null;

/** The directory as of at most `directoryCacheMs` ago (null when none is stored yet). */
export const currentDirectory = (): Promise<Directory | null> => {
  const now = performance.now();
  if (cached && now - cached.startedAt < directoryCacheMs) return cached.value;
  const entry = { startedAt: now, value: getDirectory() };
  cached = directoryCacheMs > 0 ? entry : null;
  // A failed read is not remembered: the next caller tries again.
  entry.value.catch(() => {
    if (cached === entry) cached = null;
  });
  return entry.value;
};

/** This process wrote the directory: its own next read sees the new one at once. */
export const forgetDirectory = () => {
  cached = null;
};

/** Allowance for the clocks of two functions when a stored time is compared with this one's. */
const clockSkewMs = 100;

/**
 * Resolves once no cache anywhere can still hold a directory older than the one stored at
 * `storedAt` (epoch ms): every read that started before then has expired.
 */
export const waitOutDirectoryCaches = async (storedAt: number): Promise<void> => {
  const delay = storedAt + directoryCacheMs + clockSkewMs - Date.now();
  if (directoryCacheMs > 0 && delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
};

/** The directory, or UnavailableError (try again in a minute) when the office has not loaded one yet. */
export const requireDirectory = async (): Promise<Directory> => {
  const directory = await currentDirectory();
  if (!directory) throw new UnavailableError(60);
  return directory;
};

export const officeName = '领导小组办公室';

export const groupName = (directory: Directory, groupId: string | undefined): string =>
  (groupId && directory.groups.find((g) => g.id === groupId)?.name) || officeName;
