import { staffHandler, versioned } from '../shared/http/handler';
import { metrics } from '../shared/observability/metrics';
import { assignBody, itemIdParams } from '../shared/schemas/staff';
import { changeTarget, parseIfMatch } from '../shared/http/headers';
import { assignItem } from '../shared/services/item-actions';

/** POST /api/items/{id}/assign — the office routes an item to a group. */
export const handler = staffHandler({ params: itemIdParams, body: assignBody, metrics }, async (request, principal, deps) => {
  const item = await assignItem(deps, changeTarget(principal, request, parseIfMatch), request.body);
  return versioned(200, item);
});
