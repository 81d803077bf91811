import { staffHandler, versioned } from '../shared/http/handler';
import { sessionCodeParams } from '../shared/schemas/session';
import { viewSession } from '../shared/services/sessions';

/** GET /api/sessions/{code} — one session, with its version as the ETag. */
export const handler = staffHandler({ params: sessionCodeParams }, async (request, principal, deps) => versioned(200, await viewSession(deps, principal, request.params.code)));
