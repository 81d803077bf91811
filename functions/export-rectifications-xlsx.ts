import { httpHandler } from '../shared/http/handler';
import { verifierFor, verifyBearerToken } from '../shared/http/jwt';
import { xlsxContentType } from '../shared/http/headers';
import { ledgerExportQuery } from '../shared/schemas/rectification';
import { exportLedger } from '../shared/services/export-rectifications';

/** GET /api/exports/rectifications.xlsx — the rectification ledger (整改台账) as a spreadsheet, streamed. */
export const handler = httpHandler({ auth: 'staff', stream: true, authenticate: (settings) => verifyBearerToken(verifierFor(settings.jwt)), query: ledgerExportQuery }, async (request, deps) => {
  const { body, fileName } = await exportLedger(deps, request.principal!, request.query);
  return { status: 200, headers: { 'content-type': xlsxContentType, 'content-disposition': `attachment; filename="${fileName}"` }, body };
});
