import { json, staffHandler } from '../shared/http/handler';
import { keptNoticeParams } from '../shared/schemas/staff';
import { redriveNotice } from '../shared/services/kept-notices';

/** POST /api/admin/notices/{id}/redrive — the office has a kept notice sent again (by the notify worker: 202). */
export const handler = staffHandler({ params: keptNoticeParams }, async (request, principal, deps) =>
  json(202, await redriveNotice(deps, principal, request.params.id)),
);
