import { httpHandler, json } from '../shared/http/handler';
// Generated from the zod schemas and the route table by `npm run openapi` (a test keeps it current):
// served as data, the function loads no schema library at all.
import document from '../shared/schemas/openapi.json' with { type: 'json' };

/** GET /api/openapi.json — the contract, generated from the zod schemas. */
const getOpenApi = async () => json(200, document, { 'cache-control': 'public, max-age=300' });

export const handler = httpHandler({}, getOpenApi);
