import { json, staffHandler } from '../shared/http/handler';
import { listNotices } from '../shared/services/kept-notices';

/** GET /api/admin/notices — the office lists the notices that could not be sent. */
export const handler = staffHandler({}, async (_request, principal, deps) => json(200, await listNotices(deps, principal)));
