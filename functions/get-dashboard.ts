import { json, staffHandler } from '../shared/http/handler';
import { dashboardQuery } from '../shared/schemas/staff';
import { dashboard } from '../shared/services/dashboard';

/** GET /api/dashboard — totals, groups, hot-spot units, kinds and satisfaction, from counters. */
export const handler = staffHandler({ query: dashboardQuery }, async (request, principal, deps) =>
  json(200, await dashboard(deps, principal, request.query)),
);
