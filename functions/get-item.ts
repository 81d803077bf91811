import { staffHandler, versioned } from '../shared/http/handler';
import { itemIdParams } from '../shared/schemas/staff';
import { viewItem } from '../shared/services/item-actions';

/** GET /api/items/{id} — one item with its replies, notes, follow-ups and history. */
export const handler = staffHandler({ params: itemIdParams }, async (request, principal, deps) => {
  const item = await viewItem(deps, principal, request.params.id);
  return versioned(200, item);
});
