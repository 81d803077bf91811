import { json, staffHandler } from '../shared/http/handler';
import { recordsBody, recordsMaxBodyBytes, sessionCodeParams } from '../shared/schemas/session';
import { recordSession } from '../shared/services/session-records';

/** POST /api/sessions/{code}/records — what was raised in the room, all entries or none. */
export const handler = staffHandler({ params: sessionCodeParams, body: recordsBody, maxBodyBytes: recordsMaxBodyBytes }, async (request, principal, deps) =>
  json(201, await recordSession(deps, principal, request.params.code, request.body)),
);
