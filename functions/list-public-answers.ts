import { httpHandler, json } from '../shared/http/handler';
import { decodeCursor, encodeCursor } from '../shared/http/cursor';
import { publicAnswersQuery } from '../shared/schemas/answers';
import { listPublicAnswers } from '../shared/services/public-answers';

/** GET /api/public/answers — the published answers, newest first or by likeness to `q`, by kind, paged. */
export const handler = httpHandler({ query: publicAnswersQuery }, async (request, deps) => {
  const { answers, next } = await listPublicAnswers(deps, request.query, decodeCursor(request.query.cursor));
  return json(200, { answers, ...(next ? { nextCursor: encodeCursor(next) } : {}) });
});
