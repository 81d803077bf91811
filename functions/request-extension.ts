import { staffHandler, versioned } from '../shared/http/handler';
import { changeTarget, parseIfMatch } from '../shared/http/headers';
import { extensionBody, itemIdParams } from '../shared/schemas/staff';
import { requestExtension } from '../shared/services/item-extensions';

/** POST /api/items/{id}/extension — the item's group (or the office) asks for more working days. */
export const handler = staffHandler({ params: itemIdParams, body: extensionBody }, async (request, principal, deps) => {
  const item = await requestExtension(deps, changeTarget(principal, request, parseIfMatch), request.body);
  return versioned(201, item);
});
