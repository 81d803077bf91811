import { buildHttpHandler, json } from '../shared/http/middy-stack';
import { readSettings } from '../shared/settings';
// Generated from the zod schemas and the route table by `npm run openapi` (a test keeps it current):
// served as data, the function loads no schema library at all.
import document from '../shared/schemas/openapi.json' with { type: 'json' };

/** GET /api/openapi.json — the contract, generated from the zod schemas. */
const getOpenApi = async () => json(200, document, { 'cache-control': 'public, max-age=300' });

// On its settings alone (the stack reads the origin secret from them): it touches no table, so it
// builds no deps and bundles no DynamoDB client.
export const handler = buildHttpHandler({}, getOpenApi)({ settings: readSettings(process.env) });
