import { staffHandler, versioned } from '../shared/http/handler';
import { createSessionBody } from '../shared/schemas/session';
import { createSession } from '../shared/services/sessions';

/** POST /api/sessions — a training session with its link (code and join key). */
export const handler = staffHandler({ body: createSessionBody }, async (request, principal, deps) => versioned(201, await createSession(deps, principal, request.body)));
