import { staffHandler, versioned } from '../shared/http/handler';
import { requireIfMatch } from '../shared/http/headers';
import { sessionCodeParams, updateSessionBody } from '../shared/schemas/session';
import { updateSession } from '../shared/services/sessions';

/** PATCH /api/sessions/{code} — edit, open or close a session, as of the version in If-Match. */
export const handler = staffHandler({ params: sessionCodeParams, body: updateSessionBody }, async (request, principal, deps) =>
  versioned(200, await updateSession(deps, principal, request.params.code, requireIfMatch(request.headers['if-match']), request.body)),
);
