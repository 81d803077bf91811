import { staffHandler, versioned } from '../shared/http/handler';
import { itemIdParams } from '../shared/schemas/staff';
import { viewItem } from '../shared/services/item-actions';

/** GET /api/items/{id} — one item with its replies, notes, follow-ups and history (a liaison: its rectification only). */
export const handler = staffHandler({ params: itemIdParams, liaisons: true }, async (request, principal, deps) => {
  const item = await viewItem(deps, principal, request.params.id);
  return versioned(200, item);
});
