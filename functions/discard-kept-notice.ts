import { json, staffHandler } from '../shared/http/handler';
import { keptNoticeParams } from '../shared/schemas/staff';
import { discardNotice } from '../shared/services/kept-notices';

/** DELETE /api/admin/notices/{id} — the office discards a kept notice: it is never sent, its recipients forgotten. */
export const handler = staffHandler({ params: keptNoticeParams }, async (request, principal, deps) =>
  json(200, await discardNotice(deps, principal, request.params.id)),
);
