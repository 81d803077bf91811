import { parseIdempotencyKey, publicWriter } from '../shared/http/headers';
import { json } from '../shared/http/middy-stack';
import { storageHandler } from '../shared/http/storage-handler';
import { metrics } from '../shared/observability/metrics';
import { createSubmissionBody } from '../shared/schemas/submission';
import { submit } from '../shared/services/submit';

/** POST /api/submissions — take a submission (with its attachments) and hand back its receipt. */
export const handler = storageHandler({ body: createSubmissionBody, metrics }, async (request, deps) =>
  json(201, await submit(deps, request.body, parseIdempotencyKey(request.headers['idempotency-key']), publicWriter(request))),
);
