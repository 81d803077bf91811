import type { Deps } from '../shared/deps';
import type * as z from 'zod';
import { httpHandler, json, type HttpRequest } from '../shared/http/handler';
import { publicWriter } from '../shared/http/headers';
import { followUpBody, trackingCodeParams } from '../shared/schemas/submission';
import { addFollowUp } from '../shared/services/public-desk';

/** POST /api/submissions/{trackingCode}/follow-ups — the submitter adds to their item. */
const createFollowUp = async (
  request: HttpRequest<z.infer<typeof followUpBody>, undefined, z.infer<typeof trackingCodeParams>>,
  deps: Deps,
) => json(201, await addFollowUp(deps, request.params.trackingCode, request.headers['x-access-key'], request.body.body, publicWriter(request)));

export const handler = httpHandler({ body: followUpBody, params: trackingCodeParams }, createFollowUp);
