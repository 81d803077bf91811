import { httpHandler, json } from '../shared/http/handler';
import { similarAnswersQuery } from '../shared/schemas/answers';
import { similarAnswers } from '../shared/services/public-answers';

/** GET /api/public/answers/similar — the published answers most like the text a person is typing (`similarAnswerCount`). */
export const handler = httpHandler({ query: similarAnswersQuery }, async (request, deps) => json(200, { answers: await similarAnswers(deps, request.query.text) }));
