import type { Deps } from '../shared/deps';
import { httpHandler, json, type HttpRequest } from '../shared/http/handler';
import { trackingCodeParams } from '../shared/schemas/submission';
import { publicView } from '../shared/services/public-desk';
import type * as z from 'zod';

/** GET /api/submissions/{trackingCode} — the submitter's view, opened with the access key. */
const getSubmission = async (request: HttpRequest<undefined, undefined, z.infer<typeof trackingCodeParams>>, deps: Deps) =>
  json(200, await publicView(deps, request.params.trackingCode, request.headers['x-access-key']));

export const handler = httpHandler({ params: trackingCodeParams }, getSubmission);
