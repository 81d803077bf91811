import { staffHandler, versioned } from '../shared/http/handler';
import { itemIdParams, transitionBody } from '../shared/schemas/staff';
import { changeTarget, parseIfMatch } from '../shared/http/headers';
import { transitionItem } from '../shared/services/item-actions';

/** POST /api/items/{id}/transition — start, close, reject, merge, recommend, unrecommend. */
export const handler = staffHandler({ params: itemIdParams, body: transitionBody }, async (request, principal, deps) => {
  const item = await transitionItem(deps, changeTarget(principal, request, parseIfMatch), request.body);
  return versioned(200, item);
});
