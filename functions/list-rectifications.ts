import { json, staffHandler } from '../shared/http/handler';
import { decodeCursor, encodeCursor } from '../shared/http/cursor';
import { ledgerQuery } from '../shared/schemas/rectification';
import { ledgerPage } from '../shared/services/ledger';

/** GET /api/rectifications — the ledger (整改台账), earliest deadline first; liaisons see their unit's. */
export const handler = staffHandler({ query: ledgerQuery, liaisons: true }, async (request, principal, deps) => {
  const { items, next } = await ledgerPage(deps, principal, request.query, decodeCursor(request.query.cursor));
  return json(200, { items, ...(next ? { nextCursor: encodeCursor(next) } : {}) });
});
