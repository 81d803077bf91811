import { json, staffHandler } from '../shared/http/handler';
import { decodeCursor, encodeCursor } from '../shared/http/cursor';
import { sessionListQuery } from '../shared/schemas/session';
import { sessionsForPrincipal } from '../shared/services/sessions';

/** GET /api/sessions — the sessions the caller may see, newest `startsAt` first, paged. */
export const handler = staffHandler({ query: sessionListQuery }, async (request, principal, deps) => {
  const { sessions, next } = await sessionsForPrincipal(deps, principal, request.query, decodeCursor(request.query.cursor));
  return json(200, { sessions, ...(next ? { nextCursor: encodeCursor(next) } : {}) });
});
