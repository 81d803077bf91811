import { httpHandler } from '../shared/http/handler';
import { verifierFor, verifyBearerToken } from '../shared/http/jwt';
import { exportQuery } from '../shared/schemas/staff';
import { exportXlsx } from '../shared/services/export-xlsx';
import { xlsxContentType } from '../shared/http/headers';

/**
 * GET /api/exports/items.xlsx — every item the filters match, as a spreadsheet for people, streamed.
 * Its own function: the CSV export's bundle stays without the zip writer.
 */
export const handler = httpHandler({ auth: 'staff', stream: true, authenticate: (settings) => verifyBearerToken(verifierFor(settings.jwt)), query: exportQuery }, async (request, deps) => {
  const { body, fileName } = await exportXlsx(deps, request.principal!, request.query);
  return { status: 200, headers: { 'content-type': xlsxContentType, 'content-disposition': `attachment; filename="${fileName}"` }, body };
});
