import { httpHandler, json, type HttpRequest } from '../shared/http/handler';
import { problems } from '../shared/http/problem';
import { createSubmissionBody, idempotencyKeySchema, type CreateSubmissionBody } from '../shared/schemas/submission';
import { submit } from '../shared/services/public-desk';

/** POST /api/submissions — take a submission and hand back its receipt. */
const createSubmission = async (request: HttpRequest<CreateSubmissionBody, undefined, undefined>) => {
  const header = request.headers['idempotency-key'];
  if (header !== undefined && !idempotencyKeySchema.safeParse(header).success) {
    throw problems.validation([{ path: 'Idempotency-Key', message: 'Must be 8..128 visible ASCII characters.' }]);
  }
  return json(201, await submit(request.body, header, request.clientAddress));
};

export const handler = httpHandler({ body: createSubmissionBody }, createSubmission);
