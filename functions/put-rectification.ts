import { staffHandler, versioned } from '../shared/http/handler';
import { changeTarget, requireIfMatch } from '../shared/http/headers';
import { rectificationPlanBody } from '../shared/schemas/rectification';
import { itemIdParams } from '../shared/schemas/staff';
import { planRectification } from '../shared/services/rectification';

/** PUT /api/items/{id}/rectification — the item's group (or the office) records or replaces the plan. */
export const handler = staffHandler({ params: itemIdParams, body: rectificationPlanBody }, async (request, principal, deps) =>
  versioned(200, await planRectification(deps, changeTarget(principal, request, requireIfMatch), request.body)),
);
