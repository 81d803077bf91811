import { httpHandler, json } from '../shared/http/handler';
import { sessionCodeParams } from '../shared/schemas/session';
import { publicSessionView } from '../shared/services/public-sessions';

/** GET /api/public/sessions/{code} — what a participant's page shows (header X-Session-Key). */
export const handler = httpHandler({ params: sessionCodeParams }, async (request, deps) =>
  json(200, await publicSessionView(deps, request.params.code, request.headers['x-session-key'])),
);
