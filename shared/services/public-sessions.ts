import { randomBytes } from 'node:crypto';
import type { Deps } from '../deps';
import { addRating } from '../data/sessions';
import { NotFoundError, SessionClosedError } from '../domain/errors';
import type { PublicSessionView, SessionRatingBody } from '../schemas/session';
import { requireDirectory } from './directory';
import { admitPublicWrite, readSecretsAhead, type PublicWriter } from './room';
import { sessionBasics, sessionForLink } from './sessions';

/** A training session as its participants reach it, by its link: its page and their ratings. */

const noSuchLink = () => new NotFoundError('No session with this code and key.');

export const publicSessionView = async (deps: Deps, code: string, joinKey: string | undefined): Promise<PublicSessionView> => {
  const [session, directory] = await Promise.all([sessionForLink(deps, code, joinKey), requireDirectory(deps)]);
  if (!session) throw noSuchLink();
  const units = session.unitIds.length ? directory.units.filter((u) => session.unitIds.includes(u.id)) : directory.units;
  return {
    ...sessionBasics(directory, session),
    open: session.open,
    units: units.map((u) => ({ id: u.id, name: u.name })),
  };
};

/** A participant's rating of the session (a public write of the room: shared/services/room.ts). */
export const rateSession = async (deps: Deps, code: string, joinKey: string | undefined, input: SessionRatingBody, writer: PublicWriter) => {
  readSecretsAhead(deps, writer);
  const session = await sessionForLink(deps, code, joinKey);
  if (!session) throw noSuchLink();
  if (!session.open) throw new SessionClosedError();
  const admission = await admitPublicWrite(deps, writer);
  const rating = { score: input.score, ...(input.comment ? { comment: input.comment } : {}), createdAt: deps.clock.now().toISOString() };
  await addRating(deps, session, randomBytes(6).toString('hex'), rating, admission);
  return { received: true as const };
};
