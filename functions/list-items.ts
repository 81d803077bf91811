import { json, staffHandler } from '../shared/http/handler';
import { listQuery } from '../shared/schemas/staff';
import { listForPrincipal } from '../shared/services/staff-desk';

/** GET /api/items — the queue, filtered and paged, newest first. */
export const handler = staffHandler({ query: listQuery }, async (request, principal) =>
  json(200, await listForPrincipal(principal, request.query)),
);
