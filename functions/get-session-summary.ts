import { json, staffHandler } from '../shared/http/handler';
import { sessionCodeParams } from '../shared/schemas/session';
import { sessionSummary } from '../shared/services/session-summary';

/** GET /api/sessions/{code}/summary — the session's ratings and what was raised, by outcome. */
export const handler = staffHandler({ params: sessionCodeParams }, async (request, principal, deps) => json(200, await sessionSummary(deps, principal, request.params.code)));
