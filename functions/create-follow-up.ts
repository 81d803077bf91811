import { publicWriter } from '../shared/http/headers';
import { json } from '../shared/http/middy-stack';
import { storageHandler } from '../shared/http/storage-handler';
import { followUpBody, trackingCodeParams } from '../shared/schemas/submission';
import { addFollowUp } from '../shared/services/public-desk';

/** POST /api/submissions/{trackingCode}/follow-ups — the submitter adds to their item (with attachments). */
export const handler = storageHandler({ body: followUpBody, params: trackingCodeParams }, async (request, deps) =>
  json(201, await addFollowUp(deps, request.params.trackingCode, request.headers['x-access-key'], request.body, publicWriter(request))),
);
