import { staffHandler, versioned } from '../shared/http/handler';
import { changeTarget, parseIfMatch } from '../shared/http/headers';
import { extensionDecisionBody, itemIdParams } from '../shared/schemas/staff';
import { decideExtension } from '../shared/services/item-extensions';

/** POST /api/items/{id}/extension/decision — the office approves (the due date moves) or declines. */
export const handler = staffHandler({ params: itemIdParams, body: extensionDecisionBody }, async (request, principal, deps) => {
  const item = await decideExtension(deps, changeTarget(principal, request, parseIfMatch), request.body);
  return versioned(200, item);
});
