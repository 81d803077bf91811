import { isDeepStrictEqual } from 'node:util';
import { seedLayout } from '../data/counters';
import { getDirectory, getDirectoryAndLayout, putDirectory } from '../data/directory';
import type { Deps } from '../deps';
import { canAdminister, type Principal } from '../domain/access';
import { ForbiddenError, InvalidInputError, UnavailableError } from '../domain/errors';
import { directorySchema } from '../schemas/directory';
import { toFieldErrors } from '../schemas/field-errors';
import { forgetDirectory, noDirectoryRetryAfterSeconds, waitOutDirectoryCaches } from './directory';

/** The office reads and replaces the directory (groups, units, routing rules, SLA, holidays). */

const officeOnly = () => new ForbiddenError('Only the office manages the directory.');

export const readDirectory = async (deps: Deps, principal: Principal) => {
  if (!canAdminister(principal)) throw officeOnly();
  // The editor reads what is stored now, not a cached copy.
  const directory = await getDirectory(deps);
  if (!directory) throw new UnavailableError(noDirectoryRetryAfterSeconds);
  return directory;
};

export const replaceDirectory = async (deps: Deps, principal: Principal, document: unknown) => {
  if (!canAdminister(principal)) throw officeOnly();
  // The stored document and the counters' layout are read while the new one is checked (a whole
  // directory takes the schema milliseconds of CPU, the read a round trip): a refused document
  // still writes nothing.
  const reading = getDirectoryAndLayout(deps);
  reading.catch(() => undefined);
  const parsed = directorySchema.safeParse(document);
  if (!parsed.success) throw new InvalidInputError(toFieldErrors(parsed.error.issues), 'The directory has problems; nothing was changed.');
  const { stored, layout } = await reading;
  // Compared as values (node:util: the order of a map's keys is not kept by the table); a stored
  // document an older schema wrote may differ by a default and is then written again, which is harmless.
  if (stored && isDeepStrictEqual(stored.document, parsed.data)) {
    // Saved unchanged (the editor's Save without an edit, or the retry of a PUT whose answer was
    // lost): nothing to write, but answer only once the caches are at least as old as the stored
    // document, and finish what a failed PUT began.
    await waitOutDirectoryCaches(deps, Date.parse(stored.updatedAt) || Date.now());
    await seedLayout(deps, parsed.data, layout);
    return parsed.data;
  }
  await putDirectory(deps, parsed.data, { layout });
  forgetDirectory(deps);
  // Answer once every function's cached copy has expired: the 200 means routing uses it now.
  await waitOutDirectoryCaches(deps, Date.now());
  return parsed.data;
};
