import { json, staffHandler } from '../shared/http/handler';
import { listQuery } from '../shared/schemas/staff';
import { decodeCursor, encodeCursor } from '../shared/http/cursor';
import { listForPrincipal } from '../shared/services/item-lists';

/** GET /api/items — the queue, filtered and paged, newest first. */
export const handler = staffHandler({ query: listQuery }, async (request, principal, deps) => {
  const { items, next } = await listForPrincipal(deps, principal, request.query, decodeCursor(request.query.cursor));
  return json(200, { items, ...(next ? { nextCursor: encodeCursor(next) } : {}) });
});
