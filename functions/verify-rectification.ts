import { staffHandler, versioned } from '../shared/http/handler';
import { changeTarget, parseIfMatch } from '../shared/http/headers';
import { rectificationVerificationBody } from '../shared/schemas/rectification';
import { itemIdParams } from '../shared/schemas/staff';
import { verifyRectification } from '../shared/services/rectification';

/** POST /api/items/{id}/rectification/verification — the group (or the office) signs it off or sends it back. */
export const handler = staffHandler({ params: itemIdParams, body: rectificationVerificationBody }, async (request, principal, deps) =>
  versioned(200, await verifyRectification(deps, changeTarget(principal, request, parseIfMatch), request.body)),
);
