import type { Deps } from '../shared/deps';
import type * as z from 'zod';
import { httpHandler, json, type HttpRequest } from '../shared/http/handler';
import { publicWriter } from '../shared/http/headers';
import { ratingBody, trackingCodeParams } from '../shared/schemas/submission';
import { rate } from '../shared/services/public-desk';

/** POST /api/submissions/{trackingCode}/rating — the submitter rates the answer. */
const rateSubmission = async (request: HttpRequest<z.infer<typeof ratingBody>, undefined, z.infer<typeof trackingCodeParams>>, deps: Deps) =>
  json(200, await rate(deps, request.params.trackingCode, request.headers['x-access-key'], request.body, publicWriter(request)));

export const handler = httpHandler({ body: ratingBody, params: trackingCodeParams }, rateSubmission);
