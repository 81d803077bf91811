import { staffHandler, versioned } from '../shared/http/handler';
import { changeTarget, parseIfMatch } from '../shared/http/headers';
import { itemIdParams } from '../shared/schemas/staff';
import { withdrawAnswer } from '../shared/services/publications';

/** DELETE /api/items/{id}/publication — the office withdraws a published answer; it is gone everywhere. */
export const handler = staffHandler({ params: itemIdParams }, async (request, principal, deps) => {
  const item = await withdrawAnswer(deps, changeTarget(principal, request, parseIfMatch));
  return versioned(200, item);
});
