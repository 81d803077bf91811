import { buildHttpHandler } from '../shared/http/middy-stack';
import { problems } from '../shared/http/problem';
import { allowedMethods } from '../shared/routes';
import { readSettings } from '../shared/settings';

const allowed = allowedMethods();

/**
 * `ANY <path>` for every path of the route table (infra/http-api.ts): API Gateway picks a route
 * with the request's own method first, so this answers only a method the path does not have,
 * with 405 and `Allow`, where API Gateway alone would answer 404. It touches no table.
 */
const answerMethodNotAllowed = async (request: { readonly event: { readonly routeKey?: string } }) => {
  throw problems.methodNotAllowed(allowed.get((request.event.routeKey ?? '').replace(/^ANY /, '')) ?? []);
};

export const handler = buildHttpHandler({}, answerMethodNotAllowed)({ settings: readSettings(process.env) });
