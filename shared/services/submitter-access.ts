import type { DbDeps } from '../deps';
import { getAccessKeyHash } from '../data/items';
import { NotFoundError } from '../domain/errors';
import { accessKeyMatches, hashAccessKey } from '../domain/tracking-code';

/** Who a submitter's own actions are by, in an item's history. */
export const submitter = { type: 'submitter' } as const;

/** A key of the grouped format, as new items have: an unknown code costs what a wrong key costs. */
export const noSuchItemHash = hashAccessKey('0000-0000-0000-0000-0000-0000-0000');

/** The one 404 that does not tell whether the code or the key was wrong. */
export const noSuchSubmission = () => new NotFoundError('No submission with this tracking code and access key.');

/**
 * Judges a key against the stored hash (null: no such item): the comparison runs either way, on
 * the dummy hash when there is no item, so both answers take one hash and one constant-time
 * comparison. `compare` is replaceable for the unit test that watches the dummy comparison run.
 */
export const judgeAccessKey = (storedHash: string | null, accessKey: string | undefined, compare = accessKeyMatches): void => {
  const matches = compare(accessKey ?? '', storedHash ?? noSuchItemHash);
  if (storedHash === null || !matches) throw noSuchSubmission();
};

/**
 * Lets a submitter in, or refuses with the one 404, with the same work whether the code is unknown
 * or the key wrong: the same one GetItem of the key's hash alone (a few bytes back either way,
 * where reading the item with its history made a wrong key on a long item measurably slower), and
 * the same comparison. The caller reads the item only after this. Cost: 1 consistent read.
 */
export const verifySubmitterAccess = async (deps: DbDeps, trackingCode: string, accessKey: string | undefined): Promise<void> => {
  judgeAccessKey(await getAccessKeyHash(deps, trackingCode), accessKey);
};
