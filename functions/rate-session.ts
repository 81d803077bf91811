import { httpHandler, json } from '../shared/http/handler';
import { publicWriter } from '../shared/http/headers';
import { sessionCodeParams, sessionRatingBody } from '../shared/schemas/session';
import { rateSession } from '../shared/services/public-sessions';

/** POST /api/public/sessions/{code}/ratings — a participant rates the session (header X-Session-Key). */
export const handler = httpHandler({ params: sessionCodeParams, body: sessionRatingBody }, async (request, deps) =>
  json(201, await rateSession(deps, request.params.code, request.headers['x-session-key'], request.body, publicWriter(request))),
);
