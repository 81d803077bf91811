import { httpHandler } from '../shared/http/handler';
import { verifierFor, verifyBearerToken } from '../shared/http/jwt';
import { exportQuery } from '../shared/schemas/staff';
import { exportCsv } from '../shared/services/export';

/** GET /api/exports/items.csv — every item the filters match, streamed as CSV. */
export const handler = httpHandler({ auth: 'staff', stream: true, authenticate: (settings) => verifyBearerToken(verifierFor(settings.jwt)), query: exportQuery }, async (request, deps) => ({
  status: 200,
  headers: {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="yijian-items-${new Date().toISOString().slice(0, 10)}.csv"`,
  },
  body: await exportCsv(deps, request.principal!, request.query),
}));
