import { randomBytes } from 'node:crypto';
import type { Deps } from '../deps';
import type { ItemPublication } from '../data/items';
import { publishAnswerEntries, withdrawAnswerEntries } from '../data/published-answers';
import { personOf } from '../domain/access';
import { ConflictError } from '../domain/errors';
import type { PublicationInput } from '../schemas/answers';
import { history, mutate, withView, type ChangeTarget } from './item-actions';

/**
 * The office publishes an answered item, rewritten so that nobody can be recognised, and withdraws
 * it (API.md v2, "Answers everyone may read"). Both are item changes like any other (the one way to
 * change an item, with their history entry), and the public copy is written in the same
 * transaction (ItemChange.alongside): the item's `publication` and what everyone reads never
 * disagree. Publishing again replaces the text under the same public id, with a new `publishedAt`.
 * Neither touches `updatedAt`: it is the handling's clock (an ended item's contact retention runs
 * from it), and a publication is an editorial act on the side.
 */


/** 72 random bits, base64url: unguessable enough for an id that hides nothing, short in a link. */
const newPublicId = () => randomBytes(9).toString('base64url');

export const publishAnswer = async (deps: Deps, target: ChangeTarget, input: PublicationInput) => {
  const { principal } = target;
  const changed = await mutate(deps, {
    ...target,
    action: 'publish',
    change: (current, to, now) => {
      const publishedAt = now.toISOString();
      const publication: ItemPublication = { publicId: current.publication?.publicId ?? newPublicId(), ...input, publishedAt, publishedBy: personOf(principal) };
      const { publicId, title, question, answer } = publication;
      return {
        set: { publication },
        event: history(principal, current, to, now, current.publication ? 'republish' : 'publish', title),
        alongside: publishAnswerEntries(deps, { id: publicId, kind: current.kind, title, question, answer, publishedAt }, !current.publication),
      };
    },
  });
  return withView(deps, principal, changed);
};

export const withdrawAnswer = async (deps: Deps, target: ChangeTarget) => {
  const { principal } = target;
  const changed = await mutate(deps, {
    ...target,
    action: 'withdraw',
    change: (current, to, now) => {
      if (!current.publication) throw new ConflictError('This item has no published answer to withdraw.');
      return {
        set: { publication: undefined },
        event: history(principal, current, to, now, 'withdraw', current.publication.title),
        alongside: withdrawAnswerEntries(deps, current.publication.publicId),
      };
    },
  });
  return withView(deps, principal, changed);
};
