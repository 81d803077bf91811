import type { Deps } from '../shared/deps';
import { httpHandler, json, type HttpRequest } from '../shared/http/handler';
import { parseIdempotencyKey, publicWriter } from '../shared/http/headers';
import { metrics } from '../shared/observability/metrics';
import { createSubmissionBody, type CreateSubmissionBody } from '../shared/schemas/submission';
import { submit } from '../shared/services/public-desk';

/** POST /api/submissions — take a submission and hand back its receipt. */
const createSubmission = async (request: HttpRequest<CreateSubmissionBody, undefined, undefined>, deps: Deps) =>
  json(201, await submit(deps, request.body, parseIdempotencyKey(request.headers['idempotency-key']), publicWriter(request)));

export const handler = httpHandler({ body: createSubmissionBody, metrics }, createSubmission);
