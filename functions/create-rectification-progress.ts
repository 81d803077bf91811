import { versioned } from '../shared/http/handler';
import { changeTarget, parseIfMatch } from '../shared/http/headers';
import { storageStaffHandler } from '../shared/http/storage-handler';
import { rectificationProgressBody } from '../shared/schemas/rectification';
import { itemIdParams } from '../shared/schemas/staff';
import { reportProgress } from '../shared/services/rectification';

/** POST /api/items/{id}/rectification/progress — the unit's liaison (or the group, or the office) reports, with evidence. */
export const handler = storageStaffHandler({ params: itemIdParams, body: rectificationProgressBody, liaisons: true }, async (request, principal, deps) =>
  versioned(201, await reportProgress(deps, changeTarget(principal, request, parseIfMatch), request.body)),
);
