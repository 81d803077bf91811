import { staffHandler, versioned } from '../shared/http/handler';
import { changeTarget, parseIfMatch } from '../shared/http/headers';
import { publicationBody } from '../shared/schemas/answers';
import { itemIdParams } from '../shared/schemas/staff';
import { publishAnswer } from '../shared/services/publications';

/** POST /api/items/{id}/publication — the office publishes its rewrite of an answered item (答复公开). */
export const handler = staffHandler({ params: itemIdParams, body: publicationBody }, async (request, principal, deps) => {
  const item = await publishAnswer(deps, changeTarget(principal, request, parseIfMatch), request.body);
  return versioned(201, item);
});
