import { httpHandler, json } from '../shared/http/handler';
import { buildOpenApiDocument } from '../shared/schemas/openapi';

/** Built once per container: the document only changes with the code. */
let document: ReturnType<typeof buildOpenApiDocument> | undefined;

/** GET /api/openapi.json — the contract, generated from the zod schemas. */
const getOpenApi = async () => json(200, (document ??= buildOpenApiDocument()), { 'cache-control': 'public, max-age=300' });

export const handler = httpHandler({}, getOpenApi);
