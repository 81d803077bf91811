import { publicWriter } from '../shared/http/headers';
import { optionalBearerToken, verifierFor } from '../shared/http/jwt';
import { json } from '../shared/http/middy-stack';
import { principalFrom } from '../shared/http/principal';
import { storageHandler } from '../shared/http/storage-handler';
import { createAttachmentBody } from '../shared/schemas/attachment';
import { createAttachment } from '../shared/services/attachments';

/**
 * POST /api/attachments — a presigned upload. Public (a room write), or staff with their token,
 * who are not counted: the function verifies a token itself when one is sent (no authorizer runs
 * on a public route).
 */
export const handler = storageHandler(
  { body: createAttachmentBody, authenticate: (settings) => optionalBearerToken(verifierFor(settings.jwt)) },
  async (request, deps) => {
    const staff = (request.event.requestContext as { authorizer?: unknown }).authorizer !== undefined;
    // A valid token without a role in yijian is refused (403), as on every staff route; a unit's
    // liaison uploads the rectification's evidence.
    if (staff) principalFrom(request.event, { liaisons: true });
    return json(201, await createAttachment(deps, request.body, staff ? null : publicWriter(request)));
  },
);
