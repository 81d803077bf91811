import { httpHandler } from '../shared/http/handler';
import { verifyBearerToken } from '../shared/http/jwt';
import { exportQuery } from '../shared/schemas/staff';
import { exportCsv } from '../shared/services/export';

/** GET /api/exports/items.csv — every item the filters match, streamed as CSV. */
export const handler = httpHandler({ auth: 'staff', stream: true, authenticate: verifyBearerToken(), query: exportQuery }, async (request) => ({
  status: 200,
  headers: {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="yijian-items-${new Date().toISOString().slice(0, 10)}.csv"`,
  },
  body: await exportCsv(request.principal!, request.query),
}));
