import { json, staffHandler } from '../shared/http/handler';
import { reportQuery } from '../shared/schemas/staff';
import { reportSummary } from '../shared/services/report';

/** GET /api/reports/summary — the figures of the console's printable report, for a phase and/or a period. */
export const handler = staffHandler({ query: reportQuery }, async (request, principal, deps) => json(200, await reportSummary(deps, principal, request.query)));
